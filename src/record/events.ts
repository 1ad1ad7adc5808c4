/**
 * The recorder's events, typed: `commit` (a file went into the archive), `gap` (a missing range was
 * recorded), `repaired` (refilled over REST), `resync` (a book was rebuilt), `reconnect`, `silent` (a stream
 * delivered nothing for longer than its limit and is being restarted), `error`.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { NsRange } from '../core/errors.js';
import type { SegmentCommit } from './segment.js';

/** Which series an event is about. */
export type EventSeries = { exchange: string; kind: string; symbol: string };

/** Every event and its payload. */
export type RecorderEventMap = {
  /** A file was committed into the archive. */
  commit: [SegmentCommit];
  /** A missing range was recorded as a gap. */
  gap: [EventSeries & { range: NsRange; reason: string }];
  /** Missing records were refilled over REST. */
  repaired: [EventSeries & { count: number; from: string; to: string; trigger: string }];
  /** A book was found out of sync and rebuilt. */
  resync: [EventSeries & { reason: string; detail: string }];
  /** A connection was re-established (`cause`: `reconnect` of the WebSocket, `silent`, `error`). */
  reconnect: [EventSeries & { cause: string; detail: string }];
  /** A stream was silent for longer than its limit. */
  silent: [EventSeries & { silentForMs: number }];
  /** Something failed; `fatal` stops the recorder. */
  error: [EventSeries & { error: unknown; fatal: boolean }];
};

/** A typed emitter of {@link RecorderEventMap}. */
export class RecorderEvents extends EventEmitter<RecorderEventMap> {}
