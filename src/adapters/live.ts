/**
 * The records every exchange's WebSocket parser produces, in tickwire's units: trades with their
 * numeric sequence id (for gap detection), trade-id marks (Coinbase heartbeats), book snapshots and
 * updates. The per-exchange `ws-parse.ts` files convert to these at the edge, once.
 *
 * @module
 */
import type { Liquidation, MarkPrice, Trade } from '../core/records.js';
import type { BookChange } from './order-book.js';

/**
 * A live trade. `seq` is the trade id as a number where ids rise by one per trade (Binance, Coinbase,
 * Kraken); on Bybit, whose ids are opaque, it is the feed's own count of the trades it delivered.
 */
export type LiveTrade = {
  readonly kind: 'trade';
  /** The market as the feed names it (`BTCUSDT`, `BTC-USD`, `BTC/USD`). */
  readonly market: string;
  /** `trade.id` as a number, for gap detection (Bybit: the feed's count, which never jumps). */
  readonly seq: number;
  /**
   * The trade. When the feed was given the unified symbols (`symbols` of the trade parsers), it also
   * carries `symbol`: the stream then hands this object on as its `StreamTrade`, built once.
   */
  readonly trade: Trade & { readonly symbol?: string };
};

/**
 * The exchange says the newest trade id is `seq` (Coinbase `heartbeat.last_trade_id`): trades up to it
 * that have not arrived are missing.
 */
export type LiveTradeMark = {
  readonly kind: 'trade-mark';
  readonly market: string;
  readonly seq: number;
  /** The mark's time, epoch ns. */
  readonly tsNs: bigint;
};

/** A book message: a full snapshot (replace the book) or an update (apply in order). */
export type LiveBookMessage = {
  readonly kind: 'book-snapshot' | 'book-update';
  readonly market: string;
  /** Levels with absolute sizes, in the order sent (0 removes a level). */
  readonly changes: BookChange[];
  /** First update id covered (Binance `U`); absent on exchanges without ids. */
  readonly firstId?: number;
  /** Last update id covered (Binance `u`, or a snapshot's `lastUpdateId`; OKX `seqId`). */
  readonly lastId?: number;
  /**
   * The id of the update this one follows, as the exchange states it (Binance USDⓈ-M `pu`; OKX
   * `prevSeqId`, `-1` on a snapshot).
   */
  readonly prevId?: number;
  /** The exchange's CRC32 over the book after this message (Kraken; OKX when non-zero). */
  readonly checksum?: number;
  /** Event time, epoch ns, when the message carries one. */
  readonly tsNs?: bigint;
};

/** The exchange refused something (a subscription, a request): the stream cannot go on as asked. */
export type LiveError = {
  readonly kind: 'error';
  readonly message: string;
};

/** A mark-price update (Binance `markPriceUpdate`, OKX `mark-price`/`funding-rate`, Bybit `tickers`). */
export type LiveMark = {
  readonly kind: 'mark';
  readonly market: string;
  /**
   * The update. Exchanges that send partial updates (Bybit ticker deltas, OKX's separate mark and funding
   * channels) are merged by the parser or feed into a full state before it is yielded.
   */
  readonly mark: MarkPrice;
};

/** A liquidation from the public feed, `side` already the liquidated position's side. */
export type LiveLiquidation = {
  readonly kind: 'liquidation';
  readonly market: string;
  readonly liquidation: Liquidation;
};

/** Everything a live parser yields. */
export type LiveRecord = LiveTrade | LiveTradeMark | LiveBookMessage | LiveError | LiveMark | LiveLiquidation;
