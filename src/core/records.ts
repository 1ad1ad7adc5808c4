/**
 * Domain records and capabilities: what every adapter produces and every paginator carries.
 * Numbers are JS numbers parsed from the exchange's decimal strings; times are epoch ns (`bigint`).
 *
 * @module
 */

/** One candle. `tsNs` is the bar's open time. */
export type OHLCBar = {
  /** Bar open time, epoch ns. */
  tsNs: bigint;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-asset volume. */
  volume: number;
};

/** The taker's side of a trade; `'unknown'` when the exchange does not say. */
export type TradeSide = 'buy' | 'sell' | 'unknown';

/** One public trade. `side` is always the taker's side, whatever the exchange's convention. */
export type Trade = {
  /** The exchange's trade id, as a string (unique per symbol). */
  id: string;
  /** Trade time, epoch ns. */
  tsNs: bigint;
  price: number;
  /** Base-asset amount. */
  amount: number;
  side: TradeSide;
};

/** Which way a source pages. */
export type PageDirection = 'forward' | 'backward';

/**
 * What a source can do for one kind of data, declared per adapter and per kind (candles, trades).
 * Paginators size their windows and pages from it.
 */
export type Capability = {
  /** Most items one request returns. */
  maxPerRequest: number;
  /** Whether pages run from old to new (`'forward'`) or new to old (`'backward'`). */
  pageDirection: PageDirection;
  /** Candle spans offered, in seconds (candles only). */
  spans?: readonly number[];
  /**
   * Rate-limit cost of one page request (e.g. Binance request weight), for the limiter.
   * @default 1
   */
  cost?: number;
  /**
   * Page requests a download keeps in flight by default: what the exchange's limit affords (the limiter
   * still decides when each goes). Unset: the download's own default.
   * @default undefined
   */
  inFlight?: number;
};
