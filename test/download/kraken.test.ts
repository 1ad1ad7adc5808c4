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

const SCALE = 50;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await faultySim('kraken', SCALE);
});
afterAll(() => sim.close());

const opts = () => ({ exchange: 'kraken', symbol: 'BTC/USD', ...clientOptions(sim, SCALE) });

describe('kraken downloads against the simulator (faults on, limits scaled ×50 both sides)', () => {
  it('the newest 718 1m candles equal the ground truth', async () => {
    const start = SIM_NOW - 718n * 60n * S;
    const dl = download.ohlc({ ...opts(), span: '1m', start, end: SIM_NOW });
    const bars = await all(dl);
    expect(bars.length).toBe(718);
    expect(firstDifference(bars, sim.truth.bars('XXBTZUSD', 60, start, SIM_NOW))).toBe(-1);
    expect((await dl.report).complete).toBe(true);
  });

  it('refuses 30 days of candles with UnsupportedRangeError naming the range and the way out', async () => {
    const start = SIM_NOW - 30n * 86_400n * S;
    const dl = download.ohlc({ ...opts(), span: '1m', start, end: SIM_NOW });
    await expect(all(dl)).rejects.toMatchObject({
      name: 'UnsupportedRangeError',
      code: 'ERR_UNSUPPORTED_RANGE',
      range: { startNs: start },
      message: expect.stringContaining('ohlcFromTrades'),
    });
    const report = await dl.report;
    expect(report.complete).toBe(false);
    expect(report.missing[0]?.range).toEqual({ startNs: start, endNs: SIM_NOW });
  });

  it('builds older bars from trades on request: the whole range equals the truth', async () => {
    const start = SIM_NOW - 760n * 60n * S; // 42 bars before the candle window, then candles
    const bars = await all(
      download.ohlc({ ...opts(), span: '1m', start, end: SIM_NOW, ohlcFromTrades: true }),
    );
    const truth = sim.truth.bars('XXBTZUSD', 60, start, SIM_NOW);
    expect(bars.length).toBe(760);
    expect(bars.map((b) => [b.tsNs, b.open, b.high, b.low, b.close])).toEqual(
      truth.map((b) => [b.tsNs, b.open, b.high, b.low, b.close]),
    );
    for (const [i, b] of bars.entries()) expect(b.volume).toBeCloseTo(truth[i]!.volume, 9);
  });

  it('three hours of trades (overlapping ns-cursor pages) equal the ground truth', async () => {
    const end = SIM_NOW - 3600n * S;
    const start = end - 3n * 3600n * S;
    const dl = download.trades({ ...opts(), start, end });
    const trades = await all(dl);
    expect(firstDifference(trades, sim.truth.trades('XXBTZUSD', start, end))).toBe(-1);
    expect(trades.length).toBeGreaterThan(100_000);
    expect(ascendingUnique(trades)).toBe(true);
    expect((await dl.report).complete).toBe(true);
    const built = await all(
      barsFromTrades(
        trades.filter((t) => t.tsNs >= end - 600n * S),
        60,
      ),
    );
    expect(built.map((b) => b.close)).toEqual(
      sim.truth.bars('XXBTZUSD', 60, end - 600n * S, end).map((b) => b.close),
    );
    expect(sim.stats().throttled).toBe(0);
  });
});
