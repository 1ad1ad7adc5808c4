/**
 * Kraken payloads → tickwire records. Every answer is an `{error, result}` envelope with HTTP 200, even
 * for errors. OHLC times are seconds; trade times float seconds; the trade cursor `last` is a string of
 * nanoseconds. This is the only place Kraken units are converted.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import { secondsToNs } from '../../core/time.js';
import { array, decimal, integer, object } from '../values.js';

/** Splits a Kraken envelope: the `error` strings and the `result` object (absent on error). */
export function krakenEnvelope(body: unknown): {
  errors: string[];
  result: Record<string, unknown> | undefined;
} {
  const o = object(body, 'kraken response');
  const errors = o['error'] === undefined ? [] : array(o['error'], 'error').map(String);
  const result = o['result'] === undefined ? undefined : object(o['result'], 'result');
  return { errors, result };
}

/** The pair's rows in a result keyed by the internal pair name, skipping the sibling `last`. */
function pairRows(result: Record<string, unknown>, what: string): { key: string; rows: unknown[] } {
  for (const [key, value] of Object.entries(result)) {
    if (key === 'last') continue;
    return { key, rows: array(value, `${what}.${key}`) };
  }
  throw new ProtocolError(`No pair key in the ${what} result`, JSON.stringify(result));
}

/**
 * Parses `/0/public/OHLC` rows `[time s, o, h, l, c, vwap, volume, count]` (VWAP at 5, volume at 6).
 * The last row is always the bar still forming: a bar whose end is after `nowNs` is dropped; without
 * `nowNs`, a bar opening after the sibling `last` (the newest committed bar, in seconds) is dropped, and
 * without `last` either, the last row.
 */
export function parseKrakenOhlc(
  result: Record<string, unknown>,
  spanS: number,
  nowNs?: bigint,
): { key: string; bars: OHLCBar[]; last: number | undefined } {
  const { key, rows } = pairRows(result, 'OHLC');
  const spanNs = BigInt(spanS) * 1_000_000_000n;
  const last = result['last'] === undefined ? undefined : integer(result['last'], 'OHLC.last');
  const lastNs = last === undefined ? undefined : secondsToNs(last);
  const bars: OHLCBar[] = [];
  for (const [i, raw] of rows.entries()) {
    const row = array(raw, `OHLC[${i}]`);
    const tsNs = secondsToNs(integer(row[0], `OHLC[${i}][0]`));
    const forming =
      nowNs !== undefined
        ? tsNs + spanNs > nowNs
        : lastNs !== undefined
          ? tsNs > lastNs
          : i === rows.length - 1;
    if (forming) continue;
    bars.push({
      tsNs,
      open: decimal(row[1], `OHLC[${i}][1]`),
      high: decimal(row[2], `OHLC[${i}][2]`),
      low: decimal(row[3], `OHLC[${i}][3]`),
      close: decimal(row[4], `OHLC[${i}][4]`),
      volume: decimal(row[6], `OHLC[${i}][6]`),
    });
  }
  return { key, bars, last };
}

/** A parsed Kraken trade; `tradeId` is absent on old 6-field rows. */
export type KrakenTrade = Trade & { tradeId: number | undefined };

/**
 * Parses `/0/public/Trades` rows `[price, volume, time float s, side, ordertype, misc, trade_id]`, and
 * the `last` cursor (ns, kept as the exact string). `side` `b`/`s` is already the taker's side. Old
 * 6-field rows have no `trade_id`: their id becomes `<tsNs>-<index of equal times>`.
 */
export function parseKrakenTrades(result: Record<string, unknown>): {
  key: string;
  trades: KrakenTrade[];
  last: string;
} {
  const { key, rows } = pairRows(result, 'Trades');
  const lastRaw = result['last'];
  const last = typeof lastRaw === 'number' ? String(integer(lastRaw, 'Trades.last')) : String(lastRaw ?? '');
  if (!/^\d+$/.test(last))
    throw new ProtocolError('Expected a nanosecond string in Trades.last', String(lastRaw));
  const trades: KrakenTrade[] = [];
  let prevTs: bigint | undefined;
  let sameTs = 0;
  for (const [i, raw] of rows.entries()) {
    const row = array(raw, `Trades[${i}]`);
    const timeS = decimal(row[2], `Trades[${i}][2]`);
    const tsNs = secondsToNs(timeS);
    sameTs = tsNs === prevTs ? sameTs + 1 : 0;
    prevTs = tsNs;
    const side = row[3];
    if (side !== 'b' && side !== 's') {
      throw new ProtocolError(`Expected "b" or "s" in Trades[${i}][3]`, JSON.stringify(side) ?? '');
    }
    const tradeId = row.length >= 7 ? integer(row[6], `Trades[${i}][6]`) : undefined;
    trades.push({
      id: tradeId === undefined ? `${tsNs}-${sameTs}` : String(tradeId),
      tradeId,
      tsNs,
      price: decimal(row[0], `Trades[${i}][0]`),
      amount: decimal(row[1], `Trades[${i}][1]`),
      side: side === 'b' ? 'buy' : 'sell',
    });
  }
  return { key, trades, last };
}

/** Parses `/0/public/Time` (`{"unixtime": s}`) into epoch ns. */
export function parseKrakenTime(result: Record<string, unknown>): bigint {
  return secondsToNs(integer(result['unixtime'], 'Time.unixtime'));
}
