/**
 * The PostgreSQL tables of the data kinds, derived from the kinds registry (`core/kinds.ts`): one table per
 * kind, named after it (`open-interest` → `open_interest`), columns in snake case.
 *
 * - Every table starts with `exchange` and `symbol` (the unified `BASE/QUOTE` form), then `span_s` (the bar
 *   or sampling period in seconds) for spanned kinds, then the kind's own columns.
 * - `int64` → `bigint`; `timestamp` → `timestamptz` (microseconds: PostgreSQL's resolution; the exact
 *   nanoseconds are in the `ts_ns` column beside it); `double` → `numeric`, written from the shortest
 *   decimal text that reads back as the same JavaScript number (so `0.1` is stored as `0.1`, exactly what
 *   the exchange sent for every price it sends with up to 15 significant digits); `string`/`enum` → `text`;
 *   `bool` → `boolean`. Optional columns are nullable, the others `NOT NULL`.
 * - Primary key: `(exchange, symbol, [span_s,] <the kind's key columns>)`, so a record stored twice is
 *   the same row. Kinds not keyed by time also get an index on `(exchange, symbol, [span_s,] ts_ns)` for
 *   time queries and resuming.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import { type ColumnType, KINDS, type KindId } from '../../core/kinds.js';

/** One column of a kind's table. */
export type PgColumn = {
  /** Column name in the table (snake case). */
  readonly name: string;
  /** SQL type. */
  readonly sqlType: string;
  /** False for optional columns. */
  readonly notNull: boolean;
  /** What it means (the table's column comment). */
  readonly doc: string;
  /**
   * Where the value comes from: `'exchange'`, `'symbol'`, `'span'` (the same for every row of a sink), or
   * the index of the kind's column in `KINDS[kind].columns`.
   */
  readonly source: 'exchange' | 'symbol' | 'span' | number;
  /** The registry's column type (for kind columns). */
  readonly type?: ColumnType;
};

const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  int64: 'bigint',
  timestamp: 'timestamptz',
  double: 'numeric',
  string: 'text',
  enum: 'text',
  bool: 'boolean',
};

/** Default schema of the tables. */
export const DEFAULT_PG_SCHEMA = 'public';

/** `tsNs` → `ts_ns`, `isSnapshot` → `is_snapshot`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The table of `kind`: `ohlc`, `trades`, `open_interest`, `mark_ohlc`, ... */
export function pgTableName(kind: KindId): string {
  return kind.replace(/-/g, '_');
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` of `kind`. */
export function qualifiedTable(schema: string, kind: KindId): string {
  return `${quoteIdent(schema)}.${quoteIdent(pgTableName(kind))}`;
}

/**
 * Checks a schema name (`--schema`): letters, digits and `_`, not starting with a digit, at most 63 bytes
 * (what PostgreSQL keeps of an identifier), so it needs no quoting in the user's own queries.
 */
export function checkSchemaName(schema: string, argument = 'schema'): string {
  if (typeof schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ValidationError(argument, schema, 'a schema name of letters, digits and _ (e.g. market)');
  }
  return schema;
}

/** The columns of `kind`'s table, in table order. */
export function pgColumns(kind: KindId): readonly PgColumn[] {
  const def = KINDS[kind];
  const cols: PgColumn[] = [
    {
      name: 'exchange',
      sqlType: 'text',
      notNull: true,
      doc: 'Exchange id (binance, coinbase, ...)',
      source: 'exchange',
    },
    { name: 'symbol', sqlType: 'text', notNull: true, doc: 'Unified symbol, BASE/QUOTE', source: 'symbol' },
  ];
  if (def.span === 'required') {
    cols.push({
      name: 'span_s',
      sqlType: 'integer',
      notNull: true,
      doc: 'Bar or sampling period in seconds',
      source: 'span',
    });
  }
  def.columns.forEach((c, i) => {
    cols.push({
      name: snakeCase(c.name),
      sqlType: SQL_TYPES[c.type],
      notNull: c.optional !== true,
      doc: c.doc,
      source: i,
      type: c.type,
    });
  });
  return cols;
}

/** The primary key columns of `kind`'s table. */
export function pgKeyColumns(kind: KindId): readonly string[] {
  const def = KINDS[kind];
  return [
    'exchange',
    'symbol',
    ...(def.span === 'required' ? ['span_s'] : []),
    ...def.keyColumns.map(snakeCase),
  ];
}

/** The index used for time queries and resuming, when the primary key does not start with the time. */
function timeIndexColumns(kind: KindId): readonly string[] | undefined {
  const def = KINDS[kind];
  if (def.keyColumns[0] === 'tsNs') return undefined;
  return ['exchange', 'symbol', ...(def.span === 'required' ? ['span_s'] : []), 'ts_ns'];
}

/**
 * The statements that create `kind`'s table in `schema` when it is missing (`IF NOT EXISTS`): the schema,
 * the table with its primary key, the time index where needed, and a comment on every column.
 */
export function createTableStatements(schema: string, kind: KindId): string[] {
  const table = qualifiedTable(schema, kind);
  const name = pgTableName(kind);
  const cols = pgColumns(kind);
  const lines = cols.map((c) => `  ${quoteIdent(c.name)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`);
  lines.push(`  PRIMARY KEY (${pgKeyColumns(kind).map(quoteIdent).join(', ')})`);
  const out = [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${table} (\n${lines.join(',\n')}\n)`,
  ];
  const timeIndex = timeIndexColumns(kind);
  if (timeIndex) {
    out.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${name}_time_idx`)} ON ${table} (${timeIndex.map(quoteIdent).join(', ')})`,
    );
  }
  out.push(`COMMENT ON TABLE ${table} IS ${quoteLiteral(`tickwire ${kind}: ${KINDS[kind].title}`)}`);
  for (const c of cols)
    out.push(`COMMENT ON COLUMN ${table}.${quoteIdent(c.name)} IS ${quoteLiteral(c.doc)}`);
  return out;
}

/**
 * The DDL of `kind` as documented (docs/SINKS.md): the `CREATE TABLE` and index statements, each ending in
 * `;`, without the comments.
 */
export function tableDdl(schema: string, kind: KindId): string {
  return createTableStatements(schema, kind)
    .filter((s) => !s.startsWith('COMMENT ') && !s.startsWith('CREATE SCHEMA'))
    .map((s) => `${s};`)
    .join('\n');
}

/** A single-quoted SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
