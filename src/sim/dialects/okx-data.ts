/**
 * OKX v5 REST data bodies over the shared market and derivatives model: candles (trade, mark, index),
 * history trades, funding history and rubik open interest, each newest first with OKX's exclusive
 * `after` (older than) / `before` (newer than) bounds. Swap sizes are served in contracts
 * (`contractSize` base units each).
 *
 * @module
 */
import type { Agg } from '../market/agg.js';
import { type DerivedPrice, derivativesOf, RATE_SCALE } from '../market/derivatives.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { fixed, plain } from './format.js';

const US_PER_MINUTE = 60_000_000;
const MS_PER_MINUTE = 60_000;
/** history-trades and funding-rate-history keep three months (90 days). */
export const OKX_SIM_HISTORY_US = 90 * 86_400 * 1_000_000;
/** `/market/candles` and the recent mark/index candles: the newest 1,440 bars. */
export const OKX_SIM_RECENT_BARS = 1440;
/** The rubik open-interest history: the newest 1,440 entries. */
export const OKX_SIM_OI_ENTRIES = 1440;

/** A bar name → span in seconds and alignment offset in seconds (plain 6H+ bars open on UTC+8). */
export function okxBar(name: string): { spanS: number; offsetS: number } | undefined {
  const m = /^(\d+)(m|H|D|W)(utc)?$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  const utc = m[3] === 'utc';
  const spanS = n * (unit === 'm' ? 60 : unit === 'H' ? 3600 : unit === 'D' ? 86_400 : 604_800);
  const allowed: Record<string, number[]> = {
    m: [1, 3, 5, 15, 30],
    H: [1, 2, 4, 6, 12],
    D: [1, 2, 3],
    W: [1],
  };
  if (!allowed[unit as string]?.includes(n)) return undefined;
  const long = spanS >= 6 * 3600;
  if (utc && !long) return undefined;
  // Weeks open on Monday (4 days after the epoch's Thursday); plain long bars on Hong Kong time.
  let offsetS = unit === 'W' ? 345_600 : 0;
  if (long && !utc) offsetS -= 8 * 3600;
  return { spanS, offsetS: ((offsetS % spanS) + spanS) % spanS };
}

/** Digits after the point of contract counts: lots of `10^-sizeDecimals` base, contracts of `contractSize`. */
export function contractDecimals(s: SymbolMarket): number {
  const cs = s.spec.contractSize;
  if (cs === undefined || s.spec.type !== 'perpetual') return s.spec.sizeDecimals;
  return s.spec.sizeDecimals - Math.round(-Math.log10(cs));
}

/** A size in lots as OKX prints it: contracts for swaps, base units for spot. */
export function sizeText(s: SymbolMarket, lots: number): string {
  return fixed(lots, contractDecimals(s));
}

/** Bounds of one newest-first query in ms: rows with `beforeMs < t < afterMs`. */
export type Bounds = { afterMs: number; beforeMs: number; limit: number };

/**
 * Bars of `spanS` (offset `offsetS`) opening strictly inside the bounds, not before `floorMin`, newest
 * first, at most `limit`; `row` formats one (`undefined` when the bar has no trades).
 */
function barRows(
  s: SymbolMarket,
  spanS: number,
  offsetS: number,
  b: Bounds,
  floorMin: number,
  row: (m: number, spanMin: number, nowUs: number) => string | undefined,
): string[] {
  const nowUs = s.nowUs();
  const spanMin = spanS / 60;
  const offMin = offsetS / 60;
  const grid = (m: number) => Math.floor((m - offMin) / spanMin) * spanMin + offMin;
  const nowMin = Math.floor((nowUs - 1) / US_PER_MINUTE);
  const topMin = Math.min(nowMin, Math.ceil(b.afterMs / MS_PER_MINUTE) - 1);
  const bottom = Math.max(floorMin, Math.floor(b.beforeMs / MS_PER_MINUTE) + 1, s.startMinute);
  const out: string[] = [];
  let m = topMin;
  while (out.length < b.limit) {
    const busy = s.prevBusyMinute(m, grid(bottom));
    if (busy < 0) break;
    const bar = grid(busy);
    const ms = bar * MS_PER_MINUTE;
    if (ms <= b.beforeMs || bar < floorMin) break;
    if (ms < b.afterMs) {
      const r = row(bar, spanMin, nowUs);
      if (r !== undefined) out.push(r);
    }
    m = bar - 1;
  }
  return out;
}

/** The first bar a recent endpoint serves (the newest 1,440 bars, the open one included). */
export function recentFloor(s: SymbolMarket, spanS: number, offsetS: number): number {
  const spanMin = spanS / 60;
  const offMin = offsetS / 60;
  const nowMin = Math.floor((s.nowUs() - 1) / US_PER_MINUTE);
  const open = Math.floor((nowMin - offMin) / spanMin) * spanMin + offMin;
  return open - (OKX_SIM_RECENT_BARS - 1) * spanMin;
}

function confirm(m: number, spanMin: number, nowUs: number): string {
  return (m + spanMin) * US_PER_MINUTE <= nowUs ? '1' : '0';
}

/** Trade candles: `[ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]`. */
export function candleRows(
  s: SymbolMarket,
  spanS: number,
  offsetS: number,
  b: Bounds,
  floorMin: number,
): string[] {
  const pd = s.spec.priceDecimals;
  const sd = s.spec.sizeDecimals;
  const swap = s.spec.type === 'perpetual';
  return barRows(s, spanS, offsetS, b, floorMin, (m, spanMin, nowUs) => {
    const a: Agg = s.rangeAgg(m, m + spanMin, nowUs);
    if (a.count === 0) return undefined;
    const quote = (a.quoteVolume / 10 ** (pd + sd)).toFixed(pd);
    const base = fixed(a.volume, sd);
    const vol = swap ? sizeText(s, a.volume) : base;
    const volCcy = swap ? base : quote;
    return `["${m * MS_PER_MINUTE}","${fixed(a.open, pd)}","${fixed(a.high, pd)}","${fixed(a.low, pd)}","${fixed(a.close, pd)}","${vol}","${volCcy}","${quote}","${confirm(m, spanMin, nowUs)}"]`;
  });
}

/** Mark or index candles of a swap's derivatives model: `[ts,o,h,l,c,confirm]`. */
export function priceRows(
  s: SymbolMarket,
  price: DerivedPrice,
  spanS: number,
  offsetS: number,
  b: Bounds,
  floorMin: number,
): string[] {
  const d = derivativesOf(s);
  const pd = s.spec.priceDecimals;
  return barRows(s, spanS, offsetS, b, floorMin, (m, spanMin, nowUs) => {
    const x = d.bar(price, m, spanMin, nowUs);
    if (!x) return undefined;
    return `["${m * MS_PER_MINUTE}","${fixed(x.open, pd)}","${fixed(x.high, pd)}","${fixed(x.low, pd)}","${fixed(x.close, pd)}","${confirm(m, spanMin, nowUs)}"]`;
  });
}

/** One trade object as `history-trades`, `trades` and WS `trades-all` carry it. */
export function tradeJson(s: SymbolMarket, t: SimTrade): string {
  const ms = Math.floor(t.us / 1000);
  return `{"instId":"${s.spec.id}","side":"${t.buy ? 'buy' : 'sell'}","sz":"${sizeText(s, t.size)}","px":"${fixed(t.price, s.spec.priceDecimals)}","tradeId":"${t.id}","ts":"${ms}"}`;
}

/**
 * `history-trades`: by id (`type` 1: `after` = ids below, `before` = ids above) or by time (`type` 2:
 * `after` = earlier than the ms), newest first, within the last three months.
 */
export function historyTrades(
  s: SymbolMarket,
  type: 1 | 2,
  after: number | undefined,
  before: number | undefined,
  limit: number,
): string[] {
  const floorUs = s.nowUs() - OKX_SIM_HISTORY_US;
  let rows: SimTrade[];
  if (type === 2) {
    rows = s.backward({ ...(after === undefined ? {} : { toUs: after * 1000 - 1 }), fromUs: floorUs, limit });
  } else {
    rows = s.backward({ ...(after === undefined ? {} : { toId: after - 1 }), fromUs: floorUs, limit });
    if (before !== undefined) rows = rows.filter((t) => t.id > before);
  }
  return rows.reverse().map((t) => tradeJson(s, t));
}

/** `funding-rate-history` rows (newest first), the last three months. */
export function fundingRows(s: SymbolMarket, b: Bounds): string[] {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const fromUs = Math.max((b.beforeMs + 1) * 1000, nowUs - OKX_SIM_HISTORY_US);
  const list = d
    .funding(fromUs, b.afterMs * 1000, nowUs)
    .slice(-b.limit)
    .reverse();
  return list.map((f) => {
    const rate = plain(f.rate1e8, 8);
    return `{"formulaType":"noRate","fundingRate":"${rate}","fundingTime":"${f.us / 1000}","instId":"${s.spec.id}","instType":"SWAP","method":"current_period","realizedRate":"${rate}"}`;
  });
}

/**
 * Rubik open-interest rows `[ts, oi, oiCcy, oiUsd]` with `beginMs <= ts <= endMs` (both inclusive),
 * newest first, within the newest 1,440 entries of the period.
 */
export function openInterestRows(
  s: SymbolMarket,
  periodS: number,
  offsetS: number,
  beginMs: number | undefined,
  endMs: number | undefined,
  limit: number,
): string[] {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const stepUs = periodS * 1e6;
  const offUs = offsetS * 1e6;
  const newest = Math.floor((nowUs - offUs) / stepUs) * stepUs + offUs;
  const oldest = Math.max(newest - (OKX_SIM_OI_ENTRIES - 1) * stepUs, (s.startMinute + 60) * US_PER_MINUTE);
  const p = 10 ** s.spec.priceDecimals;
  const l = 10 ** s.spec.sizeDecimals;
  const out: string[] = [];
  let t =
    endMs === undefined
      ? newest
      : Math.min(newest, Math.floor((endMs * 1000 - offUs) / stepUs) * stepUs + offUs);
  const lo = Math.max(oldest, beginMs === undefined ? oldest : beginMs * 1000);
  for (; t >= lo && out.length < limit; t -= stepUs) {
    const o = d.openInterestAt(t, nowUs);
    const usd =
      o.markTicks === undefined ? '' : String(Math.round((o.lots / l) * (o.markTicks / p) * 100) / 100);
    out.push(`["${t / 1000}","${sizeText(s, o.lots)}","${fixed(o.lots, s.spec.sizeDecimals)}","${usd}"]`);
  }
  return out;
}

/** The live mark state of a swap at `us`, for `funding-rate` and `mark-price`. */
export function markState(s: SymbolMarket, us: number) {
  const st = derivativesOf(s).markState(us, s.nowUs());
  return { ...st, rateText: plain(st.rate1e8, 8) };
}

export { RATE_SCALE };
