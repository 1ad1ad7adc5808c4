/**
 * Sinks: CSV, JSONL and Parquet writers with backpressure, and resuming into an existing CSV/JSONL file.
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
export { prepareResume, type ResumePoint } from './resume.js';
export { openFileWriter, RecordWriter, type RecordWriterOptions } from './writer.js';
