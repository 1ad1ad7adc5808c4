/**
 * Binance's fixed weight window, end to end on loopback: the simulator counts weight per client IP in
 * clock-aligned windows (429, then 418), tickwire spends the window at once and follows the server's count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BINANCE_RATE, readBinanceUsage } from '../../src/adapters/binance/capabilities.js';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { HttpClient } from '../../src/transport/http/client.js';
import { RateLimiter } from '../../src/transport/rate-limit/limiter.js';
import type { Limiter, RateLimit } from '../../src/transport/rate-limit/types.js';
import { all, firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';

const sims: RunningSimulator[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  const s = await startSimulator(options);
  sims.push(s);
  return s;
}

/** A limiter that counts how many acquisitions had to queue (could not be granted at once). */
function watched(inner: RateLimiter, exchange: string) {
  const seen = { acquired: 0, queued: 0, pauses: [] as { at: number; ms: number }[], grants: [] as number[] };
  const limiter: Limiter = {
    acquire: (e, c, o) => {
      const p = inner.acquire(e, c, o);
      seen.acquired++;
      if (inner.stats(exchange).waiting > 0) seen.queued++;
      return p.then((g) => {
        seen.grants.push(Date.now());
        return g;
      });
    },
    observe: (e, obs) => inner.observe(e, obs),
    pause: (e, ms, r) => {
      seen.pauses.push({ at: Date.now(), ms });
      return inner.pause(e, ms, r);
    },
    has: (e) => inner.has(e),
    close: () => inner.close(),
  };
  closers.push(() => inner.close());
  return { limiter, seen };
}

describe('Binance at its real limits (6000 weight per minute)', () => {
  it('a job that fits one window never waits for the next minute and gets no 429', async () => {
    const s = await sim({ exchange: 'binance' });
    const { limiter, seen } = watched(new RateLimiter({ binance: BINANCE_RATE }), 'binance');
    const http = new HttpClient({ limiter, exchange: 'binance', usage: readBinanceUsage, timeout: 10 });
    closers.push(() => http.close());
    // 2,000 klines requests of weight 2: 4,000 weight. The old token bucket (5,800/min, burst 100) needed
    // 40 s for this; the window allows it at once.
    let next = 0;
    let served = 0;
    const worker = async (): Promise<void> => {
      while (next < 2000) {
        next++;
        const page = await http.get<unknown[]>(
          `${s.url}/api/v3/klines`,
          {
            symbol: 'BTCUSDT',
            interval: '1m',
            limit: 1,
          },
          { cost: 2 },
        );
        if (page.length === 1) served++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(served).toBe(2000);
    expect(seen.queued).toBe(0);
    const stats = s.stats();
    expect(stats.status429 + stats.status418).toBe(0);
    const total = stats.windows.reduce((a, w) => a + w.used, 0);
    expect(total).toBe(4000);
  });

  it('a year of 1m candles through download.ohlc: 16 pages in flight, no waiting, equal to the truth', async () => {
    const s = await sim({ exchange: 'binance' });
    const { limiter, seen } = watched(new RateLimiter({ binance: BINANCE_RATE }), 'binance');
    const start = SIM_NOW - 365n * 86_400n * S;
    const bars = await all(
      download.ohlc({
        exchange: 'binance',
        symbol: 'BTC/USDT',
        span: '1m',
        start,
        end: SIM_NOW,
        baseUrl: s.url,
        limiter,
      }),
    );
    expect(bars.length).toBe(525_600);
    const truth = s.truth.bars('BTCUSDT', 60, start, SIM_NOW);
    expect(firstDifference(bars, truth)).toBe(-1);
    expect(seen.queued).toBe(0);
    expect(s.stats().status429 + s.stats().status418).toBe(0);
  });
});

/** 3 s windows of 200 weight (the simulator's scale 20 and a small budget): several windows in seconds. */
const SMALL: RateLimit = { kind: 'fixed-window', limit: 200, windowMs: 3000, margin: 2, name: 'weight-1m' };
const SPARSE = { BTCUSDT: { tradesPerSecond: 4 } };

/**
 * Asks the simulator once from another loopback address (127.0.0.2: another "IP", so nothing is counted
 * against the client under test) for a trade by id: its first such request counts the market's trades since
 * 2017, a one-off second of CPU that would otherwise fall inside a measured window.
 */
async function warmUp(url: string): Promise<void> {
  const { request } = await import('node:http');
  await new Promise<void>((resolve, reject) => {
    const req = request(
      `${url}/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&limit=1`,
      { localAddress: '127.0.0.2' },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Binance fixed windows, scaled to 3 s and 200 weight', () => {
  it('a job larger than a window uses ≥ 0.97 of every full window, with no 429', async () => {
    // 500 cheap requests of weight 2 (1,000 weight) against 2 s windows of 200: five windows and more.
    // (Windows much shorter than this make one round trip a large share of a window on a busy machine.)
    const s = await sim({ exchange: 'binance', rateLimits: { scale: 30, weightPerWindow: 200 } });
    const rate: RateLimit = { ...SMALL, windowMs: 2000 };
    const limiter = new RateLimiter({ binance: rate });
    closers.push(() => limiter.close());
    const http = new HttpClient({ limiter, exchange: 'binance', usage: readBinanceUsage, timeout: 10 });
    closers.push(() => http.close());
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 500) {
        next++;
        await http.get(
          `${s.url}/api/v3/klines`,
          { symbol: 'BTCUSDT', interval: '1m', limit: 1 },
          { cost: 2 },
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const stats = s.stats();
    expect(stats.status429 + stats.status418).toBe(0);
    expect(stats.windows.length).toBeGreaterThanOrEqual(5);
    // Every window but the first (the job starts inside it) and the last (the job ends inside it): 99
    // requests of the 198 budget (200 − margin 2), all at the window's start.
    for (const w of stats.windows.slice(1, -1)) {
      expect(w.used).toBeLessThanOrEqual(200);
      expect(w.used / 200).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('download.trades over several windows: no 429, no window above its limit, equal to the truth', async () => {
    const s = await sim({
      exchange: 'binance',
      rateLimits: { scale: 20, weightPerWindow: 200 },
      markets: { symbols: SPARSE },
    });
    await warmUp(s.url);
    const start = SIM_NOW - 8n * 3600n * S; // ~115k trades: ~150 pages of weight 4, ≥ 3 windows of 49
    const trades = await all(
      download.trades({
        exchange: 'binance',
        symbol: 'BTCUSDT',
        start,
        end: SIM_NOW,
        baseUrl: s.url,
        rates: SMALL,
      }),
    );
    expect(firstDifference(trades, s.truth.trades('BTCUSDT', start, SIM_NOW))).toBe(-1);
    const stats = s.stats();
    expect(stats.status429 + stats.status418).toBe(0);
    const windows = stats.windows.filter((w) => w.ip !== '127.0.0.2');
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows) expect(w.used).toBeLessThanOrEqual(200);
  }, 60_000);

  it('a 429 and a 418 with Retry-After pause the whole exchange; every request still succeeds', async () => {
    // 1 s windows of 40 weight; the client believes in 2,000 and does not read the server's count.
    const s = await sim({ exchange: 'binance', rateLimits: { scale: 60, weightPerWindow: 40 } });
    const inner = new RateLimiter({ binance: { ...SMALL, windowMs: 1000, limit: 2000 } });
    const { limiter, seen } = watched(inner, 'binance');
    const blind: Limiter = { ...limiter, observe: undefined };
    const http = new HttpClient({ limiter: blind, exchange: 'binance', backoffBase: 0.01, maxRetries: 10 });
    closers.push(() => http.close());
    let next = 0;
    let ok = 0;
    const worker = async (): Promise<void> => {
      while (next < 60) {
        next++;
        const page = await http.get<unknown[]>(
          `${s.url}/api/v3/klines`,
          { symbol: 'BTCUSDT', interval: '1m', limit: 1 },
          { cost: 2 },
        );
        if (page.length === 1) ok++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(ok).toBe(60); // 120 weight against 40 per window: only through pauses
    const stats = s.stats();
    expect(stats.status429).toBeGreaterThan(0);
    expect(stats.status418).toBeGreaterThan(0); // requests kept coming inside the refused window: banned
    expect(seen.pauses.length).toBeGreaterThan(0);
    for (const p of seen.pauses) expect(p.ms).toBeGreaterThanOrEqual(1000); // Retry-After ≥ 1 s
    // While a pause was in force, nobody was granted a request.
    for (const p of seen.pauses) {
      const during = seen.grants.filter((t) => t > p.at + 20 && t < p.at + p.ms - 20);
      expect(during).toEqual([]);
    }
  }, 60_000);
});
