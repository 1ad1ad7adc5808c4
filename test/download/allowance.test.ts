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

/** Waits until the current window of `windowMs` has at least `room` ms left. */
async function roomInWindow(windowMs: number, room: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < room) await new Promise((r) => setTimeout(r, left + 5));
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

/** 1 s windows of 200 weight (the simulator's scale 60 and a small budget): many windows in seconds. */
const SMALL: RateLimit = { kind: 'fixed-window', limit: 200, windowMs: 1000, margin: 2, name: 'weight-1m' };
const SPARSE = { BTCUSDT: { tradesPerSecond: 4 } };

describe('Binance fixed windows, scaled to 1 s and 200 weight', () => {
  it('a job larger than a window uses ≥ 0.97 of every full window, with no 429, and equals the truth', async () => {
    const s = await sim({
      exchange: 'binance',
      rateLimits: { scale: 60, weightPerWindow: 200 },
      markets: { symbols: SPARSE },
    });
    const start = SIM_NOW - 12n * 3600n * S; // ~173k trades: ~175 pages of weight 4, ~3.5 windows
    const dl = download.trades({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      start,
      end: SIM_NOW,
      baseUrl: s.url,
      rates: SMALL,
    });
    const trades = await all(dl);
    expect(firstDifference(trades, s.truth.trades('BTCUSDT', start, SIM_NOW))).toBe(-1);
    const stats = s.stats();
    expect(stats.status429 + stats.status418).toBe(0);
    const windows = stats.windows;
    expect(windows.length).toBeGreaterThanOrEqual(4);
    // Every window but the first (the job starts inside it) and the last (the job ends inside it).
    for (const w of windows.slice(1, -1)) {
      expect(w.used).toBeLessThanOrEqual(200);
      expect(w.used / 200).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('a 429 and a 418 with Retry-After pause the whole exchange; the data is still exact', async () => {
    const s = await sim({
      exchange: 'binance',
      rateLimits: { scale: 60, weightPerWindow: 200 },
      markets: { symbols: SPARSE },
    });
    // The client believes in 2,000 per window (ten times the server's) and ignores the server's count.
    const inner = new RateLimiter({ binance: { ...SMALL, limit: 2000 } });
    const { limiter, seen } = watched(inner, 'binance');
    const blind: Limiter = { ...limiter, observe: undefined };
    await roomInWindow(1000, 600);
    const start = SIM_NOW - 6n * 3600n * S;
    const trades = await all(
      download.trades({
        exchange: 'binance',
        symbol: 'BTCUSDT',
        start,
        end: SIM_NOW,
        baseUrl: s.url,
        limiter: blind,
        http: { backoffBase: 0.01, maxRetries: 10 },
      }),
    );
    expect(firstDifference(trades, s.truth.trades('BTCUSDT', start, SIM_NOW))).toBe(-1);
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
  });
});

describe('Two tickwire processes and an unrelated client on one IP', () => {
  it('share the window through Redis and the server’s count: zero 429s, every window ≤ its limit', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { RedisTestServer } = await import('../helpers/redis-server.js');
    const redis = await RedisTestServer.start();
    closers.push(() => redis.stop());
    // 2 s windows of 600 weight; the client keeps 1 % (6) as Binance's adapter does.
    const s = await sim({
      exchange: 'binance',
      rateLimits: { scale: 30, weightPerWindow: 600 },
      markets: { symbols: SPARSE },
    });
    const rate: RateLimit = {
      kind: 'fixed-window',
      limit: 600,
      windowMs: 2000,
      margin: 6,
      name: 'weight-1m',
    };
    const worker = fileURLToPath(new URL('../helpers/allowance-worker.ts', import.meta.url));
    const ranges = [
      [SIM_NOW - 20n * 3600n * S, SIM_NOW - 10n * 3600n * S],
      [SIM_NOW - 10n * 3600n * S, SIM_NOW],
    ] as const;
    const children = ranges.map(([startNs, endNs]) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          worker,
          JSON.stringify({
            redis: redis.url,
            prefix: `allow-${process.pid}`,
            baseUrl: s.url,
            rate,
            startNs: String(startNs),
            endNs: String(endNs),
          }),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      closers.push(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      let out = '';
      const line = (re: RegExp) =>
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const hit = out.split('\n').find((l) => re.test(l));
            if (hit) resolve(hit);
          };
          child.stdout.setEncoding('utf8').on('data', (c: string) => {
            out += c;
            check();
          });
          child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
          check();
        });
      return { child, ready: line(/^ready$/), result: line(/^\{/) };
    });
    await Promise.all(children.map((c) => c.ready));

    // The unrelated client: a burst of 200 weight at the start, then 1 weight every 400 ms (5 per window,
    // inside the 6 tickwire leaves), for as long as the downloads run. It follows no limiter.
    let running = true;
    const third = (async () => {
      for (let i = 0; i < 10; i++) await fetch(`${s.url}/api/v3/exchangeInfo`).then((r) => r.arrayBuffer());
      while (running) {
        await fetch(`${s.url}/api/v3/time`).then((r) => r.arrayBuffer());
        await new Promise((r) => setTimeout(r, 400));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    for (const c of children) c.child.stdin.write('go\n');
    const results = await Promise.all(
      children.map(async (c) => JSON.parse(await c.result) as { items: number }),
    );
    running = false;
    await third;

    for (const [i, [startNs, endNs]] of ranges.entries()) {
      expect(results[i]!.items).toBe(s.truth.trades('BTCUSDT', startNs, endNs).length);
    }
    const stats = s.stats();
    expect(stats.status429 + stats.status418).toBe(0);
    const windows = stats.windows;
    expect(windows.length).toBeGreaterThanOrEqual(3); // the job did not fit one window
    for (const w of windows) expect(w.used).toBeLessThanOrEqual(600);
  }, 60_000);
});
