/**
 * Sinks: CSV, JSONL and Parquet writers with backpressure, resuming into an existing CSV/JSONL file, the
 * PostgreSQL sink, and the {@link RecordSink} contract they share.
 *
 * @module
 */
export {
  CSV_COLUMNS,
  csvHeader,
  csvLine,
  jsonLine,
  type LineKey,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseLineKey,
  type RecordKind,
  type RecordOf,
  SINK_FORMATS,
  type SinkFormat,
} from './format.js';
export { type OpenedSink, type OpenSinkOptions, openSink } from './open.js';
export {
  type ByteSink,
  DEFAULT_ROW_GROUP_ROWS,
  fileByteSink,
  openParquetFile,
  type ParquetFileSummary,
  ParquetRecordWriter,
  type ParquetWriterOptions,
  streamByteSink,
} from './parquet.js';
export {
  compressorsFor,
  DEFAULT_PARQUET_CODEC,
  PARQUET_CODECS,
  type ParquetCodec,
} from './parquet-codec.js';
export { openParquet, type ParquetFile, readParquetRecords } from './parquet-read.js';
export { parquetSchemaOf, schemaElementOf } from './parquet-schema.js';
export {
  type CreatePostgresTablesOptions,
  checkPostgresUrl,
  checkSchemaName,
  createPostgresTables,
  DEFAULT_PG_SCHEMA,
  type PgColumn,
  PostgresSink,
  type PostgresSinkOptions,
  type PostgresSinkStats,
  pgColumns,
  pgKeyColumns,
  pgTableName,
  redactPostgresUrl,
  tableDdl,
} from './postgres/index.js';
export { prepareResume, type ResumePoint } from './resume.js';
export type { RecordSink } from './sink.js';
export { openFileWriter, RecordWriter, type RecordWriterOptions } from './writer.js';
