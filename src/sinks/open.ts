/**
 * `openSink`: the one place that turns a `--sink` value into a {@link RecordSink} and says where a resumed
 * run starts. Every command that can write to a database (`ohlc`, `trades`, the derivatives kinds, `sync`,
 * `record`) calls it, so they all accept the same URLs and behave the same way.
 *
 * Today a sink is a PostgreSQL URL (`postgres://` or `postgresql://`); files keep their own path
 * (`--out`, `openFileWriter`).
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { isPostgresUrl, redactPostgresUrl } from './postgres/url.js';
import type { ResumePoint } from './resume.js';
import type { RecordSink } from './sink.js';

/** Options of {@link openSink}. */
export type OpenSinkOptions<K extends KindId> = {
  /** The destination, as given to `--sink` / `--pg`: `postgres://user@host:port/db`. */
  sink: string;
  /** The kind of record (decides the table). */
  kind: K;
  /** Exchange id stored with every row. */
  exchange: string;
  /** The unified symbol (`Market.symbol`, e.g. `BTC/USDT`) stored with every row. */
  symbol: string;
  /** Bar or sampling period in seconds, for spanned kinds. */
  spanS?: number;
  /** PostgreSQL schema of the tables (`--schema`). @default 'public' */
  schema?: string;
  /**
   * Read where the destination's data for this exchange, symbol (and span) ends within this range, for
   * resuming. Omit for no resume point (a `--force` run loads the whole range; rows already present are
   * skipped, never deleted).
   */
  resumeWithin?: { startNs: bigint; endNs: bigint };
  /** Rows per transaction. @default 20_000 */
  batchRows?: number;
  /** Longest time a partial batch waits before it is committed (live recording). @default 1_000 */
  flushIntervalMs?: number;
};

/** A sink opened by {@link openSink}. */
export type OpenedSink<K extends KindId> = {
  /** Where records go; `end()` commits and closes. */
  sink: RecordSink<RecordOfKind<K>>;
  /** Where the destination's data ends in `resumeWithin`, or `undefined`. */
  resume: ResumePoint | undefined;
  /** Where the data goes, safe to print: `postgres://user@host:5432/db public.trades`. */
  label: string;
  /** Records committed so far (after a successful `end()`: every record written). */
  committedRows(): number;
  /** After `end()`: how the rows went, e.g. `1200 new, 300 already present`. */
  summary(): string;
};

/**
 * Opens the destination `options.sink` for one kind, exchange and symbol (and span): connects, creates the
 * table when missing, and reads the resume point. PostgreSQL code is loaded only when a URL asks for it.
 *
 * @throws ValidationError (argument `sink`) for a destination it does not know; other `ValidationError`s
 *   for bad options
 * @throws PostgresSinkError when the database cannot be reached or its table does not fit
 */
export function openSink<K extends KindId>(options: OpenSinkOptions<K>): Promise<OpenedSink<K>> {
  return openWith(options, undefined);
}

/**
 * {@link openSink} with the symbol still being resolved: connects and prepares the table meanwhile, then
 * takes the symbol from `symbol` (closing the connection and rethrowing when it rejects). The CLI resolves
 * the symbol with the exchange while the database gets ready.
 */
export function openSinkLater<K extends KindId>(
  options: Omit<OpenSinkOptions<K>, 'symbol'>,
  symbol: Promise<string>,
): Promise<OpenedSink<K>> {
  return openWith({ ...options, symbol: '' }, symbol);
}

async function openWith<K extends KindId>(
  options: OpenSinkOptions<K>,
  later: Promise<string> | undefined,
): Promise<OpenedSink<K>> {
  const dest = options.sink;
  if (typeof dest !== 'string' || !isPostgresUrl(dest)) {
    throw new ValidationError(
      'sink',
      typeof dest === 'string' ? redactPostgresUrl(dest) : dest,
      'a PostgreSQL URL (postgres://user@host:port/database)',
    );
  }
  const { PostgresSink, openPostgresSinkLater } = await import('./postgres/sink.js');
  const sinkOptions = {
    url: dest,
    kind: options.kind,
    exchange: options.exchange,
    ...(options.spanS === undefined ? {} : { spanS: options.spanS }),
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  };
  const sink = later
    ? await openPostgresSinkLater(sinkOptions, later)
    : await PostgresSink.open({ ...sinkOptions, symbol: options.symbol });
  let resume: ResumePoint | undefined;
  try {
    resume = options.resumeWithin ? await sink.resumePoint(options.resumeWithin) : undefined;
  } catch (error) {
    await sink.end().catch(() => {});
    throw error;
  }
  return {
    sink,
    resume,
    label: `${sink.target} ${sink.table}`,
    committedRows: () => sink.committedRows,
    summary: () => `${sink.insertedRows} new, ${sink.duplicateRows} already present`,
  };
}
