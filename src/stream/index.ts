/**
 * Live streams: trades that lose nothing (gap repair over REST) and order books kept verified by each
 * exchange's rules (Binance update ids, Kraken checksums, Coinbase resubscription).
 *
 * Private: the per-exchange wiring, the REST backfill helper, option checks, and the resync backoff
 * (`resync-backoff.ts`, which every venue's book driver uses; only its options type is public).
 *
 * @module
 */

export { type BookStreamOptions, streamBook } from './book.js';
export {
  type BookResyncEvent,
  type BookSnapshotEvent,
  type BookStreamItem,
  type BookUpdateEvent,
  type GapReason,
  type GapTrigger,
  isStreamEvent,
  type StreamEvent,
  type StreamTrade,
  type TradeGapEvent,
  type TradeRepairEvent,
  type TradeStreamEvent,
  type TradeStreamItem,
} from './events.js';
export type { LiveOptions } from './options.js';
export type { ResyncOptions } from './resync-backoff.js';
export { streamTrades, type TradeStreamOptions } from './trades.js';

import { streamBook } from './book.js';
import { streamTrades } from './trades.js';

/**
 * The live streams as one namespace: `stream.trades(options)` ({@link streamTrades}) and
 * `stream.book(options)` ({@link streamBook}).
 */
export const stream = { trades: streamTrades, book: streamBook } as const;
