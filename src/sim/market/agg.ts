/**
 * The aggregate of a stretch of trades (a minute, an hour, a bar): what candles are made of.
 * Prices are integer ticks, volumes integer lots; `quoteVolume` is an approximation (see below).
 *
 * @module
 */

/** Aggregate of the trades in one time bucket. `count === 0` means the bucket is empty. */
export type Agg = {
  /** Number of trades. */
  count: number;
  /** First trade's price, ticks. */
  open: number;
  /** Highest price, ticks. */
  high: number;
  /** Lowest price, ticks. */
  low: number;
  /** Last trade's price, ticks. */
  close: number;
  /** Sum of sizes, lots. */
  volume: number;
  /** Sum of sizes of trades whose taker bought, lots. */
  buyVolume: number;
  /** Number of trades whose taker bought. */
  buyCount: number;
  /**
   * Quote volume in ticks × lots, APPROXIMATED per minute as volume × (o + h + l + c) / 4 (summing the
   * exact price × size of every trade would need the trades, which candles must not generate). Serves
   * Binance's quote-volume fields and Kraken's VWAP; ground truth does not include it.
   */
  quoteVolume: number;
  /** Same approximation for the taker-buy part. */
  buyQuoteVolume: number;
};

/** A fresh empty aggregate. */
export function emptyAgg(): Agg {
  return {
    count: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    buyVolume: 0,
    buyCount: 0,
    quoteVolume: 0,
    buyQuoteVolume: 0,
  };
}

/** Appends `b` (later in time) into the accumulator `acc`, in place. */
export function mergeInto(acc: Agg, b: Agg): void {
  if (b.count === 0) return;
  if (acc.count === 0) {
    acc.open = b.open;
    acc.high = b.high;
    acc.low = b.low;
  } else {
    if (b.high > acc.high) acc.high = b.high;
    if (b.low < acc.low) acc.low = b.low;
  }
  acc.close = b.close;
  acc.count += b.count;
  acc.volume += b.volume;
  acc.buyVolume += b.buyVolume;
  acc.buyCount += b.buyCount;
  acc.quoteVolume += b.quoteVolume;
  acc.buyQuoteVolume += b.buyQuoteVolume;
}
