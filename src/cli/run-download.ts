/**
 * One download job, as `ohlc`, `trades`, `funding`, `open-interest` and `demo` run it: resume point →
 * download → sink, with progress, retry counts, and a result that says what was written and what is
 * missing. Generic over the history kinds (`download.records`). Prints nothing itself.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { ExchangeId } from '../adapters/adapter.js';
import { isTickwireError, type PostgresSinkError } from '../core/errors.js';
import { KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';
import type { Trade } from '../core/records.js';
import { spanToNs } from '../core/time.js';
import type { Download } from '../download/index.js';
import type { DownloadReport } from '../download/report.js';
import type { OutputFormat } from '../sinks/format.js';
import type { ExchangeConnection } from './exchange.js';
import { openOutput } from './output.js';
import type { ProgressReporter } from './progress.js';
import type { CliRange } from './range.js';
import {
  type DatabaseOutput,
  type JobOutput,
  type JobSinkTarget,
  openDatabaseOutput,
} from './sink-output.js';

/** What to download and where to. */
export type DownloadJob = {
  /** A history kind: `ohlc`, `trades`, `funding`, `open-interest`, `mark-ohlc`... */
  kind: KindId;
  exchange: ExchangeId;
  symbol: string;
  /** Bar span or sampling period in seconds (spanned kinds only). */
  spanS?: number;
  range: CliRange;
  /** File to write, or `undefined` for stdout. */
  out: string | undefined;
  format: OutputFormat;
  /** Continue an existing file (default) rather than overwrite it. */
  resume: boolean;
  /** Write into this database (`--sink`) instead of `out`/stdout. */
  sink?: JobSinkTarget;
};

/** What the job needs from around it. */
export type JobContext = {
  conn: ExchangeConnection;
  progress: ProgressReporter;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  stdout: Writable;
};

/** What happened. */
export type JobResult = {
  /** The range actually requested (after resuming), or `undefined` when the file was already complete. */
  requested: { startNs: bigint; endNs: bigint } | undefined;
  /** Where the existing file ended, when resuming. */
  resumedAfterNs: bigint | undefined;
  /** The download's completeness report (when a download ran). */
  report: DownloadReport | undefined;
  /** The error that stopped the download, if any. */
  error: unknown;
  /** True when the job was stopped by the abort signal. */
  aborted: boolean;
  /** Rows written in this run. */
  rows: number;
  /** Time of the last row written in this run. */
  lastTsNs: bigint | undefined;
  elapsedMs: number;
  requests: number;
  retries: number;
  rateLimitWaits: number;
  /** Where the rows went, when not `job.out`/stdout (a database, password redacted). */
  dest?: string;
  /** A note on the rows, e.g. how many were new to the database. */
  sinkNote?: string;
};

/** The download module, loaded once (on the first job, not at start-up: other commands do not need it). */
let downloadModule: Promise<typeof import('../download/index.js')> | undefined;
function loadDownload(): Promise<typeof import('../download/index.js')> {
  downloadModule ??= import('../download/index.js');
  return downloadModule;
}

/** Runs one job to its end (complete, failed or aborted). Rejects only for output errors before the download. */
export async function runDownloadJob(job: DownloadJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { progress } = ctx;
  const http = {
    ...ctx.conn.http,
    onRetry: (info: { rateLimited: boolean }) => progress.countRetry(info.rateLimited),
  };
  // The download code loads while the output opens (a database connection, a file's resume point).
  loadDownload().catch(() => {}); // a failure is reported where the module is used
  let db: DatabaseOutput<'ohlc' | 'trades'> | undefined;
  if (job.sink) {
    const range = job.resume ? job.range : undefined;
    db = await openDatabaseOutput(job.sink, job, ctx.conn, http, range, ctx.signal);
  }
  const sink: JobOutput<RecordOfKind<KindId>> =
    db?.output ??
    (await openOutput({
      kind: job.kind,
      format: job.format,
      path: job.out,
      resume: job.resume,
      stdout: ctx.stdout,
    }));
  try {
    return await runWith(job, ctx, sink, db, http, started);
  } finally {
    await db?.adapter.close();
  }
}

async function runWith(
  job: DownloadJob,
  ctx: JobContext,
  sink: JobOutput<RecordOfKind<KindId>>,
  db: DatabaseOutput<'ohlc' | 'trades'> | undefined,
  http: DownloadOptionsHttp,
  started: number,
): Promise<JobResult> {
  const point = sink.plan.resume;
  let startNs = job.range.startNs;
  let skipIds: ReadonlySet<string> | undefined;
  if (point) {
    const next = resumeAfter(job, point.lastTsNs);
    if (next > startNs) {
      startNs = next;
      if (job.kind === 'trades') skipIds = point.idsAtLastTs;
    }
  }
  const base = {
    requested: undefined,
    resumedAfterNs: point?.lastTsNs,
    report: undefined,
    error: undefined,
    aborted: false,
    rows: 0,
    lastTsNs: undefined,
    requests: 0,
    retries: 0,
    rateLimitWaits: 0,
    ...(db ? { dest: db.opened.label } : {}),
  };
  if (startNs >= job.range.endNs) {
    await sink.end(false);
    return { ...base, elapsedMs: Date.now() - started };
  }
  const { progress } = ctx;
  const options = {
    exchange: job.exchange,
    symbol: job.symbol,
    start: startNs,
    end: job.range.endNs,
    signal: ctx.signal,
    rateScale: ctx.conn.rateScale,
    ...(ctx.conn.baseUrl === undefined ? {} : { baseUrl: ctx.conn.baseUrl }),
    ...(ctx.conn.limiter === undefined ? {} : { limiter: ctx.conn.limiter }),
    ...(db ? { adapter: db.adapter } : {}),
    http,
    onProgress: (p: { done: number; total: number; pages: number; fetchedNs?: bigint }) => {
      // Trades: concurrent slices fetch ahead of what is written; the ETA follows what was fetched.
      const spanNs = job.range.endNs - startNs;
      const eta =
        job.kind === 'trades' && p.fetchedNs !== undefined && spanNs > 0n
          ? { etaDone: Number((p.fetchedNs * 1000n) / spanNs) }
          : {};
      progress.update(
        p.total > 0 ? { done: p.done, total: p.total, requests: p.pages } : { requests: p.pages, ...eta },
      );
    },
  };
  const { download } = await loadDownload();
  const spanned = KINDS[job.kind].span === 'required';
  const dl: Download<RecordOfKind<KindId>> = download.records({
    ...options,
    kind: job.kind,
    ...(spanned ? { span: job.spanS ?? 60 } : {}),
  });
  const span = job.range.endNs - startNs;
  let error: unknown;
  const written: Written = { lastTsNs: undefined };
  try {
    await pump(dl, sink, skipIds, startNs, written, (rows) => {
      const done = Number((((written.lastTsNs ?? startNs) - startNs) * 1000n) / span);
      progress.update(job.kind === 'trades' ? { done, total: 1000, rows } : { rows });
    });
  } catch (e) {
    error = e;
  }
  try {
    await sink.end(error === undefined);
  } catch (e) {
    if (!db) throw e;
    error ??= e;
  }
  let report = await dl.report;
  if (db && isTickwireError(error, 'ERR_POSTGRES')) {
    // What the table holds ends at the last commit, not at the last record handed to the sink.
    written.lastTsNs = (error as PostgresSinkError).lastCommitted?.tsNs;
    report = sinkFailureReport(job, report, startNs, written.lastTsNs, error as PostgresSinkError);
  }
  const finished = error === undefined && progress.state.total > 0 ? { done: progress.state.total } : {};
  progress.update({ rows: sink.rows, requests: report.pages, ...finished });
  const s = progress.state;
  return {
    ...base,
    requested: { startNs, endNs: job.range.endNs },
    report,
    error,
    aborted: ctx.signal.aborted,
    rows: sink.rows,
    lastTsNs: written.lastTsNs,
    elapsedMs: Date.now() - started,
    requests: report.pages,
    retries: s.retries,
    rateLimitWaits: s.rateLimitWaits,
    ...(db && error === undefined ? { sinkNote: db.opened.summary() } : {}),
  };
}

type DownloadOptionsHttp = ExchangeConnection['http'] & { onRetry: (info: { rateLimited: boolean }) => void };

/**
 * The report of a run whose database sink failed: everything from the last committed record on is
 * missing (records downloaded after it were not stored).
 */
function sinkFailureReport(
  job: DownloadJob,
  report: DownloadReport,
  startNs: bigint,
  lastTsNs: bigint | undefined,
  error: PostgresSinkError,
): DownloadReport {
  const spanNs = job.kind === 'ohlc' ? spanToNs(job.spanS ?? 60) : 0n;
  const from = lastTsNs === undefined ? startNs : lastTsNs + spanNs;
  return {
    ...report,
    complete: false,
    delivered: from > startNs ? [{ startNs, endNs: from }] : [],
    missing: [{ range: { startNs: from, endNs: job.range.endNs }, reason: error.message, error }],
  };
}

/** The time of the last row written, kept up to date while the download runs. */
type Written = { lastTsNs: bigint | undefined };

/**
 * Copies the download into the sink, skipping trades already in the file (same time as its last row and an
 * id written there), awaiting backpressure.
 */
async function pump(
  dl: Download<RecordOfKind<KindId>>,
  sink: JobOutput<RecordOfKind<KindId>>,
  skipIds: ReadonlySet<string> | undefined,
  skipAtNs: bigint,
  written: Written,
  onRows: (rows: number) => void,
): Promise<void> {
  let reported = 0;
  for await (const batch of dl.batches()) {
    for (const rec of batch) {
      if (skipIds && rec.tsNs === skipAtNs && skipIds.has((rec as Trade).id)) continue;
      const wait = sink.write(rec);
      if (wait) await wait;
      written.lastTsNs = rec.tsNs;
    }
    if (sink.rows - reported >= 2000) {
      reported = sink.rows;
      onRows(reported);
    }
  }
}

/**
 * Where a run continues after a file whose last row is at `lastTsNs`: spanned kinds after that row's
 * period, trades at that time (ids already written there are skipped), other kinds just after it.
 */
export function resumeAfter(job: Pick<DownloadJob, 'kind' | 'spanS'>, lastTsNs: bigint): bigint {
  if (KINDS[job.kind].span === 'required') return lastTsNs + spanToNs(job.spanS ?? 60);
  return job.kind === 'trades' ? lastTsNs : lastTsNs + 1n;
}
