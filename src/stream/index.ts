/**
 * Live streams: trades that lose nothing (gap repair over REST), order books kept verified by each
 * exchange's rules (Binance update ids and the USDⓈ-M `pu` chain, Kraken checksums, Coinbase
 * resubscription), and the derivatives feeds: mark prices and liquidations.
 *
 * Private: the per-exchange wiring, the REST backfill helper, option checks.
 *
 * @module
 */

export { type BookStreamOptions, streamBook } from './book.js';
export { type DerivativesStreamOptions, streamLiquidations, streamMark } from './derivatives.js';
export {
  type BookResyncEvent,
  type BookSnapshotEvent,
  type BookStreamItem,
  type BookUpdateEvent,
  type GapReason,
  type GapTrigger,
  isStreamEvent,
  type LiquidationStreamItem,
  type LiveGapEvent,
  type MarkStreamItem,
  type StreamEvent,
  type StreamLiquidation,
  type StreamMark,
  type StreamTrade,
  type TradeGapEvent,
  type TradeRepairEvent,
  type TradeStreamEvent,
  type TradeStreamItem,
} from './events.js';
export type { LiveOptions } from './options.js';
export { streamTrades, type TradeStreamOptions } from './trades.js';

import { streamBook } from './book.js';
import { streamLiquidations, streamMark } from './derivatives.js';
import { streamTrades } from './trades.js';

/**
 * The live streams as one namespace: `stream.trades(options)` ({@link streamTrades}),
 * `stream.book(options)` ({@link streamBook}), `stream.mark(options)` ({@link streamMark}) and
 * `stream.liquidations(options)` ({@link streamLiquidations}).
 */
export const stream = {
  trades: streamTrades,
  book: streamBook,
  mark: streamMark,
  liquidations: streamLiquidations,
} as const;
