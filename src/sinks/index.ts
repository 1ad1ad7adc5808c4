/**
 * Sinks: CSV and JSONL writers with backpressure, and resuming into an existing file.
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
export { prepareResume, type ResumePoint } from './resume.js';
export { openFileWriter, RecordWriter, type RecordWriterOptions } from './writer.js';
