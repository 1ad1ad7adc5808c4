/**
 * Turns a job's result into what the user reads on stderr and the exit code scripts see. Pure.
 *
 * @module
 */
import { formatRange, isTickwireError, type NsRange } from '../core/errors.js';
import type { KindId } from '../core/kinds.js';
import { formatIsoNs, formatSpan } from '../core/time.js';
import { EXIT, type ExitCode, isUsageError } from './exit.js';
import { type DownloadJob, type JobResult, resumeAfter } from './run-download.js';

/** Codes of errors that rerunning the same command cannot fix (exit 3 rather than 1). */
const FATAL_CODES = new Set([
  'ERR_UNKNOWN_SYMBOL',
  'ERR_UNSUPPORTED_RANGE',
  'ERR_UNSUPPORTED_KIND',
  'ERR_EXCHANGE',
]);

/** errno codes of local file-system failures that no rerun fixes by itself. */
const FILE_ERRNOS = new Set([
  'ENOSPC',
  'EDQUOT',
  'EFBIG',
  'EACCES',
  'EPERM',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'ENOENT',
  'EMFILE',
  'ENFILE',
  'EIO',
]);

function isLocalFileError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException;
  return typeof e.syscall === 'string' && typeof e.code === 'string' && FILE_ERRNOS.has(e.code);
}

/** What to print and which code to exit with. */
export type Outcome = {
  code: ExitCode;
  /** Lines for stderr that belong to the summary (hidden by `--quiet`). */
  info: string[];
  /** Lines for stderr that are always shown (missing ranges, interruptions). */
  warnings: string[];
};

/** What each kind is called in a label (after the span, for spanned kinds). */
const KIND_LABELS: Readonly<Record<KindId, string>> = {
  ohlc: 'candles',
  trades: 'trades',
  funding: 'funding rates',
  'open-interest': 'open interest',
  'mark-ohlc': 'mark-price candles',
  'index-ohlc': 'index-price candles',
  'premium-ohlc': 'premium-index candles',
  liquidations: 'liquidations',
  mark: 'mark prices',
  book: 'book rows',
};

/** A short label such as `binance BTC/USDT 1m candles` or `binance-usdm BTC/USDT:USDT funding rates`. */
export function jobLabel(
  job: Pick<DownloadJob, 'kind' | 'exchange' | 'symbol' | 'spanS'>,
  symbol = job.symbol,
): string {
  const span = job.kind === 'ohlc' || job.spanS !== undefined ? `${formatSpan(job.spanS ?? 60)} ` : '';
  return `${job.exchange} ${symbol} ${span}${KIND_LABELS[job.kind]}`;
}

/** The error to rethrow (usage or fatal) instead of reporting a partial download, if any. */
export function fatalError(result: JobResult): unknown {
  const e = result.error;
  if (e === undefined || result.aborted) return undefined;
  if (isUsageError(e)) return e;
  // A database that went away mid-run (whatever the socket said) is a gap: a rerun resumes from the table.
  if (isTickwireError(e, 'ERR_POSTGRES')) return undefined;
  const cause = (e as { cause?: unknown }).cause;
  for (const err of [e, cause]) {
    if (isUsageError(err)) return err;
    // A failed file-system call (disk full, permissions) is not a gap a rerun fills by itself; a socket
    // error (EPIPE, ECONNRESET, ECONNREFUSED) is, so it is reported as missing ranges.
    if (isLocalFileError(err)) return err;
    if (isTickwireError(err) && FATAL_CODES.has(err.code)) return err;
  }
  return undefined;
}

/**
 * Describes a finished job. Interrupted: 130/143 with the missing range. Complete: 0. With `--to now`, bars
 * and trades that do not exist yet at the exchange's clock are not a gap. Anything else missing: 1, with
 * each missing range and why.
 */
export function describeJob(job: DownloadJob, result: JobResult, interruptedBy?: NodeJS.Signals): Outcome {
  const symbol = result.report?.symbol ?? job.symbol;
  const label = jobLabel(job, symbol);
  const dest = result.dest ?? job.out ?? 'stdout';
  // A file or a database: rerunning the same command resumes.
  const resumable = job.out !== undefined || job.sink !== undefined;
  const stats = `${result.requests} requests, ${result.retries} retries, ${result.rateLimitWaits} rate-limit waits`;
  const took = `${(result.elapsedMs / 1000).toFixed(1)} s`;
  const resumed =
    result.resumedAfterNs === undefined ? '' : `, resumed after ${formatIsoNs(result.resumedAfterNs)}`;
  if (!result.requested) {
    return {
      code: EXIT.OK,
      info: [
        `${label}: ${dest} already holds everything up to ${formatIsoNs(job.range.endNs)}; nothing to do.`,
      ],
      warnings: [],
    };
  }
  const note = result.sinkNote === undefined ? '' : `, ${result.sinkNote}`;
  const head = `${label}: ${result.rows} rows → ${dest} in ${took} (${stats}${note})${resumed}`;
  const gap = gapNote(job, result);
  if (result.aborted && interruptedBy) {
    const from = nextStart(job, result);
    return {
      code: interruptedBy === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT,
      info: [],
      warnings: [
        `${head}.`,
        `interrupted by ${interruptedBy}; missing ${formatRange({ startNs: from, endNs: job.range.endNs })}.`,
        resumable ? 'Rerun the same command to resume.' : 'Rerun with --from to fetch the rest.',
      ],
    };
  }
  const report = result.report;
  const missing = report?.missing ?? [];
  // Only a missing tail is "not yet available"; an older part the exchange does not keep is a gap.
  const endNs = report?.requested.endNs ?? job.range.endNs;
  const notYet =
    job.range.toNow &&
    result.error === undefined &&
    missing.every((m) => m.error === undefined && m.range.endNs >= endNs);
  if (report && (report.complete || notYet)) {
    const info = [`${head}; complete.`, ...gap];
    for (const m of missing) info.push(`  not yet available: ${formatRange(m.range)} (${m.reason})`);
    return { code: EXIT.OK, info, warnings: [] };
  }
  const warnings = [`${head}; INCOMPLETE.`, ...gap];
  const ranges: { range: NsRange; reason: string }[] = missing.length
    ? missing
    : [
        {
          range: { startNs: nextStart(job, result), endNs: job.range.endNs },
          reason: reasonOf(result.error),
        },
      ];
  for (const m of ranges) warnings.push(`missing ${formatRange(m.range)}: ${m.reason}`);
  // Ranges the exchange no longer keeps (no error, not the not-yet tail) do not come back by rerunning.
  const unservable =
    missing.length > 0 && missing.every((m) => m.error === undefined && m.range.endNs !== job.range.endNs);
  warnings.push(
    unservable
      ? 'The exchange does not serve the missing range; rerunning will not fetch it.'
      : resumable
        ? 'Rerun the same command to fetch what is missing (it resumes).'
        : 'Rerun for the missing ranges.',
  );
  return { code: EXIT.INCOMPLETE, info: [], warnings };
}

/** A note when the resumed file ended before `--from`: appending leaves a gap in the file (not in the range). */
function gapNote(job: DownloadJob, result: JobResult): string[] {
  const last = result.resumedAfterNs;
  if (last === undefined || !result.requested) return [];
  const next = resumeAfter(job, last);
  if (next >= result.requested.startNs) return [];
  return [
    `note: ${job.out} ended at ${formatIsoNs(last)}, before --from; the file now skips ${formatRange({ startNs: next, endNs: result.requested.startNs })}.`,
  ];
}

/** Where the data stops: after the last row written (trades: at it, ids there are skipped on resume). */
function nextStart(job: DownloadJob, result: JobResult): bigint {
  const last = result.lastTsNs;
  const start = result.requested?.startNs ?? job.range.startNs;
  if (last === undefined) return start;
  return resumeAfter(job, last);
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'unknown' : String(error);
}
