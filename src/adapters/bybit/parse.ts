/**
 * Bybit v5 `result` payloads → tickwire records. Times are ms (as strings) on the wire, converted here
 * once; lists come newest first and are returned as they came (the callers reverse per window).
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { FundingRate, OHLCBar, OpenInterest, PriceBar, Trade } from '../../core/records.js';
import { msToNs } from '../../core/time.js';
import { array, decimal, integer, object, text } from '../values.js';

function rows(result: Record<string, unknown>, what: string): unknown[] {
  return array(result['list'], `${what}.list`);
}

/** `/v5/market/kline` rows `[startTime, open, high, low, close, volume, turnover]`, as sent (newest first). */
export function parseBybitKlines(result: Record<string, unknown>): OHLCBar[] {
  return rows(result, 'kline').map((raw, i) => {
    const r = array(raw, `kline.list[${i}]`);
    return {
      tsNs: msToNs(integer(r[0], `kline[${i}].startTime`)),
      open: decimal(r[1], `kline[${i}].open`),
      high: decimal(r[2], `kline[${i}].high`),
      low: decimal(r[3], `kline[${i}].low`),
      close: decimal(r[4], `kline[${i}].close`),
      volume: decimal(r[5], `kline[${i}].volume`),
    };
  });
}

/** Mark, index and premium-index kline rows `[startTime, open, high, low, close]` (newest first). */
export function parseBybitPriceKlines(result: Record<string, unknown>): PriceBar[] {
  return rows(result, 'price kline').map((raw, i) => {
    const r = array(raw, `kline.list[${i}]`);
    return {
      tsNs: msToNs(integer(r[0], `kline[${i}].startTime`)),
      open: decimal(r[1], `kline[${i}].open`),
      high: decimal(r[2], `kline[${i}].high`),
      low: decimal(r[3], `kline[${i}].low`),
      close: decimal(r[4], `kline[${i}].close`),
    };
  });
}

/** `/v5/market/recent-trade` rows (newest first); `side` is the taker's (`Buy`/`Sell`). */
export function parseBybitRecentTrades(result: Record<string, unknown>): Trade[] {
  return rows(result, 'recent-trade').map((raw, i) => {
    const r = object(raw, `recent-trade.list[${i}]`);
    return {
      id: text(r['execId'], `recent-trade[${i}].execId`),
      tsNs: msToNs(integer(r['time'], `recent-trade[${i}].time`)),
      price: decimal(r['price'], `recent-trade[${i}].price`),
      amount: decimal(r['size'], `recent-trade[${i}].size`),
      side: takerSide(r['side'], `recent-trade[${i}].side`),
    };
  });
}

/** Bybit's `Buy`/`Sell` → tickwire's taker side. */
export function takerSide(value: unknown, field: string): 'buy' | 'sell' {
  if (value === 'Buy') return 'buy';
  if (value === 'Sell') return 'sell';
  throw new ProtocolError(`Expected "Buy" or "Sell" in ${field}`, JSON.stringify(value) ?? '');
}

/** `/v5/market/funding/history` rows (newest first). Bybit reports no mark price here. */
export function parseBybitFunding(result: Record<string, unknown>): FundingRate[] {
  return rows(result, 'funding').map((raw, i) => {
    const r = object(raw, `funding.list[${i}]`);
    return {
      tsNs: msToNs(integer(r['fundingRateTimestamp'], `funding[${i}].fundingRateTimestamp`)),
      rate: decimal(r['fundingRate'], `funding[${i}].fundingRate`),
    };
  });
}

/**
 * `/v5/market/open-interest` rows (newest first) and the next page's cursor (`undefined` when none).
 * `openInterest` is in the base coin on linear contracts; Bybit reports no value in the quote.
 */
export function parseBybitOpenInterest(result: Record<string, unknown>): {
  rows: OpenInterest[];
  cursor: string | undefined;
} {
  const list = rows(result, 'open-interest').map((raw, i) => {
    const r = object(raw, `open-interest.list[${i}]`);
    return {
      tsNs: msToNs(integer(r['timestamp'], `open-interest[${i}].timestamp`)),
      amount: decimal(r['openInterest'], `open-interest[${i}].openInterest`),
    };
  });
  const c = result['nextPageCursor'];
  return { rows: list, cursor: typeof c === 'string' && c !== '' ? c : undefined };
}

/** `/v5/market/time` → epoch ns (`timeNano`, else `timeSecond`). */
export function parseBybitTime(result: Record<string, unknown>): bigint {
  const nano = result['timeNano'];
  if (typeof nano === 'string' && /^\d{1,20}$/.test(nano)) return BigInt(nano);
  return BigInt(integer(result['timeSecond'], 'time.timeSecond')) * 1_000_000_000n;
}
