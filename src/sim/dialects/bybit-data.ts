/**
 * Bybit v5 market-data bodies (the `result` objects) from the market and derivatives models: klines and
 * mark/index/premium klines (newest first, both ends inclusive, a mid-bar `start` includes the bar
 * containing it), recent trades, funding history, open interest with `nextPageCursor`, instruments.
 *
 * @module
 */
import { type DerivedPrice, derivativesOf } from '../market/derivatives.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import { US_PER_MINUTE } from '../market/symbol-market.js';
import type { SimExchange } from '../market/symbols.js';
import { bybitExecId, bybitTradeSeq } from './bybit-ids.js';
import { fixed, plain } from './format.js';

const MS_PER_MIN = 60_000;

/** Kline interval → minutes (`W`/`M` are not simulated). */
export const BYBIT_SIM_INTERVALS: Readonly<Record<string, number>> = {
  '1': 1,
  '3': 3,
  '5': 5,
  '15': 15,
  '30': 30,
  '60': 60,
  '120': 120,
  '240': 240,
  '360': 360,
  '720': 720,
  D: 1440,
};

/** Open-interest `intervalTime` → seconds. */
export const BYBIT_SIM_OI: Readonly<Record<string, number>> = {
  '5min': 300,
  '15min': 900,
  '30min': 1800,
  '1h': 3600,
  '4h': 14_400,
  '1d': 86_400,
};

/** A time range query: both ends optional and inclusive, ms. */
export type MsRange = { startMs: number | undefined; endMs: number | undefined; limit: number };

/**
 * The opens (minutes) of the bars of `spanMin` minutes a kline request selects, newest first: bars
 * opening in [the bar containing `start`, `end`] (or up to the bar in progress), the newest `limit`;
 * with `start` alone, the oldest `limit` from it. `has(m)` says whether the bar exists (has trades).
 */
function selectBars(s: SymbolMarket, spanMin: number, q: MsRange, has: (m: number) => boolean): number[] {
  const nowUs = s.nowUs();
  const nowMin = Math.floor((nowUs - 1) / US_PER_MINUTE);
  const first = Math.floor(s.startMinute / spanMin) * spanMin;
  const last =
    Math.floor(
      Math.min(nowMin, q.endMs === undefined ? nowMin : Math.floor(q.endMs / MS_PER_MIN)) / spanMin,
    ) * spanMin;
  const from =
    q.startMs === undefined ? first : Math.max(first, Math.floor(q.startMs / MS_PER_MIN / spanMin) * spanMin);
  const out: number[] = [];
  if (q.startMs !== undefined && q.endMs === undefined) {
    for (let m = from; m <= last && out.length < q.limit; m += spanMin) if (has(m)) out.push(m);
    return out.reverse();
  }
  for (let m = last; m >= from && out.length < q.limit; m -= spanMin) if (has(m)) out.push(m);
  return out;
}

/** `/v5/market/kline` result. */
export function klineResult(category: string, s: SymbolMarket, spanMin: number, q: MsRange): object {
  const nowUs = s.nowUs();
  const pd = s.spec.priceDecimals;
  const sd = s.spec.sizeDecimals;
  const aggs = new Map<number, ReturnType<SymbolMarket['rangeAgg']>>();
  const has = (m: number) => {
    const a = s.rangeAgg(m, m + spanMin, nowUs);
    if (a.count === 0) return false;
    aggs.set(m, a);
    return true;
  };
  const list = selectBars(s, spanMin, q, has).map((m) => {
    const a = aggs.get(m) ?? s.rangeAgg(m, m + spanMin, nowUs);
    return [
      String(m * MS_PER_MIN),
      fixed(a.open, pd),
      fixed(a.high, pd),
      fixed(a.low, pd),
      fixed(a.close, pd),
      fixed(a.volume, sd),
      fixed(Math.round(a.quoteVolume / 10 ** sd), pd),
    ];
  });
  return { symbol: s.spec.id, category, list };
}

/** Mark, index or premium-index kline result (`[startTime, open, high, low, close]`). */
export function priceKlineResult(price: DerivedPrice, s: SymbolMarket, spanMin: number, q: MsRange): object {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const bars = new Map<number, NonNullable<ReturnType<typeof d.bar>>>();
  const has = (m: number) => {
    const b = d.bar(price, m, spanMin, nowUs);
    if (!b) return false;
    bars.set(m, b);
    return true;
  };
  const dec = price === 'premium' ? 8 : s.spec.priceDecimals;
  const fmt = (v: number) => (price === 'premium' ? plain(v, dec) : fixed(v, dec));
  const list = selectBars(s, spanMin, q, has).map((m) => {
    const b = bars.get(m)!;
    return [String(m * MS_PER_MIN), fmt(b.open), fmt(b.high), fmt(b.low), fmt(b.close)];
  });
  return { symbol: s.spec.id, category: 'linear', list };
}

/** `/v5/market/recent-trade` result: the newest `limit` trades, newest first. */
export function recentTradeResult(
  exchange: SimExchange,
  category: string,
  s: SymbolMarket,
  limit: number,
): object {
  const pd = s.spec.priceDecimals;
  const sd = s.spec.sizeDecimals;
  const list = s
    .backward({ limit })
    .reverse()
    .map((t) => ({
      execId: bybitExecId(exchange, s.spec.key, t.id),
      symbol: s.spec.id,
      price: fixed(t.price, pd),
      size: fixed(t.size, sd),
      side: t.buy ? 'Buy' : 'Sell',
      time: String(Math.floor(t.us / 1000)),
      isBlockTrade: false,
      isRPITrade: false,
      seq: String(bybitTradeSeq(t.id)),
    }));
  return { category, list };
}

/** `/v5/market/funding/history` result: events in [start, end], the newest `limit`, newest first. */
export function fundingResult(s: SymbolMarket, q: MsRange): object {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const stepMs = d.fundingIntervalH * 3_600_000;
  const endMs = Math.min(q.endMs ?? Math.floor(nowUs / 1000), Math.floor(nowUs / 1000));
  const startMs = q.startMs ?? endMs - (q.limit + 1) * stepMs;
  const events = startMs > endMs ? [] : d.funding(startMs * 1000, endMs * 1000 + 1, nowUs);
  const list = events
    .slice(-q.limit)
    .reverse()
    .map((f) => ({
      symbol: s.spec.id,
      fundingRate: plain(f.rate1e8, 8),
      fundingRateTimestamp: String(f.us / 1000),
    }));
  return { category: 'linear', list };
}

/** Encodes the open-interest cursor: the inclusive end (ms) of the next, older page. */
function oiCursor(endMs: number): string {
  return Buffer.from(`end=${endMs}`).toString('base64url');
}

/** Decodes an open-interest cursor; `undefined` when malformed. */
export function decodeOiCursor(cursor: string): number | undefined {
  const m = /^end=(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

/** `/v5/market/open-interest` result: samples in [start, end], newest first, paged by cursor. */
export function openInterestResult(
  s: SymbolMarket,
  periodS: number,
  q: MsRange,
  cursorEndMs: number | undefined,
): object {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const nowMs = Math.floor(nowUs / 1000);
  let endMs = Math.min(q.endMs ?? nowMs, nowMs);
  if (cursorEndMs !== undefined) endMs = Math.min(endMs, cursorEndMs);
  const floorMs = q.startMs ?? endMs - (q.limit + 1) * periodS * 1000;
  const fromMs = Math.max(floorMs, endMs - (q.limit + 1) * periodS * 1000);
  const samples = fromMs > endMs ? [] : d.openInterest(periodS, fromMs * 1000, endMs * 1000 + 1, nowUs);
  const page = samples.slice(-q.limit).reverse();
  const oldest = page.at(-1);
  const more =
    page.length === q.limit && oldest !== undefined && oldest.us / 1000 - periodS * 1000 >= floorMs;
  const sd = s.spec.sizeDecimals;
  return {
    symbol: s.spec.id,
    category: 'linear',
    list: page.map((o) => ({ openInterest: fixed(o.lots, sd), timestamp: String(o.us / 1000) })),
    nextPageCursor: more && oldest ? oiCursor(oldest.us / 1000 - 1) : '',
  };
}

/** One instrument of `category`. */
export function instrument(s: SymbolMarket, category: 'spot' | 'linear'): object {
  const sp = s.spec;
  const tick = fixed(1, sp.priceDecimals);
  const lot = fixed(1, sp.sizeDecimals);
  if (category === 'spot') {
    return {
      symbol: sp.id,
      baseCoin: sp.base,
      quoteCoin: sp.quote,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'none',
      stTag: '0',
      lotSizeFilter: {
        basePrecision: lot,
        quotePrecision: fixed(1, sp.priceDecimals + 2),
        minOrderQty: lot,
        maxOrderQty: '9000',
        minOrderAmt: '5',
        maxOrderAmt: '9000000',
      },
      priceFilter: { tickSize: tick },
      riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    };
  }
  return {
    symbol: sp.id,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: sp.base,
    quoteCoin: sp.quote,
    launchTime: String(s.startMinute * MS_PER_MIN),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(sp.priceDecimals),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: tick, maxPrice: '1999999.8', tickSize: tick },
    lotSizeFilter: {
      maxOrderQty: '1190',
      minOrderQty: lot,
      qtyStep: lot,
      postOnlyMaxOrderQty: '1190',
      maxMktOrderQty: '500',
      minNotionalValue: '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: derivativesOf(s).fundingIntervalH * 60,
    settleCoin: sp.quote,
    copyTrading: 'both',
    upperFundingRate: '0.0075',
    lowerFundingRate: '-0.0075',
    isPreListing: false,
    preListingInfo: null,
  };
}
