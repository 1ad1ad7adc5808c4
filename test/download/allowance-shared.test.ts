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
