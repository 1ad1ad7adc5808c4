/**
 * Public exports of `src/record`: the live recorder (`record`), its options, handle, events, metrics,
 * configuration parsing, and the kind table.
 *
 * Private: journals, segments, series writers, per-kind tasks, the restart loop.
 *
 * @module
 */
export {
  checkConfig,
  loadConfig,
  parseConfigText,
  parseRotate,
  type RecordConfig,
  type RecordStreamConfig,
} from './config.js';
export type { ExchangeConnection } from './context.js';
export type { RecordSinkOptions } from './db-mirror.js';
export { type EventSeries, type RecorderEventMap, RecorderEvents } from './events.js';
export type { HealthReport } from './health.js';
export type { JournalOptions } from './journal.js';
export {
  KIND_RECORDERS,
  type KindRecorder,
  RECORDER_KINDS,
  type RecorderKind,
  type TaskSettings,
} from './live-kinds.js';
export { RecorderMetrics, type SeriesLabels } from './metrics.js';
export { type RecorderHandle, type RecorderStats, type RecordOptions, record } from './recorder.js';
export type { SegmentCommit } from './segment.js';
export type { OpsServer } from './server.js';
