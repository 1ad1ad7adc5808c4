/**
 * What Binance USDⓈ-M futures offers: intervals, page sizes, request weights by `limit`, and the three
 * rate budgets (request weight per minute, `fundingRate` and `openInterestHist` per five minutes).
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';
import { BINANCE_INTERVALS } from '../binance/capabilities.js';

/** Kline intervals of USDⓈ-M (the spot list without `1s`). */
export const USDM_INTERVALS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(BINANCE_INTERVALS).filter(([name]) => name !== '1s'),
);

/** Open-interest history periods, seconds. */
export const USDM_OI_PERIODS: Readonly<Record<string, number>> = {
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '4h': 14_400,
  '6h': 21_600,
  '12h': 43_200,
  '1d': 86_400,
};

/**
 * Weight of the kline endpoints (`klines`, `markPriceKlines`, `indexPriceKlines`, `premiumIndexKlines`)
 * by `limit` [doc]: [1, 100) → 1, [100, 500) → 2, [500, 1000] → 5, above → 10.
 */
export function usdmKlineWeight(limit: number): number {
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

/** Weight of `GET /fapi/v1/depth` by `limit` [doc]: up to 50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
export function usdmDepthWeight(limit: number): number {
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
}

/** Request weights of the other endpoints the adapter calls. */
export const USDM_WEIGHTS = {
  aggTrades: 20,
  exchangeInfo: 1,
  time: 1,
  fundingRate: 1,
  openInterestHist: 1,
} as const;

/**
 * Klines: 499 per request. Weight per row is best there (2 for 499 rows; 5 for 1000, 10 for 1500), so
 * under the 2,400-weight budget 499-row pages move the most bars per minute.
 */
export const USDM_KLINE_CAPABILITY: Capability = {
  maxPerRequest: 499,
  pageDirection: 'forward',
  spans: Object.values(USDM_INTERVALS),
  cost: usdmKlineWeight(499),
};

/** aggTrades: 1000 per request, ascending by `fromId`, weight 20. */
export const USDM_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: USDM_WEIGHTS.aggTrades,
};

/** Funding history: 1000 rows per request, ascending from `startTime`. */
export const USDM_FUNDING_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: USDM_WEIGHTS.fundingRate,
};

/** Open-interest history: 500 samples per request, ascending, at the periods of {@link USDM_OI_PERIODS}. */
export const USDM_OI_CAPABILITY: Capability = {
  maxPerRequest: 500,
  pageDirection: 'forward',
  spans: Object.values(USDM_OI_PERIODS),
  cost: USDM_WEIGHTS.openInterestHist,
};

/** How far back `openInterestHist` serves: "only the latest 1 month" [doc], taken as 30 days. */
export const USDM_OI_HISTORY_NS = 30n * 86_400n * 1_000_000_000n;

/**
 * Documented: 2,400 request weight per minute per IP, counted by the server in fixed one-minute windows
 * and reported in `X-MBX-USED-WEIGHT-1M` (adopted after every response). A margin of 24 (1 %) is kept.
 */
export const BINANCE_USDM_RATE: RateLimit = {
  kind: 'fixed-window',
  limit: 2400,
  windowMs: 60_000,
  margin: 24,
  name: 'weight-1m',
};

/** Limiter key of the `fundingRate` budget. */
export const USDM_FUNDING_KEY = 'binance-usdm.fundingRate';
/** Limiter key of the `openInterestHist` budget. */
export const USDM_OI_KEY = 'binance-usdm.openInterestHist';

/**
 * Endpoint budgets of their own [doc]: `fundingRate` (shared with `fundingInfo`) 500 requests per 5
 * minutes per IP; `openInterestHist` 1,000 requests per 5 minutes per IP; both fixed windows, with a
 * margin of 1 %.
 */
export const USDM_BUDGETS: Readonly<Record<string, RateLimit>> = {
  [USDM_FUNDING_KEY]: {
    kind: 'fixed-window',
    limit: 500,
    windowMs: 300_000,
    margin: 5,
    counts: 'requests',
    name: 'funding-5m',
  },
  [USDM_OI_KEY]: {
    kind: 'fixed-window',
    limit: 1000,
    windowMs: 300_000,
    margin: 10,
    counts: 'requests',
    name: 'oi-hist-5m',
  },
};

/** Seconds → USDⓈ-M kline interval string, or `undefined`. */
export function usdmInterval(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(USDM_INTERVALS)) if (s === spanS) return name;
  return undefined;
}

/** Seconds → open-interest period string, or `undefined`. */
export function usdmOiPeriod(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(USDM_OI_PERIODS)) if (s === spanS) return name;
  return undefined;
}
