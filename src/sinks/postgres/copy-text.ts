/**
 * Rows in PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes) for a kind's
 * table, and the statements of the two ways a batch is loaded:
 *
 * - the fast path, `COPY` straight into the kind's table;
 * - the staging path, `COPY` into a session-private staging table with the same columns, then
 *   `INSERT ... SELECT ... ON CONFLICT DO NOTHING` into the kind's table.
 *
 * Both take the same bytes, so a batch whose fast `COPY` hit a row already present is sent again unchanged.
 * Every row carries all the table's columns: `exchange`, `symbol` (and `span_s`) are one constant prefix
 * per sink; `timestamp` columns are written as `YYYY-MM-DD HH:MM:SS.ffffff+00` from the `bigint`
 * nanoseconds, keeping microseconds (PostgreSQL's resolution) and truncating toward zero.
 *
 * Trades, the bulk of every load, go in PostgreSQL's binary COPY form instead (`trade-bytes.ts`), with the
 * same values: cheaper for the client to write and for the database to read.
 *
 * @module
 */

import { ValidationError } from '../../core/errors.js';
import { type Column, KINDS, type KindId, type RecordOfKind } from '../../core/kinds.js';
import type { Trade } from '../../core/records.js';
import type { BatchBytes } from './batch-bytes.js';
import { BINARY_HEADER, BINARY_TRAILER } from './copy-binary.js';
import { type PgColumn, pgColumns, pgKeyColumns, qualifiedTable, quoteIdent } from './ddl.js';
import { endBinaryBatch, TradeRowWriter } from './trade-bytes.js';

type AnyGet = (record: unknown) => bigint | number | string | boolean | undefined;

/** The rows' constant columns: which exchange, symbol (and span) a sink writes. */
export type CopyScope = { exchange: string; symbol: string; spanS?: number };

/** How one kind is copied, staged and inserted. */
export type CopyPlan<K extends KindId> = {
  /** Fast path: `COPY <table> (<columns>) FROM STDIN`. */
  copyTable: string;
  /** Statement that creates the session's staging table (temporary, emptied at each commit). */
  createStage: string;
  /** Staging path: `COPY <stage> (<columns>) FROM STDIN`. */
  copyStage: string;
  /** Staging path: `INSERT ... SELECT ... ON CONFLICT DO NOTHING` from staging into the table. */
  insert: string;
  /**
   * `SELECT EXISTS (...)` of one record's primary key in the table; parameters from
   * {@link CopyPlan.keyParams}.
   */
  exists: string;
  /** The parameters of {@link CopyPlan.exists} for `record`. */
  keyParams(record: RecordOfKind<K>): (string | number)[];
  /** Encodes one record as a COPY text line (with its newline). */
  encode(record: RecordOfKind<K>): string;
  /**
   * Appends one record's row to `batch`: the UTF-8 of {@link CopyPlan.encode}'s line, or for trades a row
   * in binary COPY form (the statements say which) holding the same values.
   */
  append(batch: BatchBytes, record: RecordOfKind<K>): void;
  /** Ends a batch before it is sent (the binary format's trailer; nothing for text). */
  seal(batch: BatchBytes): void;
};

/** The staging table's name for `kind` (a session-private temporary table). */
export function stageName(kind: KindId): string {
  return `tickwire_copy_${kind.replace(/-/g, '_')}`;
}

/** The statement that creates the session's staging table of `kind` (temporary, emptied at each commit). */
export function createStageStatement(kind: KindId): string {
  return (
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${quoteIdent(stageName(kind))} (` +
    pgColumns(kind)
      .map((c) => `${quoteIdent(c.name)} ${c.sqlType}`)
      .join(', ') +
    ') ON COMMIT DELETE ROWS'
  );
}

/**
 * A `COPY` of no rows into `kind`'s table in the form its batches use: run when a sink opens, it checks the
 * right to insert before anything is downloaded (and primes the session for the first batch).
 */
export function emptyCopy(schema: string, kind: KindId): { sql: string; bytes: Buffer } {
  const list = pgColumns(kind)
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const table = qualifiedTable(schema, kind);
  if (kind === 'trades') {
    return {
      sql: `COPY ${table} (${list}) FROM STDIN (FORMAT binary)`,
      bytes: Buffer.concat([BINARY_HEADER, BINARY_TRAILER]),
    };
  }
  return { sql: `COPY ${table} (${list}) FROM STDIN`, bytes: Buffer.alloc(0) };
}

/** Builds the statements and the row encoder of `kind` in `schema` for rows of `scope`. */
export function copyPlan<K extends KindId>(schema: string, kind: K, scope: CopyScope): CopyPlan<K> {
  const def = KINDS[kind];
  const all = pgColumns(kind);
  const table = qualifiedTable(schema, kind);
  const stage = quoteIdent(stageName(kind));
  const list = all.map((c) => quoteIdent(c.name)).join(', ');
  const createStage = createStageStatement(kind);

  let prefix = `${escapeText(scope.exchange)}\t${escapeText(scope.symbol)}\t`;
  if (def.span === 'required') prefix += `${scope.spanS}\t`;
  const encode = columnsEncoder(kind, prefix) as CopyPlan<K>['encode'];
  // Trades, the bulk of every load, go in binary form: cheaper to write and for the database to read.
  let append: CopyPlan<K>['append'] = (batch, record) => batch.append(encode(record));
  let seal: CopyPlan<K>['seal'] = () => {};
  let format = '';
  if (kind === 'trades') {
    const rows = new TradeRowWriter(scope.exchange, scope.symbol, timestampText);
    append = (batch, record) => rows.append(batch, record as Trade);
    seal = endBinaryBatch;
    format = ' (FORMAT binary)';
  }

  const keyCols = pgKeyColumns(kind);
  const byName = new Map(all.map((c) => [c.name, c] as const));
  const keyGets = keyCols.map((name) => keyParam(byName.get(name) as PgColumn, def.columns, scope));
  const exists =
    `SELECT EXISTS (SELECT 1 FROM ${table} WHERE ` +
    keyCols
      .map((name, i) => `${quoteIdent(name)} = $${i + 1}::${(byName.get(name) as PgColumn).sqlType}`)
      .join(' AND ') +
    ') AS present';
  return {
    copyTable: `COPY ${table} (${list}) FROM STDIN${format}`,
    createStage,
    copyStage: `COPY ${stage} (${list}) FROM STDIN${format}`,
    insert: `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stage} ON CONFLICT DO NOTHING`,
    exists,
    keyParams: (record) => keyGets.map((get) => get(record)),
    encode,
    append,
    seal,
  };
}

/**
 * The encoder of any kind's rows from its columns (the registry's getters): `prefix` (the constant
 * columns) and each column's COPY text. Exported for the test that holds {@link copyPlan}'s specialised
 * trades encoder to it.
 */
export function columnsEncoder<K extends KindId>(
  kind: K,
  prefix: string,
): (record: RecordOfKind<K>) => string {
  const def = KINDS[kind];
  const own = pgColumns(kind).filter((c) => typeof c.source === 'number');
  const encoders = own.map((pg) => columnEncoder(def.columns[pg.source as number] as Column<never>));
  const n = encoders.length;
  return (record) => {
    let line = prefix + encoders[0]!(record);
    for (let i = 1; i < n; i++) line += `\t${encoders[i]!(record)}`;
    return `${line}\n`;
  };
}

function keyParam(
  pg: PgColumn,
  columns: readonly Column<never>[],
  scope: CopyScope,
): (record: unknown) => string | number {
  if (pg.source === 'exchange') return () => scope.exchange;
  if (pg.source === 'symbol') return () => scope.symbol;
  if (pg.source === 'span') return () => scope.spanS as number;
  const col = columns[pg.source] as Column<never>;
  const get = col.get as AnyGet;
  if (col.type === 'bool') return (r) => (get(r) ? 'true' : 'false');
  if (col.type === 'timestamp') return (r) => timestampText(get(r) as bigint);
  return (r) => String(get(r));
}

/** The encoder of one kind column (the registry's getter and the value's COPY text). */
function columnEncoder(col: Column<never>): (record: unknown) => string {
  const get = col.get as AnyGet;
  if (col.type === 'timestamp') {
    const ts = new TimestampText();
    return col.optional
      ? (r) => {
          const v = get(r);
          return v === undefined || v === null ? '\\N' : ts.format(v as bigint);
        }
      : (r) => ts.format(get(r) as bigint);
  }
  // One closure per type (no switch per value); optional columns check for a missing value.
  const some = ((): ((v: never) => string) => {
    switch (col.type) {
      case 'bool':
        return (v: boolean) => (v ? 't' : 'f');
      case 'string':
      case 'enum':
        return escapeText;
      default:
        return String as (v: never) => string;
    }
  })();
  if (!col.optional) return (r) => some(get(r) as never);
  return (r) => {
    const v = get(r);
    return v === undefined || v === null ? '\\N' : some(v as never);
  };
}

/** One value in COPY text form. Numbers use JavaScript's shortest round-trip decimal (`String(n)`). */
export function encodeValue(
  type: Column<never>['type'],
  value: bigint | number | string | boolean | undefined,
): string {
  if (value === undefined || value === null) return '\\N';
  switch (type) {
    case 'bool':
      return value ? 't' : 'f';
    case 'string':
    case 'enum':
      return escapeText(value as string);
    case 'timestamp':
      return timestampText(value as bigint);
    default:
      return String(value);
  }
}

const SPECIAL = /[\\\t\n\r]/;

function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Earliest and latest epoch ms PostgreSQL reads in the ISO form written here (years 0001–9999). */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

/**
 * Epoch nanoseconds as a `timestamptz` literal in UTC with microseconds, truncated toward zero (as
 * `ts_ns / 1000` in SQL): `2026-01-01 00:00:00.000001+00`.
 *
 * @throws ValidationError for a time outside the years 0001–9999
 */
export function timestampText(tsNs: bigint): string {
  return new TimestampText().format(tsNs);
}

/**
 * Formats timestamps, reusing the date and time of day of the previous call when it is the same second
 * (a batch of trades or book rows often has many per second).
 */
class TimestampText {
  #second = Number.NaN;
  #head = '';

  format(tsNs: bigint): string {
    const usBig = tsNs / 1000n;
    const us = Number(usBig);
    if (!Number.isSafeInteger(us)) return this.#far(usBig, tsNs);
    const second = Math.floor(us / 1_000_000);
    if (second !== this.#second) {
      const ms = second * 1000;
      if (!(ms >= MIN_MS && ms <= MAX_MS)) {
        throw new ValidationError('record time', tsNs, 'a time between the years 0001 and 9999');
      }
      const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
      this.#head = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
      this.#second = second;
    }
    const frac = us - second * 1_000_000;
    return `${this.#head}${frac < 100_000 ? String(1_000_000 + frac).slice(1) : frac}+00`;
  }

  /** Times beyond 2^53 microseconds from the epoch (after the year 2255, before 1685): in `bigint`. */
  #far(us: bigint, tsNs: bigint): string {
    let second = us / 1_000_000n;
    if (us < 0n && second * 1_000_000n !== us) second -= 1n;
    const ms = Number(second) * 1000;
    if (!(ms >= MIN_MS && ms <= MAX_MS)) {
      throw new ValidationError('record time', tsNs, 'a time between the years 0001 and 9999');
    }
    const iso = new Date(ms).toISOString();
    const frac = Number(us - second * 1_000_000n);
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(1_000_000 + frac).slice(1)}+00`;
  }
}
