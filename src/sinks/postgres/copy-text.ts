/**
 * Rows in PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes) for a kind's
 * staging table, and the SQL that moves a staged batch into the kind's table.
 *
 * The staging table holds the kind's columns except the `time` column (the registry's second column is
 * always `tsNs` shown as a time): it is computed in SQL from `ts_ns`, so the COPY stream carries each time
 * once. Other `timestamp` columns are staged as their `bigint` nanoseconds and converted the same way.
 * The conversion keeps microseconds (PostgreSQL's resolution), truncating toward zero.
 *
 * @module
 */
import { type Column, KINDS, type KindId, type RecordOfKind } from '../../core/kinds.js';
import { type PgColumn, pgColumns, qualifiedTable, quoteIdent } from './ddl.js';

type AnyGet = (record: unknown) => bigint | number | string | boolean | undefined;

/** One staged column: a kind column that travels in the COPY stream. */
type Staged = { pg: PgColumn; col: Column<never>; get: AnyGet };

/** How one kind is staged and inserted. */
export type StagePlan<K extends KindId> = {
  /** Statement that creates the session's staging table (temporary, emptied at each commit). */
  createStage: string;
  /** The `COPY ... FROM STDIN` statement. */
  copy: string;
  /**
   * The `INSERT ... SELECT ... ON CONFLICT DO NOTHING` from staging into the table; `$1` exchange,
   * `$2` symbol, `$3` span in seconds (spanned kinds).
   */
  insert: string;
  /** Encodes one record as a COPY text line (with its newline). */
  encode(record: RecordOfKind<K>): string;
};

/** The staging table's name for `kind` (a session-private temporary table). */
export function stageName(kind: KindId): string {
  return `tickwire_stage_${kind.replace(/-/g, '_')}`;
}

/** Builds the staging and insert statements and the row encoder of `kind` in `schema`. */
export function stagePlan<K extends KindId>(schema: string, kind: K): StagePlan<K> {
  const def = KINDS[kind];
  const all = pgColumns(kind);
  const staged: Staged[] = [];
  const select: string[] = [];
  for (const pg of all) {
    if (pg.source === 'exchange') select.push('$1::text');
    else if (pg.source === 'symbol') select.push('$2::text');
    else if (pg.source === 'span') select.push('$3::integer');
    else {
      const col = def.columns[pg.source] as unknown as Column<never>;
      if (col.type === 'timestamp') {
        const from = col.name === 'time' ? 'ts_ns' : pg.name;
        if (col.name !== 'time')
          staged.push({ pg: { ...pg, sqlType: 'bigint' }, col, get: col.get as AnyGet });
        select.push(
          `timestamptz '1970-01-01 00:00:00+00' + (s.${quoteIdent(from)} / 1000) * interval '1 microsecond'`,
        );
      } else {
        staged.push({ pg, col, get: col.get as AnyGet });
        select.push(`s.${quoteIdent(pg.name)}`);
      }
    }
  }
  const stage = quoteIdent(stageName(kind));
  const stagedList = staged.map((s) => quoteIdent(s.pg.name)).join(', ');
  const createStage =
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${stage} (` +
    staged.map((s) => `${quoteIdent(s.pg.name)} ${s.pg.sqlType}`).join(', ') +
    ') ON COMMIT DELETE ROWS';
  const copy = `COPY ${stage} (${stagedList}) FROM STDIN`;
  const insert =
    `INSERT INTO ${qualifiedTable(schema, kind)} (${all.map((c) => quoteIdent(c.name)).join(', ')}) ` +
    `SELECT ${select.join(', ')} FROM ${stage} s ON CONFLICT DO NOTHING`;
  const gets = staged.map((s) => s.get);
  const types = staged.map((s) => s.col.type);
  const n = gets.length;
  const encode = (record: RecordOfKind<K>): string => {
    let line = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) line += '\t';
      line += encodeValue(types[i]!, gets[i]!(record));
    }
    return `${line}\n`;
  };
  return { createStage, copy, insert, encode };
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
    case 'enum': {
      const text = value as string;
      return /[\\\t\n\r]/.test(text) ? escapeText(text) : text;
    }
    default:
      return String(value);
  }
}

function escapeText(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
