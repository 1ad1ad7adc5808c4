/**
 * Coinbase Exchange payloads → tickwire records. Candle times arrive in seconds, trade times as ISO
 * strings; candle rows are `[t, LOW, HIGH, open, close, volume]` newest first; a trade's `side` is the
 * MAKER's side. This is the only place Coinbase units are converted.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import { parseIsoNs, secondsToNs } from '../../core/time.js';
import { array, decimal, integer, object, text } from '../values.js';

/**
 * Parses `GET /products/{id}/candles`. Rows come newest first and may start before the window, so the
 * result is sorted ascending and filtered to open times in `[startNs, endNs]`. A bar whose end is after
 * `nowNs` is still forming and is dropped.
 */
export function parseCoinbaseCandles(
  body: unknown,
  spanS: number,
  window?: { startNs: bigint; endNs: bigint },
  nowNs?: bigint,
): OHLCBar[] {
  const spanNs = BigInt(spanS) * 1_000_000_000n;
  const bars: OHLCBar[] = [];
  for (const [i, raw] of array(body, 'candles').entries()) {
    const row = array(raw, `candles[${i}]`);
    const tsNs = secondsToNs(integer(row[0], `candles[${i}][0]`));
    if (window && (tsNs < window.startNs || tsNs > window.endNs)) continue;
    if (nowNs !== undefined && tsNs + spanNs > nowNs) continue;
    const low = decimal(row[1], `candles[${i}][1]`);
    const high = decimal(row[2], `candles[${i}][2]`);
    bars.push({
      tsNs,
      open: decimal(row[3], `candles[${i}][3]`),
      high,
      low,
      close: decimal(row[4], `candles[${i}][4]`),
      volume: decimal(row[5], `candles[${i}][5]`),
    });
  }
  bars.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  return bars;
}

/** A parsed Coinbase trade with its numeric id (the cursor). */
export type CoinbaseTrade = Trade & { tradeId: number };

/**
 * Parses `GET /products/{id}/trades` rows, in the order received (newest first). `trade_id` may be a
 * number or a digit string. `side: "sell"` (a resting sell was hit) means the taker bought.
 */
export function parseCoinbaseTrades(body: unknown): CoinbaseTrade[] {
  return array(body, 'trades').map((raw, i) => {
    const row = object(raw, `trades[${i}]`);
    const tradeId = integer(row['trade_id'], `trades[${i}].trade_id`);
    const makerSide = row['side'];
    if (makerSide !== 'buy' && makerSide !== 'sell') {
      throw new ProtocolError(
        `Expected "buy" or "sell" in trades[${i}].side`,
        JSON.stringify(makerSide) ?? '',
      );
    }
    return {
      id: String(tradeId),
      tradeId,
      tsNs: parseIsoNs(text(row['time'], `trades[${i}].time`), `trades[${i}].time`),
      price: decimal(row['price'], `trades[${i}].price`),
      amount: decimal(row['size'], `trades[${i}].size`),
      side: makerSide === 'sell' ? 'buy' : 'sell',
    };
  });
}

/** Parses `GET /time` (`{"iso": ..., "epoch": 1589270451.504}`) into epoch ns. */
export function parseCoinbaseTime(body: unknown): bigint {
  const o = object(body, 'time');
  if (typeof o['iso'] === 'string') return parseIsoNs(o['iso'], 'time.iso');
  return secondsToNs(decimal(o['epoch'], 'time.epoch'));
}
