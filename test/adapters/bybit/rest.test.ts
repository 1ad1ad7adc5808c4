/**
 * The Bybit adapters against the simulator: symbols in both categories, instruments paged by cursor,
 * newest-first endpoints reversed per window (the oldest rows of a window that holds more than a
 * page), open interest followed by `nextPageCursor`, error answers, and the IP ban as a hard pause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectBybit } from '../../../src/adapters/bybit/errors.js';
import { BybitAdapter } from '../../../src/adapters/bybit/rest.js';
import { connect } from '../../../src/adapters/connect.js';
import { createAdapter } from '../../../src/adapters/registry.js';
import { type RunningSimulator, startSimulator } from '../../../src/sim/index.js';
import { RateLimiter } from '../../../src/transport/rate-limit/limiter.js';

const S = 1_000_000_000n;
const NOW = 1_767_225_600_000_000_000n;
const MIN = 60n * S;

let linear: RunningSimulator;
let spot: RunningSimulator;
beforeAll(async () => {
  [linear, spot] = await Promise.all([
    startSimulator({ exchange: 'bybit-linear', rateLimits: 'off' }),
    startSimulator({ exchange: 'bybit', rateLimits: 'off' }),
  ]);
});
afterAll(async () => {
  await Promise.all([linear.close(), spot.close()]);
});

describe('bybit symbols', () => {
  it('the same native symbol names a spot pair on bybit and a perpetual on bybit-linear', async () => {
    const a = createAdapter('bybit', { baseUrl: spot.url });
    const b = createAdapter('bybit-linear', { baseUrl: linear.url });
    try {
      const s = await a.resolveSymbol('BTC/USDT');
      expect(s).toMatchObject({ id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT' });
      expect(s.type).toBeUndefined();
      for (const name of ['BTC/USDT:USDT', 'BTC/USDT', 'btcusdt', 'BTC-USDT-SWAP']) {
        expect(await b.resolveSymbol(name)).toMatchObject({
          id: 'BTCUSDT',
          symbol: 'BTC/USDT:USDT',
          type: 'perpetual',
          settle: 'USDT',
        });
      }
      await expect(b.resolveSymbol('DOGE/USDT:USDT')).rejects.toMatchObject({
        name: 'UnknownSymbolError',
        exchange: 'bybit-linear',
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('walks the linear instrument list by cursor', async () => {
    const before = linear.stats().byPath['/v5/market/instruments-info'] ?? 0;
    const c = connect('bybit', linear.url, { limit: 1000 }, { baseUrl: linear.url }, inspectBybit);
    const adapter = new BybitAdapter('linear', c.baseUrl, c.transport, c.rates, c.release, {
      instrumentsPage: 1,
    });
    try {
      const markets = await adapter.markets();
      expect(markets.markets.map((m) => m.id)).toEqual(['BTCUSDT', 'ETHUSDT', 'ZECUSDT']);
      expect((linear.stats().byPath['/v5/market/instruments-info'] ?? 0) - before).toBe(3);
    } finally {
      await adapter.close();
    }
  });
});

describe('bybit newest-first windows', () => {
  let adapter: ReturnType<typeof createAdapter>;
  beforeAll(() => {
    adapter = createAdapter('bybit-linear', { baseUrl: linear.url });
  });
  afterAll(() => adapter.close());

  it('a window holding more bars than the limit gives its OLDEST bars (Bybit answers the newest)', async () => {
    const start = NOW - 600n * MIN;
    const page = await adapter.fetchOhlcPage('BTCUSDT', 60, start, NOW - 1n, 25, {});
    expect(page).toEqual(linear.truth.bars('BTCUSDT', 60, start, start + 25n * MIN));
  });

  it('mark bars the same way, and a mid-bar start leaves out the bar containing it', async () => {
    const start = NOW - 100n * MIN + 30n * S;
    const src = adapter.sources['mark-ohlc'];
    if (src?.paging !== 'window') throw new Error('no mark-ohlc window source');
    const page = await src.fetchPage('BTCUSDT', start, NOW - 1n, 10, { span: 60 });
    expect(page).toEqual(linear.truth.derivatives.priceBars('mark', 'BTCUSDT', 60, start, start + 10n * MIN));
    expect(page[0]!.tsNs).toBe(start + 30n * S);
  });

  it('open interest follows nextPageCursor and keeps the oldest `limit` samples', async () => {
    const src = adapter.sources['open-interest'];
    if (src?.paging !== 'window') throw new Error('no open-interest window source');
    const before = linear.stats().byPath['/v5/market/open-interest'] ?? 0;
    const start = NOW - 200n * 300n * S;
    const page = await src.fetchPage('BTCUSDT', start, NOW - 1n, 7, { span: 300 });
    const truth = linear.truth.derivatives.openInterest('BTCUSDT', 300, start, NOW).slice(0, 7);
    expect(page).toEqual(truth.map((o) => ({ tsNs: o.tsNs, amount: o.amount })));
    // 200 samples at 7 a page: the cursor was followed to the window's start.
    expect((linear.stats().byPath['/v5/market/open-interest'] ?? 0) - before).toBe(29);
  });

  it('funding: a window with more events than the limit gives the oldest', async () => {
    const src = adapter.sources.funding;
    if (src?.paging !== 'window') throw new Error('no funding window source');
    const start = NOW - 30n * 86_400n * S;
    const page = await src.fetchPage('BTCUSDT', start, NOW - 1n, 5, {});
    expect(page).toEqual(
      linear.truth.derivatives
        .funding('BTCUSDT', start, NOW)
        .slice(0, 5)
        .map((f) => ({ tsNs: f.tsNs, rate: f.rate })),
    );
  });

  it('an unsupported span is refused before any request', async () => {
    await expect(adapter.fetchOhlcPage('BTCUSDT', 7, NOW - MIN, NOW, 10)).rejects.toMatchObject({
      name: 'UnsupportedSpanError',
      exchange: 'bybit-linear',
    });
  });

  it('the server clock is read from timeNano', async () => {
    expect(await adapter.serverTimeNs()).toBe(NOW);
  });
});

describe('bybit IP ban', () => {
  it('a 403 "access too frequent" pauses the exchange for 10 minutes with a clear typed error', async () => {
    const sim = await startSimulator({ exchange: 'bybit-linear' }); // real limits: 600 per 5 s
    const limiter = new RateLimiter({ bybit: { limit: 1_000_000, intervalMs: 1000 } });
    const adapter = createAdapter('bybit-linear', { baseUrl: sim.url, limiter });
    try {
      let error: unknown;
      const worker = async () => {
        while (error === undefined) {
          try {
            await adapter.serverTimeNs();
          } catch (e) {
            error = e;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(error).toMatchObject({
        name: 'RateLimitedError',
        code: 'ERR_RATE_LIMITED',
        status: 403,
        exchange: 'bybit-linear',
        retryAfterMs: 600_000,
        message: expect.stringMatching(
          /access too frequent.*at least 10 minutes.*paused every bybit-linear request/,
        ),
      });
      expect(limiter.stats('bybit').pausedForMs).toBeGreaterThan(590_000);
      const sent = sim.stats().requests;
      expect(sent).toBeGreaterThan(600); // the limit was passed (it may span two fixed windows)
      // At most one 403 per worker that was in flight: after the first, nobody asked again.
      expect(sim.stats().byStatus['403']).toBeGreaterThanOrEqual(1);
      expect(sim.stats().byStatus['403']).toBeLessThanOrEqual(8);
      // Nothing more goes out: the next request waits in the pause (aborted here after 100 ms).
      await expect(adapter.serverTimeNs({ signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
        code: 'ERR_ABORTED',
      });
      expect(sim.stats().requests).toBe(sent);
    } finally {
      await adapter.close();
      limiter.close();
      await sim.close();
    }
  });

  it('the default rate never provokes the ban: 700 requests as fast as it allows', async () => {
    // Both sides scaled ×2: Bybit's windows last 2.5 s; the client sends 200/s after a burst of 40.
    const sim = await startSimulator({ exchange: 'bybit', rateLimits: { scale: 2 } });
    const adapter = createAdapter('bybit', { baseUrl: sim.url, rateScale: 2 });
    try {
      await Promise.all(
        Array.from({ length: 7 }, async () => {
          for (let i = 0; i < 100; i++) await adapter.serverTimeNs();
        }),
      );
      expect(sim.stats().requests).toBe(700);
      expect(sim.stats().throttled).toBe(0);
    } finally {
      await adapter.close();
      await sim.close();
    }
  });
});
