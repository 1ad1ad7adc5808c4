/**
 * `--sink` for download jobs: resolves the symbol to its unified form first (rows are keyed by it, however
 * the user spelled it), then opens the sink through `openSink` with the job's range as the resume scope.
 *
 * @module
 */
import type { AdapterHttpOptions, ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { type OpenedSink, openSinkLater } from '../sinks/open.js';
import type { ResumePoint } from '../sinks/resume.js';
import type { ExchangeConnection } from './exchange.js';

/** What the job runner needs of its output (the file/stdout `OutputSink` has the same shape). */
export type JobOutput<R> = {
  readonly plan: { resume: ResumePoint | undefined };
  readonly rows: number;
  write(record: R): Promise<void> | undefined;
  end(createIfEmpty: boolean): Promise<void>;
};

/** A database output for one job, and the adapter the download must use (it resolved the symbol). */
export type DatabaseOutput<K extends KindId> = {
  output: JobOutput<RecordOfKind<K>>;
  opened: OpenedSink<K>;
  adapter: ExchangeAdapter;
};

/** Where a job writes into a database (`--sink`, `--schema`, `--batch-rows`). */
export type JobSinkTarget = { url: string; schema?: string; batchRows?: number };

/**
 * Creates the job's adapter (with the connection's settings and `onRetry`), resolves `symbol`, and opens
 * `target` for it. The caller closes the adapter after the download.
 */
export async function openDatabaseOutput<K extends KindId>(
  target: JobSinkTarget,
  job: { kind: K; exchange: ExchangeId; symbol: string; spanS?: number },
  conn: ExchangeConnection,
  http: AdapterHttpOptions,
  range: { startNs: bigint; endNs: bigint } | undefined,
  signal: AbortSignal,
): Promise<DatabaseOutput<K>> {
  const adapter = createAdapter(job.exchange, {
    rateScale: conn.rateScale,
    ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }),
    ...(conn.limiter === undefined ? {} : { limiter: conn.limiter }),
    http,
  });
  try {
    // The database gets ready (driver, connection, table) while the exchange resolves the symbol.
    const market = adapter.resolveSymbol(job.symbol, { signal });
    const opening = openSinkLater(
      {
        sink: target.url,
        kind: job.kind,
        exchange: job.exchange,
        ...(job.spanS === undefined ? {} : { spanS: job.spanS }),
        ...(target.schema === undefined ? {} : { schema: target.schema }),
        ...(target.batchRows === undefined ? {} : { batchRows: target.batchRows }),
        ...(range ? { resumeWithin: range } : {}),
        // A download commits full batches only (and the rest at the end): a killed run leaves whole batches.
        flushIntervalMs: 0,
      },
      market.then((m) => m.symbol),
    );
    // A bad symbol is reported before a database problem, as when they were checked in turn.
    opening.catch(() => {});
    await market;
    const opened = await opening;
    let ended = false;
    const sink = opened.sink;
    const output: JobOutput<RecordOfKind<K>> = {
      plan: { resume: opened.resume },
      get rows() {
        // Once ended, count what is in the table, not what was handed over.
        return ended ? opened.committedRows() : sink.rows;
      },
      write: (record) => sink.write(record),
      async end() {
        try {
          await sink.end();
        } finally {
          ended = true;
        }
      },
    };
    return { output, opened, adapter };
  } catch (error) {
    await adapter.close();
    throw error;
  }
}
