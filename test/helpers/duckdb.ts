/**
 * DuckDB (`@duckdb/node-api`, a dev dependency) as an independent reader of tickwire's Parquet files.
 */
import { DuckDBInstance } from '@duckdb/node-api';

/** Runs `sql` in a fresh in-memory DuckDB and returns the rows as objects (BIGINT as bigint). */
export async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Quotes a path for a SQL string literal. */
export function sqlPath(path: string): string {
  return `'${path.replace(/'/g, "''")}'`;
}
