/**
 * `tickwire demo`: starts a simulator of each exchange in this process and downloads into a folder a month
 * of 1m candles (Binance, Coinbase), the 1m candles Kraken keeps, and two hours of trades from each, the
 * three exchanges at once; then checks every file against the simulator's ground truth and prints a
 * summary. It also syncs a small Parquet archive (`<dir>/archive`: a day of 1m candles and the trades) and
 * prints `archive ls` and `archive verify` of it. No network needed.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { SyncReport } from '../../archive/sync.js';
import { formatIsoNs } from '../../core/time.js';
import type { FaultOptions } from '../../sim/index.js';
import { formatFaults, parseFaultsArg, parseIntArg, parsePositiveArg } from '../args.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import {
  DEMO_EXCHANGES,
  DEMO_SYMBOLS,
  type DemoExchange,
  demoJobs,
  FULL_DEMO,
  SMALL_DEMO,
  type Verdict,
  verifyAgainstTruth,
} from '../demo-plan.js';
import { type ExchangeConnection, SIM_DEFAULT_NOW_NS } from '../exchange.js';
import { EXIT, messageFor } from '../exit.js';
import { ProgressReporter, progressMode } from '../progress.js';
import { type DownloadJob, type JobResult, runDownloadJob } from '../run-download.js';
import { trapInterrupts } from '../signals.js';
import { jobLabel } from '../summary.js';
import { coverageTable } from './archive.js';

type DemoFlags = { dir: string; small?: boolean; faults: FaultOptions; seed: number; rateScale: number };

/** Faults the demo injects by default: a few 5xx, resets and truncated bodies, so retries show. */
const DEFAULT_FAULTS = 'errorRate=0.02,resetRate=0.005,truncateRate=0.005';

const EXAMPLES = `
Examples:
  $ npm run demo
  $ tickwire demo --dir /tmp/demo --faults none
  $ tickwire demo --small --rate-scale 50

Every file is read back and compared, row by row, with the simulator's ground truth.`;

/** The `demo` command. */
export const demoCommand: CommandModule = {
  name: 'demo',
  register(program, ctx) {
    const cmd = program
      .command('demo')
      .summary('download candles and trades from simulated exchanges (no network), then verify them')
      .description(
        'Start a simulator of Binance, Coinbase and Kraken in this process and download into --dir: a month of\n' +
          '1m candles (Binance, Coinbase), the 1m candles Kraken keeps (its newest 720), and two hours of\n' +
          'trades from each exchange, then print a summary and check every file against the ground truth.\n' +
          'Also sync a small Parquet archive into --dir/archive (a day of 1m candles and the trades) and list it.',
      )
      .option('--dir <dir>', 'output folder', 'tickwire-demo')
      .option('--small', 'two days of candles and ten minutes of trades (quick check)')
      .addOption(
        new Option('--faults <list>', 'faults the simulators inject, or none')
          .argParser(parseFaultsArg)
          .default(parseFaultsArg(DEFAULT_FAULTS), DEFAULT_FAULTS),
      )
      .addOption(new Option('--seed <n>', 'seed of the simulated markets').argParser(parseIntArg).default(1))
      .addOption(
        new Option('--rate-scale <x>', 'multiply every rate limit, on the simulators and the client alike')
          .argParser(parsePositiveArg)
          .default(20),
      )
      .addHelpText('after', EXAMPLES)
      .action((flags: DemoFlags) => runDemo(ctx, flags, globalsOf(cmd).quiet === true));
  },
};

type Row = { job: DownloadJob; result: JobResult; verdict: Verdict };

/** One archive sync of the demo and how it ended. */
type ArchiveRow = { label: string; report: SyncReport | undefined; error: unknown };

async function runDemo(ctx: CliContext, flags: DemoFlags, quiet: boolean): Promise<void> {
  const { io } = ctx;
  const say = (line: string) => {
    if (!quiet) io.stderr.write(`${line}\n`);
  };
  const dir = resolve(flags.dir);
  await mkdir(dir, { recursive: true });
  const size = flags.small ? SMALL_DEMO : FULL_DEMO;
  say(
    `tickwire demo: simulated ${DEMO_EXCHANGES.join(', ')} on 127.0.0.1 (no network), market clock ${formatIsoNs(SIM_DEFAULT_NOW_NS)}, ` +
      `seed ${flags.seed}, faults ${formatFaults(flags.faults)}.`,
  );
  say(
    `Rate limits: each exchange's real limits ×${flags.rateScale} on both sides (simulators and client), so this takes ` +
      `seconds; at the real limits expect about ${flags.rateScale}× longer.`,
  );
  say(`Writing to ${dir}`);
  const trap = trapInterrupts({ onFirst: (s) => io.stderr.write(`${s}: stopping the demo\n`) });
  const started = Date.now();
  try {
    const perExchange = await Promise.all(
      DEMO_EXCHANGES.map((exchange) => runExchange(exchange, dir, flags, size, trap.signal, ctx, quiet)),
    );
    const rows = perExchange.flatMap((p) => p.rows);
    const archiveRows = perExchange.flatMap((p) => p.archive);
    if (trap.received) {
      io.stderr.write(`interrupted by ${trap.received}; the files written so far are valid.\n`);
      ctx.exitCode = trap.received === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
      return;
    }
    say('');
    for (const line of summaryTable(rows)) say(line);
    const archiveDir = join(dir, 'archive');
    const { archiveCoverage } = await import('../../archive/coverage.js');
    const { verifyArchive } = await import('../../archive/verify.js');
    const verified = await verifyArchive({ dir: archiveDir });
    say('');
    say(`Archive (tickwire sync into ${archiveDir}; \`tickwire archive ls ${archiveDir}\`):`);
    for (const line of coverageTable(await archiveCoverage({ dir: archiveDir }))) say(line);
    say(
      `archive verify: ${verified.files} files, ${verified.rows.toLocaleString('en-US')} rows: ` +
        (verified.ok ? 'all consistent.' : `${verified.problems.length} PROBLEM(S).`),
    );
    for (const p of verified.problems) io.stderr.write(`${p.path}: ${p.check}: ${p.message}\n`);
    const archiveOk = verified.ok && archiveRows.every((a) => a.report?.complete);
    for (const a of archiveRows) {
      if (a.error !== undefined) io.stderr.write(`${a.label}: ${messageFor(a.error)}\n`);
      for (const m of a.report?.missing.filter((x) => !x.pending) ?? []) {
        io.stderr.write(
          `${a.label}: missing ${formatIsoNs(m.range.startNs)}..${formatIsoNs(m.range.endNs)}: ${m.reason}\n`,
        );
      }
    }
    const allOk = rows.every((r) => r.result.report?.complete && r.verdict.ok) && archiveOk;
    say('');
    say(
      `${rows.length} jobs in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        (allOk
          ? 'all complete, every file identical to the ground truth (no gap, no duplicate).'
          : 'SOME JOBS INCOMPLETE OR DIFFERENT (see above).'),
    );
    for (const r of rows) {
      if (!r.result.report?.complete) {
        for (const m of r.result.report?.missing ?? [])
          io.stderr.write(
            `${jobLabel(r.job)}: missing ${formatIsoNs(m.range.startNs)}..${formatIsoNs(m.range.endNs)}: ${m.reason}\n`,
          );
        if (r.result.error !== undefined && !r.result.report)
          io.stderr.write(`${jobLabel(r.job)}: ${String(r.result.error)}\n`);
      }
    }
    ctx.exitCode = allOk ? EXIT.OK : EXIT.INCOMPLETE;
  } finally {
    trap.dispose();
  }
}

async function runExchange(
  exchange: DemoExchange,
  dir: string,
  flags: DemoFlags,
  size: typeof FULL_DEMO,
  signal: AbortSignal,
  ctx: CliContext,
  quiet: boolean,
): Promise<{ rows: Row[]; archive: ArchiveRow[] }> {
  const { startSimulator } = await import('../../sim/index.js');
  const sim = await startSimulator({
    exchange,
    seed: flags.seed,
    now: SIM_DEFAULT_NOW_NS,
    faults: flags.faults,
    rateLimits: { scale: flags.rateScale },
  });
  const conn: ExchangeConnection = {
    baseUrl: sim.url,
    rateScale: flags.rateScale,
    limiter: undefined,
    sim,
    simNowNs: SIM_DEFAULT_NOW_NS,
    // Quick retries: the simulator's faults are instant, there is no overloaded server to spare.
    http: { maxRetries: 8, timeout: 10, backoffBase: 0.05 },
    close: () => sim.close(),
  };
  const rows: Row[] = [];
  const archive: ArchiveRow[] = [];
  try {
    for (const job of demoJobs(exchange, dir, size, SIM_DEFAULT_NOW_NS)) {
      if (signal.aborted) break;
      const mode = progressMode(ctx.io.stderr, quiet) === 'quiet' ? 'quiet' : 'lines';
      const progress = new ProgressReporter(jobLabel(job), mode, { stream: ctx.io.stderr, intervalMs: 5000 });
      const result = await runDownloadJob(job, { conn, progress, signal, stdout: ctx.io.stdout });
      progress.stop();
      const verdict = signal.aborted
        ? { ok: false, rows: result.rows, expected: 0 }
        : await verifyAgainstTruth(job, sim);
      if (!quiet)
        ctx.io.stderr.write(`done: ${jobLabel(job, result.report?.symbol)} (${result.rows} rows)\n`);
      rows.push({ job, result, verdict });
    }
    if (!signal.aborted)
      archive.push(...(await syncDemoArchive(exchange, join(dir, 'archive'), size, conn, signal)));
  } finally {
    await conn.close();
  }
  return { rows, archive };
}

/**
 * The demo's archive: the day's 1m candles (Kraken: those it keeps) and the same trades as the files, synced
 * into `<dir>/archive` with `tickwire sync`'s library call.
 */
async function syncDemoArchive(
  exchange: DemoExchange,
  dir: string,
  size: typeof FULL_DEMO,
  conn: ExchangeConnection,
  signal: AbortSignal,
): Promise<ArchiveRow[]> {
  const { syncArchive } = await import('../../archive/sync.js');
  const now = SIM_DEFAULT_NOW_NS;
  const minute = 60_000_000_000n;
  const candleFrom = exchange === 'kraken' ? now - 700n * minute : now - 24n * 60n * minute;
  const jobs = [
    { label: `sync ${exchange} ohlc 1m`, kind: 'ohlc' as const, span: '1m', start: candleFrom },
    {
      label: `sync ${exchange} trades`,
      kind: 'trades' as const,
      start: now - BigInt(size.tradeMinutes) * minute,
    },
  ];
  const out: ArchiveRow[] = [];
  for (const j of jobs) {
    try {
      const report = await syncArchive({
        dir,
        exchange,
        kind: j.kind,
        ...(j.span ? { span: j.span } : {}),
        symbols: [DEMO_SYMBOLS[exchange]],
        start: j.start,
        end: now,
        ...(conn.baseUrl ? { baseUrl: conn.baseUrl } : {}),
        rateScale: conn.rateScale,
        http: conn.http,
        signal,
      });
      out.push({ label: j.label, report, error: undefined });
    } catch (error) {
      out.push({ label: j.label, report: undefined, error });
    }
  }
  return out;
}

function summaryTable(rows: Row[]): string[] {
  const header = [
    'job',
    'rows',
    'time',
    'requests',
    'retries',
    'rate-limit waits',
    'complete',
    'vs ground truth',
    'file',
  ];
  const body = rows.map(({ job, result, verdict }) => [
    jobLabel(job, result.report?.symbol),
    result.rows.toLocaleString('en-US'),
    `${(result.elapsedMs / 1000).toFixed(1)} s`,
    String(result.requests),
    String(result.retries),
    String(result.rateLimitWaits),
    result.report?.complete ? 'yes' : 'NO',
    verdict.ok
      ? 'identical'
      : `DIFFERS at row ${verdict.firstDifference ?? '?'} (${verdict.rows}/${verdict.expected})`,
    job.out?.split('/').pop() ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 1 && i <= 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)];
}
