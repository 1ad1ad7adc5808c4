/**
 * `tickwire sync <exchange> <kind> <symbol...> --from ... --archive <dir>`: fills the Parquet archive with
 * what its completeness records say is missing, several days and symbols at once, one progress display.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import type { SyncReport } from '../../archive/sync.js';
import { formatRange } from '../../core/errors.js';
import { isKindId, KIND_IDS, KINDS, type KindId, kindSpan } from '../../core/kinds.js';
import { formatIsoNs, formatSpan } from '../../core/time.js';
import { parseExchangeArg, parsePositiveArg, parseSpanArg, parseTimeArg, type TimeArg } from '../args.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import {
  addExchangeOptions,
  connectExchange,
  describeSim,
  type ExchangeFlags,
  SIM_DEFAULT_NOW_NS,
} from '../exchange.js';
import { EXIT } from '../exit.js';
import { ProgressReporter, progressMode } from '../progress.js';
import { resolveRange } from '../range.js';
import { trapInterrupts } from '../signals.js';
import { addSinkOptions, type SinkFlags, sinkTargetOf } from '../sink-options.js';

type SyncFlags = ExchangeFlags &
  SinkFlags & {
    from: TimeArg;
    to: TimeArg;
    span?: number;
    archive: string;
    concurrency?: number;
  };

const EXAMPLES = `
Examples:
  $ tickwire sync binance ohlc BTCUSDT ETHUSDT --span 1m --from 2024-01-01 --archive data
  $ tickwire sync binance trades BTCUSDT --from 2024-01-01 --to 2024-01-08 --archive data
  $ tickwire sync kraken ohlc XBTUSD --span 1m --from 2025-12-30 --archive data --sim
  $ tickwire sync binance trades BTCUSDT --from 2024-01-01 --archive data --sink postgres://me@localhost/market
  $ tickwire archive ls data

Only what the archive's completeness records do not cover is downloaded: a rerun of a finished sync sends no
data request; extending --to downloads only the new days. A day not over yet is stored with the coverage it
has and completed by the next sync. With --sink the synced range is also loaded from the archive into
PostgreSQL (rows already in the table are skipped, so reruns add nothing). Exit codes: 0 complete, 1 some range missing (printed with its reason),
2 bad usage, 3 cannot be served. Layout and reading with DuckDB, Polars, pandas: docs/ARCHIVE.md.`;

/** Parses a `<kind>` argument. */
export function parseKindArg(text: string): KindId {
  const k = text.trim().toLowerCase();
  if (!isKindId(k)) throw new InvalidArgumentError(`Unknown kind; expected one of ${KIND_IDS.join(', ')}.`);
  return k;
}

/** The `sync` command. */
export const syncCommand: CommandModule = {
  name: 'sync',
  register(program, ctx) {
    const cmd = program
      .command('sync')
      .summary('fill a Parquet archive with what is missing (candles, trades, any history kind)')
      .description(
        'Download into the Hive-partitioned Parquet archive at --archive only the ranges its completeness\n' +
          'records do not cover, for one kind and one or more symbols, several days and symbols at once.',
      )
      .argument('<exchange>', 'exchange id, e.g. binance, coinbase, kraken', parseExchangeArg)
      .argument(
        '<kind>',
        `data kind: ${KIND_IDS.filter((k) => KINDS[k].availability !== 'live').join(', ')}`,
        parseKindArg,
      )
      .argument('<symbol...>', "symbols in any spelling (stored under the exchange's own id)")
      .addOption(
        new Option('--from <time>', 'start, inclusive: ISO date or date-time, UTC unless a zone is given')
          .argParser(parseTimeArg)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option('--to <time>', 'end, exclusive: ISO date or date-time, or now')
          .argParser(parseTimeArg)
          .default('now'),
      )
      .addOption(
        new Option('--span <span>', 'bar span or period for spanned kinds: 1m, 5m, 1h, 1d').argParser(
          parseSpanArg,
        ),
      )
      .addOption(
        new Option('--archive <dir>', 'the archive folder (created if missing)').makeOptionMandatory(),
      )
      .addOption(
        new Option(
          '--concurrency <n>',
          'days × symbols synced at once (default: enough to keep the exchange’s pages in flight busy, 4–16)',
        ).argParser((t) => {
          const n = parsePositiveArg(t);
          if (!Number.isInteger(n)) throw new InvalidArgumentError('Expected a whole number ≥ 1.');
          return n;
        }),
      );
    addSinkOptions(addExchangeOptions(cmd))
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, kind: KindId, symbols: string[], flags: SyncFlags) =>
        runSync(ctx, cmd, exchange, kind, symbols, flags),
      );
  },
};

async function runSync(
  ctx: CliContext,
  cmd: import('commander').Command,
  exchange: ExchangeId,
  kind: KindId,
  symbols: string[],
  flags: SyncFlags,
): Promise<void> {
  const { io } = ctx;
  const { quiet = false } = globalsOf(cmd);
  const say = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  kindSpan(kind, flags.span === undefined ? undefined : formatSpan(flags.span), '--span');
  const sinkTarget = sinkTargetOf(flags);
  const range = resolveRange(flags.from, flags.to, flags.sim ? SIM_DEFAULT_NOW_NS : undefined);
  const kindLabel = flags.span === undefined ? kind : `${kind} ${formatSpan(flags.span)}`;
  const label = `sync ${exchange} ${kindLabel} ${symbols.join(',')}`;
  const progress = new ProgressReporter(label, progressMode(io.stderr, quiet), { stream: io.stderr });
  const conn = await connectExchange(exchange, flags, { warn: (m) => progress.log(`warning: ${m}`, true) });
  const trap = trapInterrupts({
    onFirst: (s) =>
      progress.log(`${s}: stopping; committing what was downloaded (again to quit at once)`, true),
  });
  const started = Date.now();
  try {
    const simLine = describeSim(conn, exchange);
    if (simLine && !quiet) say(simLine);
    const { syncArchive } = await import('../../archive/sync.js');
    const report = await syncArchive({
      dir: flags.archive,
      exchange,
      kind,
      ...(flags.span === undefined ? {} : { span: flags.span }),
      symbols,
      start: range.startNs,
      end: range.toNow && !flags.sim ? 'now' : range.endNs,
      rateScale: conn.rateScale,
      ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }),
      ...(conn.limiter === undefined ? {} : { limiter: conn.limiter }),
      http: {
        ...conn.http,
        onRetry: (info: { rateLimited: boolean }) => progress.countRetry(info.rateLimited),
      },
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      signal: trap.signal,
      onProgress: (p) =>
        progress.update({ done: p.unitsDone, total: p.unitsTotal, rows: p.rows, requests: p.requests }),
    });
    const outcome = describeSync(report, Date.now() - started, trap.received);
    let loaded: string[] = [];
    try {
      if (sinkTarget && !trap.received)
        loaded = await loadIntoDatabase(flags.archive, report, sinkTarget, conn, trap.signal, progress);
    } finally {
      // The archive's outcome is printed even when loading into the database failed (its error follows).
      progress.stop();
      if (!quiet) for (const line of [...outcome.info, ...loaded]) say(line);
      for (const line of outcome.warnings) say(line);
    }
    ctx.exitCode = outcome.code;
  } finally {
    progress.stop();
    trap.dispose();
    await conn.close();
  }
}

/** Loads the synced range from the archive into the `--sink` database; returns one summary line per symbol. */
async function loadIntoDatabase(
  dir: string,
  report: SyncReport,
  target: NonNullable<ReturnType<typeof sinkTargetOf>>,
  conn: Awaited<ReturnType<typeof connectExchange>>,
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<string[]> {
  const [{ loadSyncIntoSink }, { createAdapter }] = await Promise.all([
    import('../sync-sink.js'),
    import('../../adapters/registry.js'),
  ]);
  const adapter = createAdapter(report.exchange as ExchangeId, {
    rateScale: conn.rateScale,
    ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }),
    ...(conn.limiter === undefined ? {} : { limiter: conn.limiter }),
    http: conn.http,
  });
  try {
    const loads = await loadSyncIntoSink(dir, report, target, adapter, signal, (rows) =>
      progress.update({ rows }),
    );
    return loads.map((l) => `  ${l.symbol} → ${l.label}: ${l.rows} rows read from the archive, ${l.summary}`);
  } finally {
    await adapter.close();
  }
}

/** The summary and exit code of a sync. Pure. */
export function describeSync(
  report: SyncReport,
  elapsedMs: number,
  interruptedBy?: NodeJS.Signals,
): { code: number; info: string[]; warnings: string[] } {
  const days = new Set(report.units.map((u) => u.key.date)).size;
  const head =
    `sync ${report.exchange} ${report.archiveKind} ${report.symbols.map((s) => s.symbol).join(',')}: ` +
    `${report.symbols.length} symbol(s) × ${days} day(s), ${report.skipped} of ${report.units.length} already complete, ` +
    `${report.rows} rows in ${report.requests} requests, ${(elapsedMs / 1000).toFixed(1)} s`;
  const gaps = report.missing.filter((m) => !m.pending);
  const pending = report.missing.filter((m) => m.pending);
  const info: string[] = [];
  for (const m of pending)
    info.push(`  not yet available: ${m.symbol} ${formatRange(m.range)} (${m.reason})`);
  if (interruptedBy) {
    return {
      code: interruptedBy === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT,
      info: [],
      warnings: [
        `${head}.`,
        `interrupted by ${interruptedBy}; what was downloaded is committed. Rerun to continue.`,
      ],
    };
  }
  if (gaps.length === 0 && report.errors.length === 0) {
    return {
      code: EXIT.OK,
      info: [`${head}; complete up to ${formatIsoNs(report.requested.endNs)}.`, ...info],
      warnings: [],
    };
  }
  const warnings = [`${head}; INCOMPLETE.`];
  for (const m of gaps) {
    warnings.push(
      `missing ${m.symbol} ${formatRange(m.range)}: ${m.reason}${m.permanent ? ' (the exchange does not serve it)' : ''}`,
    );
  }
  warnings.push('Rerun the same command to fetch what is missing (only that is downloaded).');
  return { code: EXIT.INCOMPLETE, info, warnings };
}
