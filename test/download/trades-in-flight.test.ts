/**
 * A trades download keeps its walks busy: with a consumer that reads as fast as pages come, the slices
 * ahead of the one being read have room to finish, so about `concurrency` requests are in flight, not the
 * two or three a small buffer allowed (each walk is sequential; a paused walk requests nothing). Measured
 * by the simulator itself: the average number of requests in flight while any was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';

let sim: RunningSimulator;
beforeAll(async () => {
  // A long round trip makes the download latency-bound, so the count in flight is the walks', not the CPU's.
  sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, faults: { latencyMs: 150 } });
});
afterAll(() => sim.close());

describe('download.trades in flight', () => {
  it('an hour of Binance trades with 16 walks: on average more than 5 requests in flight, the exact truth', async () => {
    const start = SIM_NOW - 3600n * S;
    const trades = [];
    for await (const t of download.trades({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      start,
      end: SIM_NOW,
      baseUrl: sim.url,
      concurrency: 16,
    }))
      trades.push(t);
    const truth = sim.truth.trades('BTCUSDT', start, SIM_NOW);
    expect(trades.length).toBe(truth.length);
    expect(firstDifference(trades, truth)).toBe(-1);
    const stats = sim.stats();
    const average = stats.requestMs / stats.busyMs;
    expect(stats.maxInFlight).toBeLessThanOrEqual(16);
    // Measured: 6.5 here; 2.5 with room for two slices of 16 pages (the old default).
    expect(average).toBeGreaterThan(5);
  }, 60_000);
});
