/**
 * Binance's weight window shared on one IP: two tickwire processes (one Redis limiter) and an unrelated
 * client spend on the same simulator at once; the server's count keeps everyone inside every window.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import type { RateLimit } from '../../src/transport/rate-limit/types.js';
import { S, SIM_NOW } from '../helpers/adapters-sim.js';
import { RedisTestServer } from '../helpers/redis-server.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function sim(options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  const s = await startSimulator(options);
  closers.push(() => s.close());
  return s;
}

const SPARSE = { BTCUSDT: { tradesPerSecond: 4 } };

describe('Two tickwire processes and an unrelated client on one IP', () => {
  it('share the window through Redis and the server’s count: zero 429s, every window ≤ its limit', async () => {
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

    // The unrelated client, which follows no limiter: a burst of 200 weight just before the downloads
    // start (tickwire learns it only from the server's count), then 1 weight every 400 ms (5 per window,
    // inside the 6 tickwire leaves) for as long as they run. The burst is over before they start: a
    // 20-weight request landing after tickwire has filled a window is more than any margin covers, and
    // no client can prevent that 429 (reproduced by spacing the burst out: the third's requests got it).
    const third429: number[] = [];
    const spend = (path: string) =>
      fetch(`${s.url}${path}`).then((r) => {
        if (r.status !== 200) third429.push(r.status);
        return r.arrayBuffer();
      });
    for (let i = 0; i < 10; i++) await spend('/api/v3/exchangeInfo');
    let running = true;
    const third = (async () => {
      while (running) {
        await spend('/api/v3/time');
        await new Promise((r) => setTimeout(r, 400));
      }
    })();
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
    const seen = JSON.stringify({ third: third429, windows: stats.windows });
    expect(stats.status429 + stats.status418, seen).toBe(0);
    const windows = stats.windows;
    expect(windows.length).toBeGreaterThanOrEqual(3); // the job did not fit one window
    for (const w of windows) expect(w.used).toBeLessThanOrEqual(600);
  }, 60_000);
});
