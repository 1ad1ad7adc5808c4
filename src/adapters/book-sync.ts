/**
 * The contract of a per-exchange book synchroniser: a pure state machine (no I/O, no timers) that
 * takes the exchange's book messages in order and says what happened. The feed around it does the I/O
 * the outcome asks for (fetch a REST snapshot, resubscribe) and reports resyncs to the consumer.
 *
 * @module
 */
import type { LiveBookMessage } from './live.js';
import type { BookChange, OrderBook } from './order-book.js';

/** Why a local book was thrown away and rebuilt. */
export type ResyncReason =
  /**
   * Binance: an update's first id `U` skipped past the book's id + 1 (messages were missed); on USDⓈ-M
   * futures, an update's `pu` is not the previous update's `u`, or the first update after the snapshot
   * does not reach back to its `lastUpdateId`.
   */
  | 'sequence-gap'
  /** Kraken: the CRC32 over the top 10 levels after an update differs from the exchange's. */
  | 'checksum-mismatch'
  /** The connection was lost and reopened: whatever changed meanwhile is unknown. */
  | 'reconnect'
  /** The exchange sent a fresh snapshot unasked (e.g. after a resubscribe by the server). */
  | 'snapshot'
  /**
   * Binance: the price moved so far that the levels shown now reach past the deepest level of the REST
   * snapshot; levels there that have not changed since are unknown, so a deeper view is fetched.
   */
  | 'depth-exhausted';

/** What one message did to the book. */
export type SyncOutcome =
  /** Nothing visible: buffered while waiting for a snapshot, stale, or for another market. */
  | { readonly type: 'none' }
  /** The book was (re)built from a snapshot and is in sync now. */
  | { readonly type: 'snapshot' }
  /** These changes were applied, in order. */
  | { readonly type: 'update'; readonly changes: readonly BookChange[] }
  /** The book is out of sync and was cleared; the feed must resync (see `needsSnapshot`). */
  | { readonly type: 'resync'; readonly reason: ResyncReason; readonly detail: string };

/** A per-exchange book synchroniser. */
export interface BookSync {
  /** The local book (mutated in place). */
  readonly book: OrderBook;
  /** True while the book is in sync (a snapshot was loaded and nothing broke since). */
  readonly synced: boolean;
  /** Feeds one book message from the WebSocket. */
  onMessage(message: LiveBookMessage): SyncOutcome;
  /** Forgets the book (after a reconnect): it waits for a new snapshot. */
  reset(): void;
}
