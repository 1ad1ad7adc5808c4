/**
 * What sharing a rate limit through Redis costs per `acquire()`: latency (p50/p99, one caller in a loop)
 * and the most acquisitions per second (1 and 16 concurrent callers), with the rate set so high that
 * tokens are always available — so this measures the limiter, not the limit.
 *
 * Baseline, measured in the same run: the in-process `RateLimiter` with the same rates.
 *
 * Run: `npm run bench -- redis-limiter` (needs `redis-server` on PATH; it starts its own on 127.0.0.1).
 */
import { execSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { RateLimiter } from '../src/transport/rate-limit/limiter.js';
import { RedisRateLimiter } from '../src/transport/rate-limit/redis-limiter.js';
import type { Limiter, Rates } from '../src/transport/rate-limit/types.js';
import { RedisTestServer } from '../test/helpers/redis-server.js';

const RATES: Rates = { ex: { limit: 1e12, burst: 1e12 } };
const LATENCY_CALLS = 20_000;
const THROUGHPUT_MS = 2_000;

const makeBaseline = (): Limiter => new RateLimiter(RATES);

type Result = { p50: number; p99: number; perSec1: number; perSec16: number };

async function latency(limiter: Limiter): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 1000; i++) await limiter.acquire('ex'); // warm-up
  const samples = new Float64Array(LATENCY_CALLS);
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const t0 = performance.now();
    await limiter.acquire('ex');
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function throughput(limiter: Limiter, callers: number): Promise<number> {
  let count = 0;
  const end = performance.now() + THROUGHPUT_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await limiter.acquire('ex');
        count++;
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

async function measure(limiter: Limiter): Promise<Result> {
  const { p50, p99 } = await latency(limiter);
  const perSec1 = await throughput(limiter, 1);
  const perSec16 = await throughput(limiter, 16);
  await limiter.close();
  return { p50, p99, perSec1, perSec16 };
}

const server = await RedisTestServer.start();
try {
  const baseline = await measure(makeBaseline());
  const redis = await measure(
    new RedisRateLimiter(RATES, { redis: server.url, keyPrefix: `bench-${process.pid}` }),
  );
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const redisVersion =
    execSync('redis-server --version')
      .toString()
      .match(/v=(\S+)/)?.[1] ?? '?';
  console.log(
    `Machine: ${availableParallelism()} cores, Node ${process.version}, redis-server ${redisVersion} on loopback.`,
  );
  console.log(
    `Latency: ${LATENCY_CALLS} sequential acquire() calls; throughput: ${THROUGHPUT_MS} ms per row.\n`,
  );
  console.log(
    '| limiter | acquire p50 | acquire p99 | acquisitions/s, 1 caller | acquisitions/s, 16 callers |',
  );
  console.log('|---|---|---|---|---|');
  for (const [name, r] of [
    ['in-process RateLimiter (baseline)', baseline],
    ['RedisRateLimiter', redis],
  ] as const) {
    console.log(`| ${name} | ${us(r.p50)} | ${us(r.p99)} | ${n(r.perSec1)} | ${n(r.perSec16)} |`);
  }
  console.log(
    `\nRedis / baseline: p50 ×${(redis.p50 / baseline.p50).toFixed(0)}, ` +
      `throughput (16 callers) ×${(redis.perSec16 / baseline.perSec16).toFixed(3)}.`,
  );
} finally {
  await server.stop();
}
