/**
 * Binance payloads → tickwire records. Times arrive in ms and leave as ns; `m` (buyer was maker) becomes
 * the taker's side. This is the only place Binance units are converted.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import { msToNs } from '../../core/time.js';
import { array, decimal, integer, object } from '../values.js';

/**
 * Parses `GET /api/v3/klines` rows (`[openMs, o, h, l, c, v, closeMs, ...]`). A bar whose close time is
 * at or after `nowNs` is still forming and is dropped.
 */
export function parseBinanceKlines(body: unknown, nowNs?: bigint): OHLCBar[] {
  const bars: OHLCBar[] = [];
  for (const [i, raw] of array(body, 'klines').entries()) {
    const row = array(raw, `klines[${i}]`);
    const closeNs = msToNs(integer(row[6], `klines[${i}][6]`));
    if (nowNs !== undefined && closeNs >= nowNs) continue;
    bars.push({
      tsNs: msToNs(integer(row[0], `klines[${i}][0]`)),
      open: decimal(row[1], `klines[${i}][1]`),
      high: decimal(row[2], `klines[${i}][2]`),
      low: decimal(row[3], `klines[${i}][3]`),
      close: decimal(row[4], `klines[${i}][4]`),
      volume: decimal(row[5], `klines[${i}][5]`),
    });
  }
  return bars;
}

/** A parsed aggTrade with its numeric id (the `fromId` cursor). */
export type BinanceAggTrade = Trade & { aggId: number };

/** Parses `GET /api/v3/aggTrades` rows. `m: true` means the buyer was the maker, so the taker sold. */
export function parseBinanceAggTrades(body: unknown): BinanceAggTrade[] {
  return array(body, 'aggTrades').map((raw, i) => {
    const row = object(raw, `aggTrades[${i}]`);
    const aggId = integer(row['a'], `aggTrades[${i}].a`);
    if (typeof row['m'] !== 'boolean')
      throw new ProtocolError(`Expected a boolean in aggTrades[${i}].m`, JSON.stringify(row['m']) ?? '');
    return {
      id: String(aggId),
      aggId,
      tsNs: msToNs(integer(row['T'], `aggTrades[${i}].T`)),
      price: decimal(row['p'], `aggTrades[${i}].p`),
      amount: decimal(row['q'], `aggTrades[${i}].q`),
      side: row['m'] ? 'sell' : 'buy',
    };
  });
}

/** Parses `GET /api/v3/time` (`{"serverTime": ms}`) into epoch ns. */
export function parseBinanceTime(body: unknown): bigint {
  return msToNs(integer(object(body, 'time')['serverTime'], 'time.serverTime'));
}

/** The trades of `rows` with time in `[startNs, endNs]`, without the numeric `aggId`. */
export function aggTradesInWindow(rows: readonly BinanceAggTrade[], startNs: bigint, endNs: bigint): Trade[] {
  const trades: Trade[] = [];
  for (const r of rows) {
    if (r.tsNs >= startNs && r.tsNs <= endNs) {
      trades.push({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side });
    }
  }
  return trades;
}
