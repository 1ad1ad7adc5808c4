/**
 * `Download.batches()`: the same records as the record iterator, page by page, with the same report;
 * stopping early reports what was handed out; one iteration per download, whichever form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/index.js';
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { S, SIM_NOW } from '../helpers/adapters-sim.js';
import { failThirdSlice } from '../helpers/download-trades-sliced.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, rateLimits: 'off' });
});
afterAll(() => sim.close());

const HOUR = 3600n * S;
const trades = () =>
  download.trades({
    exchange: 'binance',
    symbol: 'BTC/USDT',
    start: SIM_NOW - HOUR,
    end: SIM_NOW,
    baseUrl: sim.url,
  });

describe('Download.batches()', () => {
  it('trades: the ground truth in order, in non-empty batches of at most a page, the same report', async () => {
    const dl = trades();
    const sizes: number[] = [];
    const got: Trade[] = [];
    for await (const batch of dl.batches()) {
      sizes.push(batch.length);
      got.push(...batch);
    }
    const truth = sim.truth.trades('BTCUSDT', SIM_NOW - HOUR, SIM_NOW);
    expect(got.map((t) => t.id)).toEqual(truth.map((t) => t.id));
    expect(got.map((t) => t.tsNs)).toEqual(truth.map((t) => t.tsNs));
    expect(sizes.length).toBeGreaterThan(10); // batches, not one array
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000); // Binance's page
    const report = await dl.report;
    expect(report).toMatchObject({ complete: true, items: truth.length });

    // The record iterator of another download of the same range gives the same report.
    const again = trades();
    let n = 0;
    for await (const _ of again) n++;
    expect(n).toBe(truth.length);
    expect((await again.report).pages).toBe(report.pages);
  });

  it('candles: a day of bars, break after the second batch reports exactly those as delivered', async () => {
    const start = SIM_NOW - 86_400n * S;
    const dl = download.ohlc({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      span: '1m',
      start,
      end: SIM_NOW,
      baseUrl: sim.url,
    });
    const got: OHLCBar[] = [];
    let batches = 0;
    for await (const batch of dl.batches()) {
      got.push(...batch);
      if (++batches === 2) break;
    }
    const last = (got.at(-1) as OHLCBar).tsNs;
    const report = await dl.report;
    expect(report.items).toBe(got.length);
    expect(report.complete).toBe(false);
    expect(report.delivered).toEqual([{ startNs: start, endNs: last + 1n }]);
    expect(report.missing).toEqual([
      { range: { startNs: last + 1n, endNs: SIM_NOW }, reason: 'the consumer stopped the iteration' },
    ]);
    // Every bar in order, one a minute from the start.
    expect(got.map((b) => b.tsNs)).toEqual(got.map((_, i) => start + BigInt(i) * 60n * S));
  });

  it('one iteration per download: batches after records, records after batches, batches twice', () => {
    const a = trades();
    a[Symbol.asyncIterator]();
    expect(() => a.batches()).toThrow(/iterated once/);
    const b = trades();
    b.batches();
    expect(() => b[Symbol.asyncIterator]()).toThrow(/iterated once/);
    expect(() => b.batches()).toThrow(/iterated once/);
    return Promise.all([a[Symbol.asyncDispose](), b[Symbol.asyncDispose]()]);
  });

  it('a slice failing in the middle: batches() throws after the exact prefix, the report names the gap', async () => {
    const adapter = createAdapter('binance', { baseUrl: sim.url });
    const slice = failThirdSlice(adapter, sim.url);
    const start = SIM_NOW - 2n * HOUR;
    const end = SIM_NOW - HOUR;
    const dl = download.trades({ exchange: 'binance', symbol: 'BTCUSDT', start, end, adapter });
    const got: Trade[] = [];
    const error = await (async () => {
      for await (const batch of dl.batches()) got.push(...batch);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    await adapter.close();
    expect(error).toMatchObject({ name: 'IncompleteRangeError' });
    const gap = slice.failing() as bigint;
    const before = sim.truth.trades('BTCUSDT', start, gap);
    expect(got.map((t) => t.id)).toEqual(before.map((t) => t.id));
    const report = await dl.report;
    expect(report.items).toBe(before.length);
    expect(report.delivered).toEqual([{ startNs: start, endNs: gap }]);
    expect(report.missing.map((m) => m.range)).toEqual([{ startNs: gap, endNs: end }]);
  });
});
