/**
 * The PostgreSQL sink: one table per data kind, bulk loaded with `COPY` (through a staging table and
 * `ON CONFLICT DO NOTHING` when a batch meets rows already present), idempotent, resumable from what the
 * table holds.
 *
 * @module
 */

export { type CreatePostgresTablesOptions, createPostgresTables } from './create-tables.js';
export {
  checkSchemaName,
  DEFAULT_PG_SCHEMA,
  type PgColumn,
  pgColumns,
  pgKeyColumns,
  pgTableName,
  tableDdl,
} from './ddl.js';
export type { PostgresSinkOptions } from './options.js';
export { PostgresSink, type PostgresSinkStats } from './sink.js';
export { checkPostgresUrl, isPostgresUrl, redactPostgresUrl } from './url.js';
