/**
 * Creating a kind's table when it is missing, checking an existing one, and reading where a table's data
 * for one exchange, symbol (and span) ends — the resume point of a download into the database.
 *
 * @module
 */
import type pg from 'pg';
import { KINDS, type KindId } from '../../core/kinds.js';
import type { ResumePoint } from '../resume.js';
import { createTableStatements, pgColumns, pgKeyColumns, pgTableName, qualifiedTable } from './ddl.js';

/** What `information_schema.columns.data_type` says for each SQL type the DDL uses. */
const DATA_TYPES: Readonly<Record<string, string>> = {
  bigint: 'bigint',
  integer: 'integer',
  timestamptz: 'timestamp with time zone',
  numeric: 'numeric',
  text: 'text',
  boolean: 'boolean',
};

/** Why an existing table cannot take this kind's rows; thrown by {@link ensureTable}. */
export class TableMismatch extends Error {}

/**
 * Makes sure `schema.<kind table>` exists with the columns and primary key of `kind`. A missing table is
 * created (with the schema) under a transaction-scoped advisory lock, so concurrent sinks do not race; an
 * existing one is only read, so a role with `INSERT` and `SELECT` rights alone is enough once it exists.
 *
 * @throws TableMismatch when the table exists but lacks a column, has one of another type, or has no
 *   unique key on the kind's key columns
 */
export async function ensureTable(client: pg.Client, schema: string, kind: KindId): Promise<void> {
  const name = pgTableName(kind);
  if (!(await tableExists(client, schema, name))) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tickwire:${schema}.${name}`]);
      if (!(await tableExists(client, schema, name))) {
        for (const sql of createTableStatements(schema, kind)) await client.query(sql);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  await checkTable(client, schema, kind);
}

async function tableExists(client: pg.Client, schema: string, name: string): Promise<boolean> {
  const res = await client.query<{ ok: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2) AS ok',
    [schema, name],
  );
  return res.rows[0]?.ok === true;
}

async function checkTable(client: pg.Client, schema: string, kind: KindId): Promise<void> {
  const name = pgTableName(kind);
  const res = await client.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, name],
  );
  const have = new Map(res.rows.map((r) => [r.column_name, r.data_type]));
  const problems: string[] = [];
  for (const c of pgColumns(kind)) {
    const got = have.get(c.name);
    const want = DATA_TYPES[c.sqlType] ?? c.sqlType;
    if (got === undefined) problems.push(`no column ${c.name}`);
    else if (got !== want) problems.push(`column ${c.name} is ${got}, not ${want}`);
  }
  const keys = await client.query<{ cols: string[] }>(
    `SELECT array_agg(a.attname::text ORDER BY k.ord) AS cols
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisunique
      GROUP BY i.indexrelid`,
    [qualifiedTable(schema, kind)],
  );
  // The kind's key, or the key plus `ts_ns` (a TimescaleDB hypertable needs its time column in every
  // unique index): either identifies a record, so `ON CONFLICT DO NOTHING` skips what is already there.
  const want = [...pgKeyColumns(kind)].sort().join(',');
  const withTime = [...new Set([...pgKeyColumns(kind), 'ts_ns'])].sort().join(',');
  if (!keys.rows.some((r) => [want, withTime].includes([...r.cols].sort().join(',')))) {
    problems.push(`no primary key or unique index on (${pgKeyColumns(kind).join(', ')})`);
  }
  if (problems.length > 0) {
    throw new TableMismatch(
      `table ${schema}.${name} exists but does not fit ${kind} rows: ${problems.join('; ')} (see docs/SINKS.md for the DDL, or use another --schema)`,
    );
  }
}

/** Which rows a resume point is read from. */
export type ResumeScope = {
  exchange: string;
  symbol: string;
  /** Span in seconds (spanned kinds). */
  spanS?: number;
  /** Only rows in `[startNs, endNs)` count (rows outside the requested range do not stop a download). */
  range?: { startNs: bigint; endNs: bigint };
};

/**
 * Where the table's rows of one exchange and symbol (and span) end within the range: the latest `ts_ns`
 * and, for kinds keyed by an `id` (trades), the ids stored at that time. `undefined` when there is none.
 */
export async function readResumePoint(
  client: pg.Client,
  schema: string,
  kind: KindId,
  scope: ResumeScope,
): Promise<ResumePoint | undefined> {
  const table = qualifiedTable(schema, kind);
  const where = ['exchange = $1', 'symbol = $2'];
  const values: unknown[] = [scope.exchange, scope.symbol];
  if (KINDS[kind].span === 'required') {
    values.push(scope.spanS ?? 0);
    where.push(`span_s = $${values.length}`);
  }
  if (scope.range) {
    values.push(scope.range.startNs.toString(), scope.range.endNs.toString());
    where.push(`ts_ns >= $${values.length - 1}`, `ts_ns < $${values.length}`);
  }
  const res = await client.query<{ last: string | null }>(
    `SELECT max(ts_ns)::text AS last FROM ${table} WHERE ${where.join(' AND ')}`,
    values,
  );
  const last = res.rows[0]?.last;
  if (last === null || last === undefined) return undefined;
  const lastTsNs = BigInt(last);
  const ids = new Set<string>();
  if ((KINDS[kind].keyColumns as readonly string[]).includes('id')) {
    const n = scope.range ? values.length - 2 : values.length;
    const idRes = await client.query<{ id: string }>(
      `SELECT id FROM ${table} WHERE ${where.slice(0, n).join(' AND ')} AND ts_ns = $${n + 1}`,
      [...values.slice(0, n), last],
    );
    for (const r of idRes.rows) ids.add(r.id);
  }
  return { lastTsNs, idsAtLastTs: ids, truncatedBytes: 0 };
}
