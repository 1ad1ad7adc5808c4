/**
 * A tickwire process for the shared-window test: `node --import tsx test/helpers/allowance-worker.ts
 * '<json AllowanceWorkerArgs>'`. Prints `ready` once its Redis limiter is connected, waits for `go` on
 * stdin, downloads the trades of `[startNs, endNs)` from the simulator at `baseUrl` with a
 * `RedisRateLimiter` holding `rate`, and prints `{"items":N,"ms":T}`.
 */
import { createInterface } from 'node:readline';
import { download } from '../../src/download/index.js';
import { RedisRateLimiter } from '../../src/transport/rate-limit/redis-limiter.js';
import type { RateLimit } from '../../src/transport/rate-limit/types.js';

/** The JSON argument of the worker. */
export type AllowanceWorkerArgs = {
  redis: string;
  prefix: string;
  baseUrl: string;
  rate: RateLimit;
  startNs: string;
  endNs: string;
};

const args = JSON.parse(process.argv[2] ?? '{}') as AllowanceWorkerArgs;
const limiter = new RedisRateLimiter(
  { binance: args.rate, warm: 1_000_000 },
  { redis: args.redis, keyPrefix: args.prefix, onWarning: (m) => process.stderr.write(`${m}\n`) },
);
await limiter.acquire('warm'); // connected, scripts loaded
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const t0 = performance.now();
let items = 0;
for await (const _ of download.trades({
  exchange: 'binance',
  symbol: 'BTCUSDT',
  start: BigInt(args.startNs),
  end: BigInt(args.endNs),
  baseUrl: args.baseUrl,
  limiter,
})) {
  items++;
}
process.stdout.write(`${JSON.stringify({ items, ms: Math.round(performance.now() - t0) })}\n`);
await limiter.close();
