import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barsFromTrades, download } from '../../src/download/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import {
  all,
  ascendingUnique,
  clientOptions,
  faultySim,
  firstDifference,
  S,
  SIM_NOW,
} from '../helpers/adapters-sim.js';

const SCALE = 20;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await faultySim('binance', SCALE);
});
afterAll(() => sim.close());

describe('binance downloads against the simulator (faults on, limits scaled ×20 both sides)', () => {
  it('30 days of 1m candles equal the ground truth', async () => {
    const start = SIM_NOW - 30n * 86_400n * S;
    const dl = download.ohlc({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      span: '1m',
      start,
      end: SIM_NOW,
      ...clientOptions(sim, SCALE),
    });
    const bars = await all(dl);
    const truth = sim.truth.bars('BTCUSDT', 60, start, SIM_NOW);
    expect(bars.length).toBe(43_200);
    expect(firstDifference(bars, truth)).toBe(-1);
    const report = await dl.report;
    expect(report).toMatchObject({ complete: true, missing: [], items: 43_200, symbol: 'BTC/USDT' });
    expect(report.delivered).toEqual([{ startNs: start, endNs: SIM_NOW }]);
    const stats = sim.stats();
    expect(stats.faults.error + stats.faults.reset + stats.faults.truncate).toBeGreaterThan(0);
    expect(stats.status418).toBe(0);
    expect(stats.status429).toBe(0);
  });

  it('three hours of trades equal the ground truth, and their bars equal the downloaded bars', async () => {
    const start = SIM_NOW - 3n * 3600n * S - 123_456_789n;
    const end = SIM_NOW - 1800n * S;
    const dl = download.trades({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      start,
      end,
      ...clientOptions(sim, SCALE),
    });
    const trades = await all(dl);
    const truth = sim.truth.trades('BTCUSDT', start, end);
    expect(trades.length).toBeGreaterThan(100_000);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
    expect((await dl.report).complete).toBe(true);

    const from = SIM_NOW - 3n * 3600n * S + 60n * S;
    const inner = trades.filter((t) => t.tsNs >= from);
    const built = await all(barsFromTrades(inner, 60));
    const bars = await all(
      download.ohlc({
        exchange: 'binance',
        symbol: 'BTCUSDT',
        span: 60,
        start: from,
        end,
        ...clientOptions(sim, SCALE),
      }),
    );
    expect(built.map((b) => [b.tsNs, b.open, b.high, b.low, b.close])).toEqual(
      bars.map((b) => [b.tsNs, b.open, b.high, b.low, b.close]),
    );
    for (const [i, b] of built.entries()) expect(b.volume).toBeCloseTo(bars[i]!.volume, 9);
    expect(sim.stats().status418).toBe(0);
  });
});
