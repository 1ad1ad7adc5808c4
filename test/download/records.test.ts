import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/download/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { all, S, SIM_NOW } from '../helpers/adapters-sim.js';

let binance: RunningSimulator;

beforeAll(async () => {
  binance = await startSimulator({ exchange: 'binance', rateLimits: { scale: 20 } });
});
afterAll(async () => {
  await binance.close();
});

const range = { start: SIM_NOW - 3600n * S, end: SIM_NOW };

describe('download.records: any registered kind', () => {
  it('serves ohlc and trades exactly as download.ohlc and download.trades', async () => {
    const opts = { exchange: 'binance', symbol: 'BTCUSDT', ...range, baseUrl: binance.url, rateScale: 20 };
    const viaRecords = await all(download.records({ ...opts, kind: 'ohlc', span: '1m' }));
    expect(viaRecords).toEqual(binance.truth.bars('BTCUSDT', 60, range.start, range.end));
    const short = { ...opts, start: SIM_NOW - 60n * S };
    const trades = await all(download.records({ ...short, kind: 'trades' }));
    expect(trades).toEqual(binance.truth.trades('BTCUSDT', short.start, short.end));
  });

  it('refuses a kind the exchange does not serve with UnsupportedKindError listing what it serves', async () => {
    const dl = download.records({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      kind: 'funding',
      ...range,
      baseUrl: binance.url,
      rateScale: 20,
    });
    await expect(all(dl)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KIND',
      exchange: 'binance',
      kind: 'funding',
      supported: ['ohlc', 'trades'],
    });
    const report = await dl.report;
    expect(report.complete).toBe(false);
    expect(report.missing[0]?.range).toEqual({ startNs: range.start, endNs: range.end });
  });

  it('names a live-only kind as such', async () => {
    const dl = download.records({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      kind: 'liquidations',
      ...range,
      baseUrl: binance.url,
    });
    await expect(all(dl)).rejects.toThrow(/exists only live/);
  });

  it('validates span against the kind: required for spanned kinds, refused for others', () => {
    const base = { exchange: 'binance', symbol: 'BTCUSDT', ...range };
    expect(() => download.records({ ...base, kind: 'mark-ohlc' })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.span' }),
    );
    expect(() => download.records({ ...base, kind: 'funding', span: '1m' })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.span' }),
    );
    expect(() => download.records({ ...base, kind: 'nope' as 'funding' })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.kind' }),
    );
  });
});
