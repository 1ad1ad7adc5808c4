/**
 * The options of `PostgresSink.open`, their defaults, and their checks.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import { type KindId, kindDef } from '../../core/kinds.js';
import { checkSchemaName, DEFAULT_PG_SCHEMA } from './ddl.js';
import { checkPostgresUrl } from './url.js';

/** Options of {@link PostgresSink.open}. */
export type PostgresSinkOptions<K extends KindId> = {
  /**
   * The database: `postgres://user[:password]@host[:port]/database[?sslmode=...]`. Prefer `PGPASSWORD` or
   * `~/.pgpass` to a password in the URL; either way it never appears in an error or log line.
   */
  url: string;
  /** Which kind of record (decides the table). */
  kind: K;
  /** Exchange id stored in every row. */
  exchange: string;
  /** Symbol stored in every row: use the unified `BASE/QUOTE` form (`Market.symbol`), as the CLI does. */
  symbol: string;
  /** Bar or sampling period in seconds: required for spanned kinds (candles, open interest), refused otherwise. */
  spanS?: number;
  /**
   * Schema of the tables; created with the table when missing.
   * @default 'public'
   */
  schema?: string;
  /**
   * Rows per batch (one `COPY` and one transaction). Larger batches load faster; two batches are the most
   * held in memory. The first batches are smaller (2 000 rows, doubling up to this), so loading starts early.
   * @default 20_000
   */
  batchRows?: number;
  /**
   * A batch that is not full is committed after this long without one (a live recorder's rows reach the
   * table within about this delay). `0` disables the timer: rows are committed when a batch is full and at
   * `end()`.
   * @default 1_000
   */
  flushIntervalMs?: number;
  /**
   * Create the table (and schema) when missing. When false, a missing table is an error.
   * @default true
   */
  createTable?: boolean;
};

const DEFAULT_BATCH_ROWS = 20_000;
const DEFAULT_FLUSH_MS = 1_000;

/** The options with every default filled in. */
export type Resolved<K extends KindId> = Required<Omit<PostgresSinkOptions<K>, 'spanS'>> & { spanS?: number };

/** Checks the options (each error names the option) and fills in the defaults. */
export function resolveOptions<K extends KindId>(options: PostgresSinkOptions<K>): Resolved<K> {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', options, 'an object');
  const def = kindDef(options.kind, 'options.kind');
  checkPostgresUrl(options.url, 'options.url');
  const schema = checkSchemaName(options.schema ?? DEFAULT_PG_SCHEMA, 'options.schema');
  if (typeof options.exchange !== 'string' || options.exchange === '') {
    throw new ValidationError('options.exchange', options.exchange, 'an exchange id');
  }
  if (typeof options.symbol !== 'string' || options.symbol === '') {
    throw new ValidationError('options.symbol', options.symbol, 'a symbol such as BTC/USDT');
  }
  if (def.span === 'required') {
    if (!Number.isInteger(options.spanS) || (options.spanS as number) <= 0) {
      throw new ValidationError(
        'options.spanS',
        options.spanS,
        `a span in seconds (kind ${def.id} is sampled at one)`,
      );
    }
  } else if (options.spanS !== undefined) {
    throw new ValidationError('options.spanS', options.spanS, `no span (kind ${def.id} has none)`);
  }
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new ValidationError('options.batchRows', batchRows, 'a positive integer');
  }
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_MS;
  if (!Number.isFinite(flushIntervalMs) || flushIntervalMs < 0) {
    throw new ValidationError('options.flushIntervalMs', flushIntervalMs, 'a number of ms >= 0');
  }
  return {
    url: options.url,
    kind: options.kind,
    exchange: options.exchange,
    symbol: options.symbol,
    ...(options.spanS === undefined ? {} : { spanS: options.spanS }),
    schema,
    batchRows,
    flushIntervalMs,
    createTable: options.createTable ?? true,
  };
}
