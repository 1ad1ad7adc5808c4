/**
 * Domain records and capabilities: what every adapter produces and every paginator carries.
 * Numbers are JS numbers parsed from the exchange's decimal strings; times are epoch ns (`bigint`).
 *
 * @module
 */

/** A candle of a price that has no volume (mark, index, premium index). `tsNs` is the bar's open time. */
export type PriceBar = {
  /** Bar open time, epoch ns. */
  tsNs: bigint;
  open: number;
  high: number;
  low: number;
  close: number;
};

/** One candle of traded prices. `tsNs` is the bar's open time. */
export type OHLCBar = PriceBar & {
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

/** What kind of instrument a market is. */
export type InstrumentType = 'spot' | 'perpetual' | 'future';

/**
 * One funding event of a perpetual swap: the rate applied at `tsNs` (the funding time), positive when
 * longs pay shorts.
 */
export type FundingRate = {
  /** Funding time, epoch ns. */
  tsNs: bigint;
  /** The funding rate as a fraction (0.0001 = 0.01 %) for the interval that ends at `tsNs`. */
  rate: number;
  /** The mark price at the funding time, when the exchange reports it. */
  markPrice?: number;
};

/** Open interest at one point in time: the contracts outstanding, in base units. */
export type OpenInterest = {
  /** Sample time, epoch ns (the end of the exchange's sampling period, as the exchange stamps it). */
  tsNs: bigint;
  /** Open interest in base-asset units (contracts converted at the adapter edge). */
  amount: number;
  /** Open interest valued in the quote asset, when the exchange reports it. */
  value?: number;
};

/** Side of a liquidated position: `'long'` positions are liquidated by a sell, `'short'` by a buy. */
export type LiquidationSide = 'long' | 'short';

/**
 * One forced liquidation as published on the exchange's public feed. `side` is the side of the
 * **liquidated position** (a long liquidated by a forced sell is `'long'`), whatever the exchange's own
 * convention (Binance and Bybit publish the order's side; OKX the position side).
 */
export type Liquidation = {
  /** Exchange time of the liquidation, epoch ns. */
  tsNs: bigint;
  /** The liquidated position's side. */
  side: LiquidationSide;
  /** Price of the liquidation order (its average fill price when the exchange gives it). */
  price: number;
  /** Size in base-asset units. */
  amount: number;
  /**
   * True when the exchange publishes only a sample (Binance: at most one per symbol per second; OKX the
   * same per contract), so the feed is not a complete record of liquidations.
   */
  sampled?: boolean;
  /** Local receive time, epoch ns (live feeds). */
  recvNs?: bigint;
};

/** A mark-price update: mark, index and funding as the exchange publishes them live. */
export type MarkPrice = {
  /** Exchange time of the update, epoch ns. */
  tsNs: bigint;
  /** Mark price. */
  markPrice: number;
  /** Index price, when the update carries it. */
  indexPrice?: number;
  /** The current (predicted) funding rate, when the update carries it. */
  fundingRate?: number;
  /** Next funding time, epoch ns, when the update carries it. */
  nextFundingNs?: bigint;
  /** Local receive time, epoch ns (live feeds). */
  recvNs?: bigint;
};
