/**
 * The PostgreSQL sink: one table per data kind, bulk loaded with `COPY` through a staging table,
 * idempotent (`ON CONFLICT DO NOTHING`), resumable from what the table holds.
 *
 * @module
 */
export {
  checkSchemaName,
  DEFAULT_PG_SCHEMA,
  type PgColumn,
  pgColumns,
  pgKeyColumns,
  pgTableName,
  tableDdl,
} from './ddl.js';
export {
  type CreatePostgresTablesOptions,
  createPostgresTables,
  PostgresSink,
  type PostgresSinkOptions,
} from './sink.js';
export { checkPostgresUrl, isPostgresUrl, redactPostgresUrl } from './url.js';
