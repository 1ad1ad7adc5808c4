import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../../src/transport/rate-limit/redis-limiter.js';
import type { WorkerArgs } from '../../helpers/redis-limiter-worker.js';
import { RedisTestServer } from '../../helpers/redis-server.js';

const WORKER = fileURLToPath(new URL('../../helpers/redis-limiter-worker.ts', import.meta.url));

let server: RedisTestServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await RedisTestServer.start();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await server.stop();
});

/** A worker process and the lines it printed so far. */
type Worker = { child: ChildProcess; lines: string[]; next: (match: RegExp) => Promise<string> };

function startWorker(args: WorkerArgs): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiting: { match: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiting.filter((x) => x.match.test(line))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(line);
      }
      i = buffer.indexOf('\n');
    }
  });
  const next = (match: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const seen = lines.find((l) => match.test(l));
      if (seen) return resolve(seen);
      waiting.push({ match, resolve });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before printing ${match}`)));
    });
  return { child, lines, next };
}

describe('RedisRateLimiter across processes', () => {
  it('four processes share one limit: within rate × time + burst, near it, none starved', async () => {
    const rate = 50;
    const burst = 20; // 400 ms of slack: a briefly starved event loop loses no tokens
    const durationMs = 5000;
    const prefix = `mp-${process.pid}`;
    const workers = Array.from({ length: 4 }, () =>
      startWorker({ url: server.url, prefix, rate, burst, mode: 'count', concurrency: 2, durationMs }),
    );
    await Promise.all(workers.map((w) => w.next(/^ready$/)));
    const go = `go ${Date.now() + 300}\n`;
    for (const w of workers) w.child.stdin?.write(go);
    const counts = await Promise.all(
      workers.map(async (w) => (JSON.parse(await w.next(/^\{/)) as { times: number[] }).times.length),
    );
    const total = counts.reduce((a, b) => a + b, 0);
    const allowed = (rate * durationMs) / 1000;
    expect(total).toBeLessThanOrEqual(allowed + burst);
    expect(total).toBeGreaterThanOrEqual(0.95 * allowed);
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(0.1 * total);
  });

  it('a pause (429) set by one process holds back another', async () => {
    const prefix = `mp-pause-${process.pid}`;
    const local = new RedisRateLimiter(
      { ex: { limit: 1000 } },
      { redis: server.url, keyPrefix: prefix, onWarning: () => {} },
    );
    try {
      await local.acquire('ex');
      const w = startWorker({
        url: server.url,
        prefix,
        rate: 1000,
        burst: 1000,
        mode: 'pause',
        pauseMs: 2000,
      });
      await w.next(/^ready$/);
      w.child.stdin?.write(`go ${Date.now()}\n`);
      await w.next(/^paused$/);
      const t0 = performance.now();
      await local.acquire('ex');
      const waited = performance.now() - t0;
      // The pause began shortly before 'paused' reached us; allow for that delay.
      expect(waited).toBeGreaterThanOrEqual(1500);
      expect(waited).toBeLessThan(3500);
    } finally {
      await local.close();
    }
  });
});
