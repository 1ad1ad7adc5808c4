/**
 * The archive against plain CSV, in one run: a full day of Binance trades synced into the Parquet archive
 * (`tickwire sync binance trades BTCUSDT --archive <dir>`) vs the same day downloaded to CSV
 * (`tickwire trades binance BTCUSDT --out <file>.csv`), both as child processes against one simulator in
 * this process, in the order CSV, archive, archive, CSV (so drift of a shared machine cancels out).
 * Goals: archive time ≤ 1.15 × the CSV time, Parquet size ≤ 0.35 × the CSV, peak RSS ≤ 200 MB. Also the
 * Parquet encoder's throughput on one core (CPU time of `ParquetRecordWriter` alone, zstd and snappy).
 *
 * Env: `HOURS` (default 24: the whole day 2025-12-31), `RATE` (`off` default: CPU-bound, the worst case
 * for the archive's extra work; `on`: Binance's real limits, as users run it).
 *
 * Run: `npm run bench -- archive`
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archiveCoverage } from '../src/archive/coverage.js';
import { formatIsoNs } from '../src/core/time.js';
import { startSimulator } from '../src/sim/index.js';
import { csvHeader, csvLine } from '../src/sinks/format.js';
import { ParquetRecordWriter } from '../src/sinks/parquet.js';
import type { ParquetCodec } from '../src/sinks/parquet-codec.js';
import { BUILT_CLI, buildCli } from './helpers/built-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIM_NOW = 1_767_225_600_000_000_000n;
const HOUR = 3_600_000_000_000n;
const HOURS = Number(process.env['HOURS'] ?? 24);
const RATE = process.env['RATE'] === 'on' ? 'on' : 'off';
const START = SIM_NOW - BigInt(HOURS) * HOUR;

type Run = {
  what: 'csv' | 'archive';
  seconds: number;
  cpuS: number;
  maxRssMb: number;
  bytes: number;
  rows: number;
};

function cpuOf(stderr: string): number {
  return Number(/tickwire-cpu-ms (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1000;
}

function child(args: string[]): Promise<{ code: number | null; stderr: string; seconds: number }> {
  const started = performance.now();
  const c = spawn(process.execPath, [...BUILT_CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, TICKWIRE_REPORT_MAXRSS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  c.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  return new Promise((res) =>
    c.on('close', (code) => res({ code, stderr, seconds: (performance.now() - started) / 1000 })),
  );
}

/**
 * `RATE=off`: the CLI's own limiter is scaled out of the way too (`--rate-scale 1000`), so the runs are
 * bound by the CLI's CPU (the worst case for the archive's extra work). `RATE=on`: the CLI keeps Binance's
 * real limit; a day of aggTrades (~7,500 weight) spans two of its minute windows, so each run starts at the
 * top of a (clock) minute and spends one window and waits for the next alike (otherwise a run's time
 * depends on where in the minute it starts: 31–60 s for the same run).
 */
const UNLIMITED = RATE === 'off' ? ['--rate-scale', '1000'] : [];

/** With the real limit: waits for the top of the next clock minute (the windows follow the clock). */
async function atMinute(): Promise<void> {
  if (RATE === 'off') return;
  await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 20));
}

async function runCsv(url: string, dir: string): Promise<Run> {
  await atMinute();
  const out = join(dir, 'day.csv');
  const range = ['--from', formatIsoNs(START), '--to', formatIsoNs(SIM_NOW)];
  const r = await child([
    'trades',
    'binance',
    'BTCUSDT',
    ...range,
    '--base-url',
    url,
    ...UNLIMITED,
    '--out',
    out,
    '--force',
  ]);
  const rss = /tickwire-maxrss-kb (\d+)/.exec(r.stderr);
  const rows = /trades: (\d+) rows →/.exec(r.stderr);
  if (r.code !== 0 || !rss || !rows) throw new Error(`csv: exit ${r.code}\n${r.stderr}`);
  const bytes = (await stat(out)).size;
  await rm(out, { force: true });
  return {
    what: 'csv',
    seconds: r.seconds,
    cpuS: cpuOf(r.stderr),
    maxRssMb: Number(rss[1]) / 1024,
    bytes,
    rows: Number(rows[1]),
  };
}

async function runArchive(url: string, dir: string): Promise<Run> {
  await atMinute();
  const archive = join(dir, `archive-${Date.now()}`);
  const range = ['--from', formatIsoNs(START), '--to', formatIsoNs(SIM_NOW)];
  const r = await child([
    'sync',
    'binance',
    'trades',
    'BTCUSDT',
    ...range,
    '--base-url',
    url,
    ...UNLIMITED,
    '--archive',
    archive,
  ]);
  const rss = /tickwire-maxrss-kb (\d+)/.exec(r.stderr);
  if (r.code !== 0 || !rss) throw new Error(`archive: exit ${r.code}\n${r.stderr}`);
  const [series] = await archiveCoverage({ dir: archive });
  await rm(archive, { recursive: true, force: true });
  return {
    what: 'archive',
    seconds: r.seconds,
    cpuS: cpuOf(r.stderr),
    maxRssMb: Number(rss[1]) / 1024,
    bytes: series?.bytes ?? 0,
    rows: series?.rows ?? 0,
  };
}

/** CPU time of the Parquet writer alone over `trades`, to a sink that only counts bytes. */
async function encode(
  trades: Parameters<typeof csvLine<'trades'>>[1][],
  codec: ParquetCodec,
): Promise<{ rowsPerS: number; bytes: number }> {
  let bytes = 0;
  const sink = {
    write: async (b: Uint8Array) => {
      bytes += b.length;
    },
    end: async () => undefined,
  };
  const w = await ParquetRecordWriter.open(sink, { kind: 'trades', codec });
  const c0 = process.cpuUsage();
  for (const t of trades) {
    const wait = w.write(t);
    if (wait) await wait;
  }
  await w.end();
  const c = process.cpuUsage(c0);
  return { rowsPerS: trades.length / ((c.user + c.system) / 1e6), bytes };
}

buildCli();
const sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, rateLimits: RATE });
const dir = await mkdtemp(join(tmpdir(), 'tickwire-archive-bench-'));
try {
  // The ground truth (this also warms the simulator's per-day caches, so neither run pays for them).
  const trades = sim.truth.trades('BTCUSDT', START, SIM_NOW);
  const csvBytes =
    Buffer.byteLength(csvHeader('trades')) +
    trades.reduce((s, t) => s + Buffer.byteLength(csvLine('trades', t)), 0);
  const runs: Run[] = [];
  runs.push(await runCsv(sim.url, dir));
  runs.push(await runArchive(sim.url, dir));
  runs.push(await runArchive(sim.url, dir));
  runs.push(await runCsv(sim.url, dir));
  for (const r of runs) {
    if (r.rows !== trades.length)
      throw new Error(`${r.what}: ${r.rows} rows, the ground truth has ${trades.length}`);
  }
  const zstd = await encode(trades, 'zstd');
  const snappy = await encode(trades, 'snappy');

  const mean = (w: Run['what'], f: (r: Run) => number) => {
    const xs = runs.filter((r) => r.what === w).map(f);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const csvS = mean('csv', (r) => r.seconds);
  const arcS = mean('archive', (r) => r.seconds);
  const csvRss = Math.max(...runs.filter((r) => r.what === 'csv').map((r) => r.maxRssMb));
  const arcRss = Math.max(...runs.filter((r) => r.what === 'archive').map((r) => r.maxRssMb));
  const arcBytes = runs.find((r) => r.what === 'archive')!.bytes;
  console.log(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  console.log(
    `Binance BTCUSDT trades ${formatIsoNs(START)} – ${formatIsoNs(SIM_NOW)}: ${trades.length.toLocaleString('en-US')} trades; ` +
      `simulator in this process, rate limits ${RATE}; the built CLI (node dist/cli/main.js) as a child process.\n`,
  );
  console.log('| run (order) | wall time | CLI CPU time | trades/s | peak RSS | output size |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [i, r] of runs.entries()) {
    console.log(
      `| ${i + 1}. ${r.what === 'csv' ? 'trades → CSV' : 'sync → archive'} | ${r.seconds.toFixed(1)} s | ${r.cpuS.toFixed(1)} s | ` +
        `${Math.round(r.rows / r.seconds).toLocaleString('en-US')} | ${r.maxRssMb.toFixed(0)} MiB | ${(r.bytes / 2 ** 20).toFixed(1)} MiB |`,
    );
  }
  const goal = (ok: boolean) => (ok ? 'meets the goal' : 'MISSES the goal');
  console.log('');
  console.log(
    `- archive time / CSV time: **${(arcS / csvS).toFixed(3)}** (goal ≤ 1.15: ${goal(arcS / csvS <= 1.15)})`,
  );
  console.log(
    `- Parquet size / CSV size: **${(arcBytes / csvBytes).toFixed(3)}** (${(arcBytes / 2 ** 20).toFixed(1)} MiB vs ${(csvBytes / 2 ** 20).toFixed(1)} MiB; goal ≤ 0.35: ${goal(arcBytes / csvBytes <= 0.35)})`,
  );
  console.log(
    `- peak RSS: archive ${arcRss.toFixed(0)} MiB, CSV ${csvRss.toFixed(0)} MiB (goal ≤ 200 MB = 190.7 MiB: ${goal(arcRss * 2 ** 20 <= 200e6)})`,
  );
  console.log(
    `- Parquet encode on one core (CPU time of the writer alone): zstd ${Math.round(zstd.rowsPerS).toLocaleString('en-US')} trades/s ` +
      `(${(zstd.bytes / csvBytes).toFixed(3)} × CSV), snappy ${Math.round(snappy.rowsPerS).toLocaleString('en-US')} trades/s ` +
      `(${(snappy.bytes / csvBytes).toFixed(3)} × CSV)`,
  );
} finally {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
