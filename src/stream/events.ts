/**
 * What live streams yield besides data: gaps that could not be repaired, repairs that were made, book
 * resyncs, and the WebSocket base's connection events (connected, disconnected, reconnected,
 * parse-error), all told apart from data by {@link isStreamEvent} and from each other by `kind`.
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import type { ResyncReason } from '../adapters/book-sync.js';
import type { BookChange, BookView } from '../adapters/order-book.js';
import type { Liquidation, MarkPrice, Trade } from '../core/records.js';
import type { FeedEvent } from '../transport/websocket/index.js';

/** A live trade with the market it belongs to (the unified `BASE/QUOTE` symbol). */
export type StreamTrade = Trade & {
  /** Unified symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
};

/** Why missing trades were not (all) refilled. */
export type GapReason =
  /** REST answered, but these ids were not in it (not published yet, or ids are not contiguous here). */
  | 'not-found'
  /** The REST backfill failed; `error` says why. */
  | 'repair-failed'
  /** More trades were missing than `maxRepairTrades` allows fetching. */
  | 'too-large'
  /** `repair: false`: gaps are reported, never refilled. */
  | 'repair-disabled';

/** What revealed missing trades. */
export type GapTrigger =
  /** A trade id jumped on a live connection (a message was lost). */
  | 'id-jump'
  /** The first trade after a reconnect did not follow the last one before it. */
  | 'reconnect'
  /** A heartbeat said newer trades exist than the ones received (Coinbase `last_trade_id`). */
  | 'heartbeat';

/**
 * Trades with ids `fromId..toId` (inclusive) are missing from the stream and could not be refilled. They
 * happened between `sinceNs` (the last trade delivered before them) and `untilNs` (the first after them).
 */
export type TradeGapEvent = {
  readonly kind: 'gap';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  /** First missing trade id (inclusive). */
  readonly fromId: string;
  /** Last missing trade id (inclusive). */
  readonly toId: string;
  /** Number of missing ids. */
  readonly count: number;
  /** Time of the last trade delivered before the gap, epoch ns. */
  readonly sinceNs: bigint;
  /** Time of the first trade (or heartbeat) after the gap, epoch ns. */
  readonly untilNs: bigint;
  readonly reason: GapReason;
  readonly trigger: GapTrigger;
  /** The failure, for `repair-failed`. */
  readonly error?: Error;
};

/**
 * Missing trades `fromId..toId` were fetched over REST; they follow this event, in order (with `gap`
 * events where some ids could not be found), before live trades resume.
 */
export type TradeRepairEvent = {
  readonly kind: 'repaired';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly fromId: string;
  readonly toId: string;
  /** Trades refilled (the range minus any gap events). */
  readonly count: number;
  readonly trigger: GapTrigger;
  /** Time the REST backfill took, ms. */
  readonly elapsedMs: number;
};

/** Everything `stream.trades` yields besides trades. */
export type TradeStreamEvent = TradeGapEvent | TradeRepairEvent | FeedEvent;

/** What `stream.trades` yields. */
export type TradeStreamItem = StreamTrade | TradeStreamEvent;

/** The book was (re)built from a snapshot. `book` is the live local book (read it now or copy it). */
export type BookSnapshotEvent = {
  readonly kind: 'snapshot';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly book: BookView;
  /** The snapshot's time, epoch ns: the exchange's when it sends one (Coinbase), else when it was received. */
  readonly tsNs: bigint;
  /** Binance: the book's update id (the snapshot's `lastUpdateId`, or the last buffered `u` applied over it). Absent elsewhere. */
  readonly updateId?: number;
};

/** `changes` (absolute sizes, 0 removes) were applied, in order; `book` shows the result. */
export type BookUpdateEvent = {
  readonly kind: 'update';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly changes: readonly BookChange[];
  readonly book: BookView;
  /** Exchange event time when sent, else receive time, epoch ns. */
  readonly tsNs: bigint;
  /** Binance: the book's update id after this event (its `u`). Absent elsewhere. */
  readonly updateId?: number;
};

/** The local book was found out of sync and cleared; a `snapshot` event follows once it is rebuilt. */
export type BookResyncEvent = {
  readonly kind: 'resync';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly reason: ResyncReason;
  /** What exactly broke (ids, checksums). */
  readonly detail: string;
  /** When it was noticed, epoch ns. */
  readonly atNs: bigint;
};

/** Everything `stream.book` yields. */
export type BookStreamItem = BookSnapshotEvent | BookUpdateEvent | BookResyncEvent | FeedEvent;

/** A live mark-price update with its market (unified symbol) and local receive time. */
export type StreamMark = MarkPrice & {
  /** Unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** Local receive time, epoch ns. */
  readonly recvNs: bigint;
};

/**
 * A live liquidation with its market and local receive time. `side` is the liquidated position's side;
 * `sampled: true` when the exchange publishes only a sample (Binance: at most one per symbol per second).
 */
export type StreamLiquidation = Liquidation & {
  /** Unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** Local receive time, epoch ns. */
  readonly recvNs: bigint;
};

/**
 * Updates of `symbol` between `sinceNs` and `untilNs` were not received (the connection was lost) and
 * cannot be refilled: mark prices and liquidations have no REST history.
 */
export type LiveGapEvent = {
  readonly kind: 'gap';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  /** The last record delivered before the gap (or the disconnect, if later), epoch ns. */
  readonly sinceNs: bigint;
  /** When the connection was back, epoch ns. */
  readonly untilNs: bigint;
  readonly reason: 'reconnect';
  /** What happened, for logs. */
  readonly detail: string;
};

/** What `stream.mark` yields. */
export type MarkStreamItem = StreamMark | LiveGapEvent | FeedEvent;

/** What `stream.liquidations` yields. */
export type LiquidationStreamItem = StreamLiquidation | LiveGapEvent | FeedEvent;

/** Events of any stream (everything that is not a trade, a mark update or a liquidation). */
export type StreamEvent = TradeStreamEvent | BookResyncEvent | LiveGapEvent;

/**
 * True for anything a stream yields that is not data: gap, repair, resync and connection events.
 * (Every event has a string `kind`; trades, mark updates and liquidations have none.) Book snapshots and updates are data, not events,
 * and are not matched either.
 */
export function isStreamEvent(
  item: TradeStreamItem | BookStreamItem | MarkStreamItem | LiquidationStreamItem,
): item is StreamEvent {
  const kind = (item as { kind?: unknown }).kind;
  return typeof kind === 'string' && kind !== 'snapshot' && kind !== 'update';
}
