/**
 * One download job, as `ohlc`, `trades`, `funding`, `open-interest` and `demo` run it: resume point →
 * download → sink, with progress, retry counts, and a result that says what was written and what is
 * missing. Generic over the history kinds (`download.records`). Prints nothing itself.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { ExchangeId } from '../adapters/adapter.js';
import { KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';
import type { Trade } from '../core/records.js';
import { spanToNs } from '../core/time.js';
import type { Download } from '../download/index.js';
import type { DownloadReport } from '../download/report.js';
import type { OutputFormat } from '../sinks/format.js';
import type { ExchangeConnection } from './exchange.js';
import { type OutputSink, openOutput } from './output.js';
import type { ProgressReporter } from './progress.js';
import type { CliRange } from './range.js';

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
};

/** Runs one job to its end (complete, failed or aborted). Rejects only for output errors before the download. */
export async function runDownloadJob(job: DownloadJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const sink = await openOutput({
    kind: job.kind,
    format: job.format,
    path: job.out,
    resume: job.resume,
    stdout: ctx.stdout,
  });
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
    http: {
      ...ctx.conn.http,
      onRetry: (info: { rateLimited: boolean }) => progress.countRetry(info.rateLimited),
    },
    onProgress: (p: { done: number; total: number; pages: number }) => {
      progress.update(
        p.total > 0 ? { done: p.done, total: p.total, requests: p.pages } : { requests: p.pages },
      );
    },
  };
  const { download } = await import('../download/index.js');
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
    await pump(dl, sink as OutputSink<KindId>, skipIds, startNs, written, (rows) => {
      const done = Number((((written.lastTsNs ?? startNs) - startNs) * 1000n) / span);
      progress.update(job.kind === 'trades' ? { done, total: 1000, rows } : { rows });
    });
  } catch (e) {
    error = e;
  }
  await sink.end(error === undefined);
  const report = await dl.report;
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
  sink: OutputSink<KindId>,
  skipIds: ReadonlySet<string> | undefined,
  skipAtNs: bigint,
  written: Written,
  onRows: (rows: number) => void,
): Promise<void> {
  let n = 0;
  for await (const rec of dl) {
    if (skipIds && rec.tsNs === skipAtNs && skipIds.has((rec as Trade).id)) continue;
    const wait = sink.write(rec);
    if (wait) await wait;
    written.lastTsNs = rec.tsNs;
    if (++n % 2000 === 0) onRows(sink.rows);
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
