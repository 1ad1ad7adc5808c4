/**
 * Creating every kind's table up front (a recorder or a dashboard that wants them before the first row).
 *
 * @module
 */
import { KINDS, type KindId, kindDef } from '../../core/kinds.js';
import { connectPostgres, sinkError } from './connection.js';
import { checkSchemaName, DEFAULT_PG_SCHEMA, pgTableName } from './ddl.js';
import { ensureTable } from './tables.js';
import { checkPostgresUrl } from './url.js';

/** Options of {@link createPostgresTables}. */
export type CreatePostgresTablesOptions = {
  /** The database URL. */
  url: string;
  /** @default 'public' */
  schema?: string;
  /** @default every kind (`KIND_IDS`), live-only kinds included */
  kinds?: readonly KindId[];
};

/**
 * Creates the tables of `kinds` (default: all, including the live-only `book`, `liquidations` and `mark`)
 * where missing, and checks the existing ones — for a recorder or a dashboard that wants them up front.
 *
 * @throws PostgresSinkError as `PostgresSink.open`
 */
export async function createPostgresTables(options: CreatePostgresTablesOptions): Promise<void> {
  checkPostgresUrl(options.url, 'options.url');
  const schema = checkSchemaName(options.schema ?? DEFAULT_PG_SCHEMA, 'options.schema');
  const kinds = options.kinds ?? (Object.keys(KINDS) as KindId[]);
  for (const k of kinds) kindDef(k, 'options.kinds');
  const conn = await connectPostgres(options.url, `${schema}.*`);
  try {
    for (const kind of kinds) {
      try {
        await ensureTable(conn.client, schema, kind);
      } catch (error) {
        throw sinkError(
          error,
          options.url,
          { target: conn.target, table: `${schema}.${pgTableName(kind)}` },
          'unusable table',
        );
      }
    }
  } finally {
    await conn.client.end().catch(() => {});
  }
}
