/**
 * Binance USDⓈ-M bodies over the shared derivatives model: `exchangeInfo` of the perpetuals, funding
 * history, open-interest history, and the mark/index/premium-index klines. Last-price klines and
 * aggTrades have the spot wire format and come from `binance-data.ts`. Values are formatted from the
 * model's integers (ticks, lots, units of 1e-8), never from floats.
 *
 * @module
 */
import { type DerivedPrice, derivativesOf } from '../market/derivatives.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import { US_PER_MINUTE } from '../market/symbol-market.js';
import { barOffsetS } from '../truth.js';
import { fixed } from './format.js';

const MS_PER_MINUTE = US_PER_MINUTE / 1000;
/** `deliveryDate` of every perpetual on Binance (2100-12-25). */
const PERPETUAL_DELIVERY_MS = 4_133_404_800_000;

function pad8(int: number, decimals: number): string {
  return fixed(int * 10 ** (8 - decimals), 8);
}

/** `GET /fapi/v1/exchangeInfo` of `symbols`. */
export function usdmExchangeInfo(
  symbols: readonly SymbolMarket[],
  nowMs: number,
  weightLimit: number,
): string {
  const list = symbols.map((s) => {
    const sp = s.spec;
    return {
      symbol: sp.id,
      pair: sp.id,
      contractType: 'PERPETUAL',
      deliveryDate: PERPETUAL_DELIVERY_MS,
      onboardDate: s.startMinute * MS_PER_MINUTE,
      status: 'TRADING',
      maintMarginPercent: '2.5000',
      requiredMarginPercent: '5.0000',
      baseAsset: sp.base,
      quoteAsset: sp.quote,
      marginAsset: sp.quote,
      pricePrecision: sp.priceDecimals,
      quantityPrecision: sp.sizeDecimals,
      baseAssetPrecision: 8,
      quotePrecision: 8,
      underlyingType: 'COIN',
      underlyingSubType: [],
      settlePlan: 0,
      triggerProtect: '0.0500',
      liquidationFee: '0.012500',
      marketTakeBound: '0.05',
      maxMoveOrderLimit: 10000,
      filters: [
        {
          filterType: 'PRICE_FILTER',
          minPrice: fixed(1, sp.priceDecimals),
          maxPrice: '4529764',
          tickSize: fixed(1, sp.priceDecimals),
        },
        {
          filterType: 'LOT_SIZE',
          minQty: fixed(1, sp.sizeDecimals),
          maxQty: '1000',
          stepSize: fixed(1, sp.sizeDecimals),
        },
        {
          filterType: 'MARKET_LOT_SIZE',
          minQty: fixed(1, sp.sizeDecimals),
          maxQty: '120',
          stepSize: fixed(1, sp.sizeDecimals),
        },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
        { filterType: 'MIN_NOTIONAL', notional: '100' },
        {
          filterType: 'PERCENT_PRICE',
          multiplierUp: '1.0500',
          multiplierDown: '0.9500',
          multiplierDecimal: '4',
        },
      ],
      orderTypes: [
        'LIMIT',
        'MARKET',
        'STOP',
        'STOP_MARKET',
        'TAKE_PROFIT',
        'TAKE_PROFIT_MARKET',
        'TRAILING_STOP_MARKET',
      ],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      permissionSets: ['GRID', 'COPY'],
    };
  });
  return JSON.stringify({
    timezone: 'UTC',
    serverTime: nowMs,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: list,
  });
}

/** Funding rows of `s` with `fromMs <= fundingTime <= toMs`: the first `limit`, or the newest when `newest`. */
export function usdmFunding(
  s: SymbolMarket,
  fromMs: number,
  toMs: number,
  limit: number,
  newest: boolean,
): { us: number; row: string }[] {
  const d = derivativesOf(s);
  const pd = s.spec.priceDecimals;
  // The newest `limit` lie within `limit` intervals of the end: no need to walk the whole history.
  const from = newest ? Math.max(fromMs, toMs - limit * d.fundingIntervalH * 3_600_000) : fromMs;
  const all = d.funding(from * 1000, toMs * 1000 + 1, s.nowUs());
  const picked = newest ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  return picked.map((f) => ({
    us: f.us,
    row: `{"symbol":"${s.spec.id}","fundingTime":${f.us / 1000},"fundingRate":"${fixed(f.rate1e8, 8)}","markPrice":"${f.markTicks === undefined ? '' : pad8(f.markTicks, pd)}"}`,
  }));
}

/** Open-interest rows of `s` every `periodS` with `fromMs <= timestamp <= toMs` (first or newest `limit`). */
export function usdmOpenInterest(
  s: SymbolMarket,
  periodS: number,
  fromMs: number,
  toMs: number,
  limit: number,
  newest: boolean,
): string {
  const d = derivativesOf(s);
  const p = 10 ** s.spec.priceDecimals;
  const l = 10 ** s.spec.sizeDecimals;
  const all = d.openInterest(periodS, fromMs * 1000, toMs * 1000 + 1, s.nowUs());
  const picked = newest ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  const rows = picked.map((o) => {
    // The quote value in cents, by the same expression the ground truth uses.
    const value =
      o.markTicks === undefined ? '' : fixed(Math.round((o.lots / l) * (o.markTicks / p) * 100), 2);
    return `{"symbol":"${s.spec.id}","sumOpenInterest":"${pad8(o.lots, s.spec.sizeDecimals)}","sumOpenInterestValue":"${value}","timestamp":"${o.us / 1000}"}`;
  });
  return `[${rows.join(',')}]`;
}

/**
 * Mark/index/premium kline rows of `s`: bars of `spanS` seconds (a multiple of 60) opening in
 * `[startMs, endMs]` (the first `limit`), or the newest `limit` up to `endMs` when `startMs` is absent.
 * Only OHLC is real; the volume fields are `"0"` as on Binance. Bars exist where trade bars exist.
 */
export function usdmPriceKlines(
  s: SymbolMarket,
  price: DerivedPrice,
  spanS: number,
  startMs: number | undefined,
  endMs: number | undefined,
  limit: number,
): string {
  const d = derivativesOf(s);
  const nowUs = s.nowUs();
  const spanMin = spanS / 60;
  const off = barOffsetS('binance-usdm', spanS) / 60;
  const decimals = price === 'premium' ? 8 : s.spec.priceDecimals;
  const fmt = (v: number) => (price === 'premium' ? fixed(v, 8) : pad8(v, decimals));
  const align = (m: number) => Math.floor((m - off) / spanMin) * spanMin + off;
  const nowMin = Math.floor(nowUs / US_PER_MINUTE);
  const first = align(s.startMinute);
  const last = Math.min(
    align(nowMin),
    endMs === undefined ? nowMin : align(Math.floor(endMs / MS_PER_MINUTE)),
  );
  const row = (m: number, b: { open: number; high: number; low: number; close: number }) => {
    const open = m * MS_PER_MINUTE;
    return `[${open},"${fmt(b.open)}","${fmt(b.high)}","${fmt(b.low)}","${fmt(b.close)}","0",${open + spanS * 1000 - 1},"0",${spanMin},"0","0","0"]`;
  };
  const rows: string[] = [];
  if (startMs !== undefined) {
    let m = align(Math.ceil(startMs / MS_PER_MINUTE));
    if (m * MS_PER_MINUTE < startMs) m += spanMin;
    for (m = Math.max(m, first); m <= last && rows.length < limit; m += spanMin) {
      const b = d.bar(price, m, spanMin, nowUs);
      if (b) rows.push(row(m, b));
    }
    return `[${rows.join(',')}]`;
  }
  for (let m = last; m >= first && rows.length < limit; m -= spanMin) {
    const b = d.bar(price, m, spanMin, nowUs);
    if (b) rows.push(row(m, b));
  }
  return `[${rows.reverse().join(',')}]`;
}
