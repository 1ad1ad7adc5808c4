/**
 * Sinks: CSV and JSONL writers with backpressure, resuming into an existing file, the PostgreSQL sink, and
 * the {@link RecordSink} contract they share.
 *
 * @module
 */
export {
  CSV_COLUMNS,
  csvHeader,
  csvLine,
  jsonLine,
  type LineKey,
  parseLineKey,
  type RecordKind,
  type RecordOf,
  SINK_FORMATS,
  type SinkFormat,
} from './format.js';
export { type OpenedSink, type OpenSinkOptions, openSink } from './open.js';
export {
  type CreatePostgresTablesOptions,
  checkPostgresUrl,
  checkSchemaName,
  createPostgresTables,
  DEFAULT_PG_SCHEMA,
  type PgColumn,
  PostgresSink,
  type PostgresSinkOptions,
  pgColumns,
  pgKeyColumns,
  pgTableName,
  redactPostgresUrl,
  tableDdl,
} from './postgres/index.js';
export { prepareResume, type ResumePoint } from './resume.js';
export type { RecordSink } from './sink.js';
export { openFileWriter, RecordWriter, type RecordWriterOptions } from './writer.js';
