import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGES } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { download } from '../../src/download/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { RateLimiter } from '../../src/transport/rate-limit/limiter.js';
import type { Limiter } from '../../src/transport/rate-limit/types.js';
import { all, faultySim, firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';

let binance: RunningSimulator;
let coinbase: RunningSimulator;

beforeAll(async () => {
  binance = await startSimulator({ exchange: 'binance', rateLimits: { scale: 20 } });
  coinbase = await startSimulator({ exchange: 'coinbase', rateLimits: { scale: 20 } });
});
afterAll(async () => {
  await binance.close();
  await coinbase.close();
});

const range = { start: SIM_NOW - 3600n * S, end: SIM_NOW };

describe('bad input gives typed errors naming the value', () => {
  it('unknown symbol, with near matches', async () => {
    const dl = download.ohlc({
      exchange: 'binance',
      symbol: 'BTC/USDX',
      span: '1m',
      ...range,
      baseUrl: binance.url,
      rateScale: 20,
    });
    await expect(all(dl)).rejects.toMatchObject({
      name: 'UnknownSymbolError',
      code: 'ERR_UNKNOWN_SYMBOL',
      symbol: 'BTC/USDX',
      suggestions: expect.arrayContaining(['BTC/USDT']),
    });
    expect((await dl.report).missing[0]?.range).toEqual({ startNs: range.start, endNs: range.end });
  });

  it('unsupported span, listing the supported ones', async () => {
    const dl = download.ohlc({
      exchange: 'coinbase',
      symbol: 'BTC-USD',
      span: '4h',
      ...range,
      baseUrl: coinbase.url,
      rateScale: 20,
    });
    await expect(all(dl)).rejects.toMatchObject({
      name: 'UnsupportedSpanError',
      span: 14_400,
      supported: [60, 300, 900, 3600, 21_600, 86_400],
    });
  });

  it('start after end, bad span text, bad concurrency: synchronous ValidationError', () => {
    expect(() =>
      download.trades({ exchange: 'binance', symbol: 'BTCUSDT', start: range.end, end: range.start }),
    ).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'options.start', value: range.end }),
    );
    expect(() => download.ohlc({ exchange: 'binance', symbol: 'BTCUSDT', span: 'fast', ...range })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.span', value: 'fast' }),
    );
    expect(() =>
      download.ohlc({ exchange: 'binance', symbol: 'BTCUSDT', span: '1m', ...range, concurrency: 0 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.concurrency' }));
  });

  it('unknown exchange', () => {
    expect(() => download.trades({ exchange: 'bitfoo', symbol: 'X', ...range })).toThrow(
      expect.objectContaining({
        name: 'UnknownExchangeError',
        exchange: 'bitfoo',
        known: [...EXCHANGES],
      }),
    );
  });

  it("a range in the future, by the exchange's clock", async () => {
    const start = SIM_NOW + 3600n * S;
    const dl = download.trades({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      start,
      end: start + S,
      baseUrl: binance.url,
      rateScale: 20,
    });
    await expect(all(dl)).rejects.toMatchObject({
      name: 'ValidationError',
      argument: 'options.start',
      value: start,
    });
    const late = download.ohlc({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      span: '1m',
      start: range.start,
      end: SIM_NOW + 86_400n * S,
      baseUrl: binance.url,
      rateScale: 20,
    });
    await expect(all(late)).rejects.toMatchObject({ name: 'ValidationError', argument: 'options.end' });
  });

  it('a window-paged source that declares no window is refused naming the exchange, not the market', async () => {
    const adapter = createAdapter('binance', { baseUrl: binance.url, rateScale: 20 });
    try {
      const real = adapter.sources;
      const funding = {
        paging: 'window' as const,
        capability: real.ohlc!.capability,
        fetchPage: async () => [],
      };
      Object.defineProperty(adapter, 'sources', { value: { ...real, funding } });
      const dl = download.records({
        exchange: 'binance',
        kind: 'funding',
        symbol: 'BTCUSDT',
        ...range,
        adapter,
      });
      await expect(all(dl)).rejects.toMatchObject({
        name: 'UnsupportedKindError',
        exchange: 'binance',
        message: expect.stringContaining('declares no window'),
      });
    } finally {
      await adapter.close();
    }
  });

  it('a failed download reports exactly which range is missing', async () => {
    const broken = await startSimulator({ exchange: 'binance', rateLimits: 'off', faults: { errorRate: 1 } });
    try {
      const dl = download.ohlc({
        exchange: 'binance',
        symbol: 'BTCUSDT',
        span: '1m',
        ...range,
        baseUrl: broken.url,
        http: { maxRetries: 1, backoffBase: 0.001 },
      });
      await expect(all(dl)).rejects.toMatchObject({
        name: 'HTTPError',
        code: 'ERR_HTTP',
        status: expect.any(Number),
      });
      const report = await dl.report;
      expect(report.complete).toBe(false);
      expect(report.missing[0]?.range.endNs).toBe(range.end);
    } finally {
      await broken.close();
    }
  });
});

describe('rate limits', () => {
  it('a server tighter than the client answers 429; the whole exchange pauses and the data is exact', async () => {
    const sim = await faultySim('coinbase', 1, {}); // server: 10/s, burst 15
    const inner = new RateLimiter({ coinbase: { limit: 60, burst: 30 } }); // client: 6× too fast
    const pauses: { exchange: string; ms: number }[] = [];
    const limiter: Limiter = {
      acquire: (e, c, o) => inner.acquire(e, c, o),
      pause: (e, ms, r) => {
        pauses.push({ exchange: e, ms });
        return inner.pause(e, ms, r);
      },
      has: (e) => inner.has(e),
      close: () => inner.close(),
    };
    try {
      const start = SIM_NOW - 7n * 86_400n * S; // 34 pages
      const dl = download.ohlc({
        exchange: 'coinbase',
        symbol: 'BTC-USD',
        span: '1m',
        start,
        end: SIM_NOW,
        baseUrl: sim.url,
        limiter,
        http: { backoffBase: 0.05, maxRetries: 10 },
      });
      const bars = await all(dl);
      expect(firstDifference(bars, sim.truth.bars('BTC-USD', 60, start, SIM_NOW))).toBe(-1);
      expect(sim.stats().status429).toBeGreaterThan(0);
      expect(pauses.length).toBeGreaterThan(0);
      expect(pauses.every((p) => p.exchange === 'coinbase' && p.ms > 0)).toBe(true);
    } finally {
      await inner.close();
      await sim.close();
    }
  });
});
