/**
 * The fleet's point: throughput grows with egress IPs. In one run, the same backfill (Binance trades,
 * 3 symbols × 4 UTC days, many per-IP weight windows) filled into a fresh archive twice:
 *   1. one `tickwire fleet worker` process (source 127.0.0.1, one limit scope);
 *   2. three worker processes bound to 127.0.0.1, 127.0.0.2, 127.0.0.3 (`--local-address`), each in its
 *      own limit scope.
 * The simulator runs in its own process and keys its weight windows by the client's address, as Binance
 * does per IP. Rate = rows / (first unit started .. last unit finished, from the jobs in Redis), so process
 * start-up is not counted. Goals: the three-IP rate ≥ 2.5 × the one-IP rate, zero 429/418, and both
 * archives verify and equal the ground truth.
 *
 * Env: `DAYS` (default 6), `WEIGHT` (weight per window per IP, default 80; the workers get
 * `--rate-limit` 95 % of it), `SCALE` (default 10: 6 s windows, wide enough that a loaded machine's
 * scheduling delays rarely carry a request across a window's edge), `TPS` (trades per second of each
 * symbol, default 0.25).
 *
 * Run: `npm run bench -- fleet`
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { dayRange } from '../src/archive/layout.js';
import { readArchive } from '../src/archive/read.js';
import { verifyArchive } from '../src/archive/verify.js';
import { submitFleetJob } from '../src/fleet/submit.js';
import type { UnitResult } from '../src/fleet/worker.js';
import { type SimulatorOptions, startSimulator } from '../src/sim/index.js';
import { RedisTestServer } from '../test/helpers/redis-server.js';
import { startSimProcess } from './helpers/sim-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIM_NOW = 1_767_225_600_000_000_000n;
const DAYS = Number(process.env['DAYS'] ?? 6);
const WEIGHT = Number(process.env['WEIGHT'] ?? 80);
/** What the workers spend of it: 5 % left for requests a loaded machine delays across a window's edge. */
const SPEND = Math.floor(WEIGHT * 0.95);
const SCALE = Number(process.env['SCALE'] ?? 10);
const TPS = Number(process.env['TPS'] ?? 0.25);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'ZECUSDT'];
const FROM = new Date(Number(SIM_NOW / 1_000_000n) - DAYS * 86_400_000).toISOString().slice(0, 10);
const SIM: SimulatorOptions = {
  exchange: 'binance',
  seed: 11,
  now: SIM_NOW,
  rateLimits: { scale: SCALE, weightPerWindow: WEIGHT },
  markets: { symbols: Object.fromEntries(SYMBOLS.map((s) => [s, { tradesPerSecond: TPS }])) },
};

type Result = {
  workers: number;
  seconds: number;
  wallSeconds: number;
  rows: number;
  units: number;
  throttled: number;
  windows: number;
  maxWindow: number;
  perIp: string;
  problems: string[];
};

function worker(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const c = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  c.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  return new Promise((r) => c.on('close', (code) => r({ code, stderr })));
}

async function jobs(redis: string, queue: string): Promise<UnitResult[] & { span: number }> {
  const connection = new Redis(redis, { maxRetriesPerRequest: null });
  const q = new Queue(queue, { connection });
  try {
    const done = await q.getCompleted(0, -1);
    const from = Math.min(...done.map((j) => j.processedOn ?? Number.POSITIVE_INFINITY));
    const to = Math.max(...done.map((j) => j.finishedOn ?? 0));
    return Object.assign(
      done.map((j) => j.returnvalue as UnitResult),
      { span: (to - from) / 1000 },
    );
  } finally {
    await q.close();
    await connection.quit();
  }
}

async function problemsOf(dir: string, truth: Awaited<ReturnType<typeof startSimulator>>): Promise<string[]> {
  const problems = (await verifyArchive({ dir })).problems.map((p) => JSON.stringify(p));
  const start = dayRange(FROM).startNs;
  for (const symbol of SYMBOLS) {
    const got = [];
    for await (const t of readArchive({
      dir,
      exchange: 'binance',
      kind: 'trades',
      symbol,
      start,
      end: SIM_NOW,
    })) {
      got.push(t);
    }
    const want = truth.truth.trades(symbol, start, SIM_NOW);
    if (got.length !== want.length) problems.push(`${symbol}: ${got.length} rows, truth ${want.length}`);
    else if (!got.every((t, i) => isDeepStrictEqual(t, want[i]))) problems.push(`${symbol}: rows differ`);
  }
  return problems;
}

async function run(
  redis: RedisTestServer,
  addresses: string[],
  truth: Awaited<ReturnType<typeof startSimulator>>,
): Promise<Result> {
  const sim = await startSimProcess(SIM);
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-fleet-bench-'));
  const queue = `bench-${addresses.length}`;
  try {
    const submitted = await submitFleetJob({
      redis: redis.url,
      queue,
      dir,
      exchange: 'binance',
      kind: 'trades',
      symbols: SYMBOLS,
      start: FROM,
      end: SIM_NOW,
      baseUrl: sim.url,
      rateScale: SCALE,
      // Its market-list request comes from an address of its own, not from a worker's window.
      http: { localAddress: '127.0.0.9' },
    });
    const started = performance.now();
    const exits = await Promise.all(
      addresses.map((ip, i) =>
        worker([
          'fleet',
          'worker',
          '--quiet',
          '--redis',
          redis.url,
          '--queue',
          queue,
          '--archive',
          dir,
          '--base-url',
          sim.url,
          '--rate-scale',
          String(SCALE),
          '--rate-limit',
          String(SPEND),
          '--local-address',
          ip,
          '--limit-scope',
          `ip${i + 1}`,
          '--concurrency',
          '2',
          // 8 requests in flight per worker rather than 32: the rate limit binds either way, and the
          // single-process simulator's queue (its latency) stays short.
          '--download-concurrency',
          '4',
          '--retries',
          '10',
          '--exit-when-drained',
        ]),
      ),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    for (const e of exits) if (e.code !== 0) throw new Error(`a worker exited with ${e.code}: ${e.stderr}`);
    const done = await jobs(redis.url, queue);
    const stats = await sim.stats();
    return {
      workers: addresses.length,
      seconds: done.span,
      wallSeconds,
      rows: done.reduce((s, j) => s + j.rows, 0),
      units: submitted.added,
      throttled: stats.status429 + stats.status418,
      windows: stats.windows.length,
      maxWindow: Math.max(...stats.windows.filter((w) => w.ip.endsWith('.9') === false).map((w) => w.used)),
      perIp: [...new Set(stats.windows.map((w) => w.ip))]
        .map((ip) => {
          const ws = stats.windows.filter((w) => w.ip === ip);
          return `${ip.replace(/^::ffff:/, '')}: ${ws.length} windows, max ${Math.max(...ws.map((w) => w.used))}, refused ${ws.reduce((t, w) => t + w.refused, 0)}`;
        })
        .join('; '),
      problems: await problemsOf(dir, truth),
    };
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const redis = await RedisTestServer.start();
// The ground truth: the same market, computed in this process.
const truth = await startSimulator(SIM);
try {
  const one = await run(redis, ['127.0.0.1'], truth);
  const three = await run(redis, ['127.0.0.1', '127.0.0.2', '127.0.0.3'], truth);
  const windowS = 60 / SCALE;
  console.log(
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `Job: binance trades ${SYMBOLS.join(',')} from ${FROM}, ${DAYS} days (${one.units} units, ${one.rows} rows); ` +
      `simulator limit ${WEIGHT} weight per ${windowS} s window per IP (scale ${SCALE}); workers --rate-limit ${SPEND} --concurrency 2 --download-concurrency 4.`,
  );
  console.log('');
  console.log(
    '| run | units first start → last finish | wall (with start-up) | rows/s | IP windows | fullest window | 429/418 | archive |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of [one, three]) {
    console.log(
      `| ${r.workers} worker(s), ${r.workers} IP(s) | ${r.seconds.toFixed(1)} s | ${r.wallSeconds.toFixed(1)} s | ` +
        `${Math.round(r.rows / r.seconds)} | ${r.windows} | ${r.maxWindow} / ${WEIGHT} | ${r.throttled} | ` +
        `${r.problems.length === 0 ? 'verifies, = truth' : r.problems.join('; ')} |`,
    );
  }
  for (const r of [one, three]) console.log(`- ${r.workers} worker(s): ${r.perIp}`);
  const ratio = one.seconds / three.seconds;
  const ok =
    ratio >= 2.5 &&
    one.throttled + three.throttled === 0 &&
    one.problems.length + three.problems.length === 0;
  console.log('');
  console.log(
    `Speed-up of 3 IPs over 1: ${ratio.toFixed(2)}× (goal ≥ 2.5×) — ${ok ? 'all goals met' : 'GOAL MISSED'}`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  await truth.close();
  await redis.stop();
}
