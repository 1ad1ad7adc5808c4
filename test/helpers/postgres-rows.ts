/**
 * Comparing a kind's PostgreSQL table with records, cell by cell as text: `bigint` as digits, `numeric` as
 * PostgreSQL prints it (which must be the shortest round-trip decimal of the JavaScript number, written out
 * without an exponent), `timestamptz` as epoch microseconds, `boolean` as `t`/`f`, nulls as `null`.
 */
import { type Column, KINDS, type KindId, type RecordOfKind } from '../../src/core/kinds.js';
import { pgColumns, pgTableName } from '../../src/sinks/postgres/ddl.js';
import type { PostgresTestServer } from './postgres-server.js';

/** One row as text cells in table column order (`exchange`, `symbol`, [`span_s`], the kind's columns). */
export type TextRow = (string | null)[];

/** `1e-7` → `0.0000001`, `1.5e+21` → `1500000000000000000000`; plain decimals unchanged. */
export function plainDecimal(text: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = `${lead}${frac}`;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits.padEnd(exp + 1, '0').slice(0, exp + 1)}${digits.length > exp + 1 ? `.${digits.slice(exp + 1)}` : ''}`;
}

/** What the table should hold for `records` of `kind` at one exchange, symbol (and span). */
export function expectedRows<K extends KindId>(
  kind: K,
  records: readonly RecordOfKind<K>[],
  scope: { exchange: string; symbol: string; spanS?: number },
): TextRow[] {
  const def = KINDS[kind];
  return sortRows(
    kind,
    records.map((r) => {
      const row: TextRow = [scope.exchange, scope.symbol];
      if (def.span === 'required') row.push(String(scope.spanS));
      for (const c of def.columns as readonly Column<RecordOfKind<K>>[]) {
        const v = c.get(r);
        if (v === undefined) row.push(null);
        else if (c.type === 'timestamp') row.push(((v as bigint) / 1000n).toString());
        else if (c.type === 'bool') row.push(v ? 't' : 'f');
        else if (c.type === 'double') row.push(plainDecimal(String(v)));
        else row.push(String(v));
      }
      return row;
    }),
  );
}

/** The rows of `kind`'s table (optionally of one exchange and symbol) as text cells, sorted like {@link expectedRows}. */
export async function tableRows(
  server: PostgresTestServer,
  kind: KindId,
  options: { database?: string; schema?: string; exchange?: string; symbol?: string } = {},
): Promise<TextRow[]> {
  const cols = pgColumns(kind).map((c) =>
    c.sqlType === 'timestamptz'
      ? `(extract(epoch from "${c.name}") * 1000000)::bigint::text`
      : c.sqlType === 'boolean'
        ? `CASE WHEN "${c.name}" IS NULL THEN NULL WHEN "${c.name}" THEN 't' ELSE 'f' END`
        : `"${c.name}"::text`,
  );
  const where: string[] = [];
  const values: unknown[] = [];
  if (options.exchange !== undefined) {
    values.push(options.exchange);
    where.push(`exchange = $${values.length}`);
  }
  if (options.symbol !== undefined) {
    values.push(options.symbol);
    where.push(`symbol = $${values.length}`);
  }
  const sql = `SELECT ${cols.map((c, i) => `${c} AS c${i}`).join(', ')} FROM "${options.schema ?? 'public'}"."${pgTableName(kind)}"${
    where.length ? ` WHERE ${where.join(' AND ')}` : ''
  }`;
  const rows = await server.query<Record<string, string | null>>(sql, values, options.database);
  return sortRows(
    kind,
    rows.map((r) => cols.map((_, i) => r[`c${i}`] ?? null)),
  );
}

/** Sorts by (exchange, symbol, span, ts_ns as a number, then every other cell). */
function sortRows(kind: KindId, rows: TextRow[]): TextRow[] {
  const tsAt = pgColumns(kind).findIndex((c) => c.name === 'ts_ns');
  const cmp = (a: TextRow, b: TextRow): number => {
    const ta = BigInt(a[tsAt] ?? '0');
    const tb = BigInt(b[tsAt] ?? '0');
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = a.join('\u0001');
    const kb = b.join('\u0001');
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  return rows.sort(cmp);
}
