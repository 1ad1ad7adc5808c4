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

// Coinbase leaves the client 5 tokens of slack (burst 10 vs 15): at ×5 that absorbs 100 ms of timing
// jitter between client and server, enough for a loaded CI machine; ×20 left only 25 ms.
const SCALE = 5;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await faultySim('coinbase', SCALE);
});
afterAll(() => sim.close());

describe('coinbase downloads against the simulator (faults on, limits scaled ×5 both sides)', () => {
  it('30 days of 1m candles equal the ground truth', async () => {
    const start = SIM_NOW - 30n * 86_400n * S;
    const dl = download.ohlc({
      exchange: 'coinbase',
      symbol: 'BTC/USD',
      span: '1m',
      start,
      end: SIM_NOW,
      ...clientOptions(sim, SCALE),
    });
    const bars = await all(dl);
    expect(bars.length).toBe(43_200);
    expect(firstDifference(bars, sim.truth.bars('BTC-USD', 60, start, SIM_NOW))).toBe(-1);
    expect(await dl.report).toMatchObject({ complete: true, missing: [] });
    expect(sim.stats().status429).toBe(0);
  });

  it('trades of a past window, reached by id bisection, equal the truth; their bars equal the candles', async () => {
    // Two hours ending a day before "now": walking back page by page from now would take ~1700 requests.
    const end = SIM_NOW - 86_400n * S;
    const start = end - 2n * 3600n * S;
    const before = sim.stats().byPath;
    const tradesPath = '/products/BTC-USD/trades';
    const n0 = before[tradesPath] ?? 0;
    const dl = download.trades({
      exchange: 'coinbase',
      symbol: 'BTC-USD',
      start,
      end,
      ...clientOptions(sim, SCALE),
    });
    const trades = await all(dl);
    const truth = sim.truth.trades('BTC-USD', start, end);
    expect(trades.length).toBeGreaterThan(50_000);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
    // pages + O(log n) probes (+ retries of faulted requests), far below the walk from now.
    const requests = (sim.stats().byPath[tradesPath] ?? 0) - n0;
    expect(requests).toBeLessThan(Math.ceil(truth.length / 1000) + 60);

    const built = await all(barsFromTrades(trades, 60));
    const bars = await all(
      download.ohlc({
        exchange: 'coinbase',
        symbol: 'BTC/USD',
        span: '1m',
        start,
        end,
        ...clientOptions(sim, SCALE),
      }),
    );
    expect(built.map((b) => [b.tsNs, b.open, b.high, b.low, b.close])).toEqual(
      bars.map((b) => [b.tsNs, b.open, b.high, b.low, b.close]),
    );
    for (const [i, b] of built.entries()) expect(b.volume).toBeCloseTo(bars[i]!.volume, 9);
  });
});
