/**
 * A child process for the multi-process Redis limiter tests:
 * `node --import tsx test/helpers/redis-limiter-worker.ts '<json WorkerArgs>'`.
 *
 * It connects, prints `ready`, waits for `go <epochMs>` on stdin, then either counts acquisitions during
 * `durationMs` from that instant (`mode: 'count'`, printing `{"times":[ms since start, ...]}`) or pauses the
 * exchange (`mode: 'pause'`, printing `paused`). Then it closes the limiter and exits.
 */
import { createInterface } from 'node:readline';
import { RedisRateLimiter } from '../../src/transport/rate-limit/redis-limiter.js';

/** The JSON argument of the worker. */
export type WorkerArgs = {
  url: string;
  prefix: string;
  rate: number;
  burst: number;
  mode: 'count' | 'pause';
  /** Acquisition loops in parallel (mode 'count'). */
  concurrency?: number;
  durationMs?: number;
  pauseMs?: number;
};

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const limiter = new RedisRateLimiter(
  { ex: { limit: args.rate, burst: args.burst }, warm: 1_000_000 },
  { redis: args.url, keyPrefix: args.prefix, onWarning: (m) => process.stderr.write(`${m}\n`) },
);
// Connect and load the script before the start signal, on an exchange the test does not measure.
await limiter.acquire('warm');
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
const startAt = await new Promise<number>((resolve) => {
  lines.on('line', (line) => {
    const m = /^go (\d+)$/.exec(line);
    if (m) resolve(Number(m[1]));
  });
});
lines.close();
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));

if (args.mode === 'pause') {
  await limiter.pause('ex', args.pauseMs ?? 1000, 'HTTP 429 (test)');
  process.stdout.write('paused\n');
} else {
  const endAt = startAt + (args.durationMs ?? 1000);
  const stop = AbortSignal.timeout(Math.max(0, endAt - Date.now()));
  const times: number[] = [];
  const loop = async (): Promise<void> => {
    while (!stop.aborted) {
      try {
        await limiter.acquire('ex', 1, { signal: stop });
      } catch {
        return;
      }
      const t = Date.now();
      if (t < endAt) times.push(t - startAt);
    }
  };
  await Promise.all(Array.from({ length: args.concurrency ?? 1 }, loop));
  process.stdout.write(`${JSON.stringify({ times })}\n`);
}
await limiter.close();
