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
  const rows = array(body, 'klines');
  const bars: OHLCBar[] = new Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i];
    const row = Array.isArray(raw) ? (raw as unknown[]) : array(raw, `klines[${i}]`);
    if (nowNs !== undefined && msNs(int(row[6], 'klines', i, 6)) >= nowNs) continue;
    bars[n++] = {
      tsNs: msNs(int(row[0], 'klines', i, 0)),
      open: dec(row[1], 'klines', i, 1),
      high: dec(row[2], 'klines', i, 2),
      low: dec(row[3], 'klines', i, 3),
      close: dec(row[4], 'klines', i, 4),
      volume: dec(row[5], 'klines', i, 5),
    };
  }
  bars.length = n;
  return bars;
}

/** A parsed aggTrade with its numeric id (the `fromId` cursor). */
export type BinanceAggTrade = Trade & { aggId: number };

/** Parses `GET /api/v3/aggTrades` rows. `m: true` means the buyer was the maker, so the taker sold. */
export function parseBinanceAggTrades(body: unknown): BinanceAggTrade[] {
  const rows = array(body, 'aggTrades');
  const out: BinanceAggTrade[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i];
    const row = (
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : object(raw, `aggTrades[${i}]`)
    ) as Record<string, unknown>;
    const aggId = int(row['a'], 'aggTrades', i, 'a');
    const m = row['m'];
    if (typeof m !== 'boolean')
      throw new ProtocolError(`Expected a boolean in aggTrades[${i}].m`, JSON.stringify(m) ?? '');
    out[i] = {
      id: String(aggId),
      aggId,
      tsNs: msNs(int(row['T'], 'aggTrades', i, 'T')),
      price: dec(row['p'], 'aggTrades', i, 'p'),
      amount: dec(row['q'], 'aggTrades', i, 'q'),
      side: m ? 'sell' : 'buy',
    };
  }
  return out;
}

// Fast paths for the common well-formed value; the shared readers (and their field names, built only
// then) handle everything else, so errors are unchanged. A year of klines is 3 M fields: building each
// field's name up front was a visible share of the download's CPU and garbage.

function field(what: string, i: number, key: number | string): string {
  return typeof key === 'number' ? `${what}[${i}][${key}]` : `${what}[${i}].${key}`;
}

function dec(v: unknown, what: string, i: number, key: number | string): number {
  if (typeof v === 'string') {
    const n = Number(v);
    if (Number.isFinite(n) && (n !== 0 || v.trim() !== '')) return n;
  } else if (typeof v === 'number' && Number.isFinite(v)) return v;
  return decimal(v, field(what, i, key));
}

function int(v: unknown, what: string, i: number, key: number | string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return integer(v, field(what, i, key));
}

/** Whole epoch ms → ns (`msToNs` for the integers Binance sends, with one BigInt multiplication). */
function msNs(ms: number): bigint {
  return BigInt(ms) * 1_000_000n;
}

/** Parses `GET /api/v3/time` (`{"serverTime": ms}`) into epoch ns. */
export function parseBinanceTime(body: unknown): bigint {
  return msToNs(integer(object(body, 'time')['serverTime'], 'time.serverTime'));
}

/** The trades with time in `[startNs, endNs]`: `trades` itself when all are, else a filtered copy. */
export function aggTradesInWindow(trades: Trade[], startNs: bigint, endNs: bigint): Trade[] {
  for (const t of trades) {
    if (t.tsNs < startNs || t.tsNs > endNs) return trades.filter((x) => x.tsNs >= startNs && x.tsNs <= endNs);
  }
  return trades; // all in the window (the usual case): no copy
}

/** One aggTrades page as the adapters use it: the trades, and the last aggregate id (the cursor is it + 1). */
export type AggTradesPage = { readonly trades: Trade[]; readonly lastAggId: number | undefined };

/** The page of validated rows: trades without the aggregate id, and the last one. */
export function aggTradesPage(rows: readonly BinanceAggTrade[]): AggTradesPage {
  return {
    trades: rows.map((r) => ({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side })),
    lastAggId: rows.at(-1)?.aggId,
  };
}
