/**
 * A download's report when the consumer stops early: `break`, `return()`, disposal before or during the
 * iteration. What was delivered is the prefix up to the last record, the rest is missing with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { S, SIM_NOW } from '../helpers/adapters-sim.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW });
});
afterAll(() => sim.close());

const start = SIM_NOW - 86_400n * S;
const candles = () =>
  download.ohlc({
    exchange: 'binance',
    symbol: 'BTC/USDT',
    span: '1m',
    start,
    end: SIM_NOW,
    baseUrl: sim.url,
  });

describe('a download stopped by its consumer', () => {
  it('break after 100 bars: 100 delivered, the rest missing because the consumer stopped', async () => {
    const dl = candles();
    let n = 0;
    let last = 0n;
    for await (const bar of dl) {
      last = bar.tsNs;
      if (++n === 100) break;
    }
    const report = await dl.report;
    expect(report.items).toBe(100);
    expect(report.complete).toBe(false);
    expect(report.delivered).toEqual([{ startNs: start, endNs: last + 1n }]);
    expect(report.missing).toEqual([
      { range: { startNs: last + 1n, endNs: SIM_NOW }, reason: 'the consumer stopped the iteration' },
    ]);
    // A second iteration is refused.
    expect(() => dl[Symbol.asyncIterator]()).toThrow(/iterated once/);
  });

  it('disposed before the first record: the report settles with nothing delivered', async () => {
    const dl = candles();
    await dl[Symbol.asyncDispose]();
    const report = await dl.report;
    expect(report).toMatchObject({ items: 0, complete: false, delivered: [] });
    expect(report.missing).toEqual([
      { range: { startNs: start, endNs: SIM_NOW }, reason: 'the consumer stopped the iteration' },
    ]);
  });

  it('read to the end: complete, every bar counted; return() afterwards changes nothing', async () => {
    const dl = candles();
    const it = dl[Symbol.asyncIterator]();
    let n = 0;
    for (;;) {
      const step = await it.next();
      if (step.done) break;
      n++;
    }
    expect(n).toBe(1440);
    await it.return?.();
    expect(await it.next()).toEqual({ done: true, value: undefined });
    const report = await dl.report;
    expect(report).toMatchObject({ items: 1440, complete: true, missing: [] });
  });
});
