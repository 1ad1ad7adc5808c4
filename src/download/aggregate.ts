/**
 * Bars built from trades: the same OHLCV an exchange computes, for ranges its candle endpoint cannot
 * serve (Kraken beyond its newest 720 bars) and to check downloaded bars against downloaded trades.
 *
 * @module
 */
import type { OHLCBar, Trade } from '../core/records.js';
import { alignDown } from '../core/time.js';

/**
 * Folds ascending trades into bars of `span` seconds: open = first price, close = last, high/low the
 * extremes, volume the sum of amounts in trade order. Buckets without trades yield no bar (as every
 * supported exchange omits them). Streams: one bar is held at a time.
 */
export async function* barsFromTrades(
  trades: AsyncIterable<Trade> | Iterable<Trade>,
  span: number,
): AsyncGenerator<OHLCBar, void, undefined> {
  let bar: OHLCBar | undefined;
  for await (const t of trades) {
    const open = alignDown(t.tsNs, span);
    if (bar && bar.tsNs === open) {
      if (t.price > bar.high) bar.high = t.price;
      if (t.price < bar.low) bar.low = t.price;
      bar.close = t.price;
      bar.volume += t.amount;
      continue;
    }
    if (bar) yield bar;
    bar = { tsNs: open, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount };
  }
  if (bar) yield bar;
}
