/**
 * Overhead of `RateLimiter.acquire()` on its fast path (tokens available, nobody queued), in ns per
 * awaited call, against a bare `await Promise.resolve()` loop measured in the same run.
 *
 * Run: `npm run bench -- limiter`
 */
import { cpus } from 'node:os';
import { RateLimiter } from '../src/transport/rate-limit/limiter.js';

const N = 1_000_000;
const ROUNDS = 7;

async function baseline(): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await Promise.resolve();
  return Number(process.hrtime.bigint() - start) / N;
}

async function acquireLoop(limiter: RateLimiter, exchange: string, cost: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await limiter.acquire(exchange, cost);
  return Number(process.hrtime.bigint() - start) / N;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const limiter = new RateLimiter({
  one: { limit: 1e12, burst: 1e12 },
  binance: [
    { limit: 1e12, intervalMs: 60_000, burst: 1e12, name: 'weight' },
    { limit: 1e12, intervalMs: 300_000, burst: 1e12, counts: 'requests', name: 'raw' },
  ],
});
const results = { base: [] as number[], one: [] as number[], two: [] as number[] };
// warm-up
await baseline();
await acquireLoop(limiter, 'one', 1);
await acquireLoop(limiter, 'binance', 2);
for (let r = 0; r < ROUNDS; r++) {
  results.base.push(await baseline());
  results.one.push(await acquireLoop(limiter, 'one', 1));
  results.two.push(await acquireLoop(limiter, 'binance', 2));
}
limiter.close();

const base = median(results.base);
const rows: [string, number][] = [
  ['`await Promise.resolve()` (baseline)', base],
  ['`await limiter.acquire(ex)` — 1 limit', median(results.one)],
  ['`await limiter.acquire(ex, 2)` — 2 limits (Binance shape)', median(results.two)],
];
console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
console.log(`${N.toLocaleString('en')} awaited calls per round, median of ${ROUNDS} rounds.\n`);
console.log('| loop | ns per call | × baseline | overhead over baseline (ns) |');
console.log('|---|---:|---:|---:|');
for (const [name, ns] of rows) {
  console.log(`| ${name} | ${ns.toFixed(1)} | ${(ns / base).toFixed(2)} | ${(ns - base).toFixed(1)} |`);
}
