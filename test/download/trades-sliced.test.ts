/**
 * `download.trades` with concurrent time slices, end to end against the simulator with faults on (5 % 5xx,
 * resets, truncated bodies): Binance's output equals the ground truth exactly with walks overlapping, and a
 * slice that fails in the middle leaves an exact, resumable report. Coinbase and Kraken:
 * `trades-sliced-venues.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { download } from '../../src/download/index.js';
import { clientOptions, faultySim, firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';
import { expectExactSlicedTrades, failThirdSlice } from '../helpers/download-trades-sliced.js';

describe('concurrent trade slices equal the ground truth (faults on)', () => {
  it('binance: 2 h of trades, concurrency 4', () =>
    expectExactSlicedTrades({ exchange: 'binance', symbol: 'BTCUSDT', scale: 20, hours: 2n }));

  it('a slice that keeps failing in the middle: the prefix before it, then the exact missing range', async () => {
    const sim = await faultySim('binance', 20, {});
    try {
      const adapter = createAdapter('binance', clientOptions(sim, 20));
      const slice = failThirdSlice(adapter, sim.url);
      const end = SIM_NOW - 3600n * S;
      const start = end - 3600n * S;
      const dl = download.trades({ exchange: 'binance', symbol: 'BTCUSDT', start, end, adapter });
      const got: { tsNs: bigint; id: string }[] = [];
      const error = await (async () => {
        for await (const t of dl) got.push(t);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      await adapter.close();
      expect(error).toMatchObject({ name: 'IncompleteRangeError', code: 'ERR_INCOMPLETE_RANGE' });
      const gap = slice.failing() as bigint;
      expect(gap > start && gap < end).toBe(true);
      const truth = sim.truth.trades('BTCUSDT', start, end);
      const before = truth.filter((t) => t.tsNs < gap);
      expect(got.length).toBe(before.length);
      expect(firstDifference(got as typeof truth, before)).toBe(-1);
      const report = await dl.report;
      expect(report.complete).toBe(false);
      expect(report.delivered).toEqual([{ startNs: start, endNs: gap }]);
      expect(report.missing.map((m) => m.range)).toEqual([{ startNs: gap, endNs: end }]);
      expect(report.missing[0]?.error).toMatchObject({ name: 'HTTPError', status: 503 });
    } finally {
      await sim.close();
    }
  });
});
