/**
 * What Bybit v5 offers: categories, kline intervals, open-interest periods, page sizes and the IP rate
 * limit shared by `bybit` (category `spot`) and `bybit-linear` (category `linear`).
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';

/** The Bybit market categories tickwire serves, one exchange id each. */
export type BybitCategory = 'spot' | 'linear';

/** Kline interval string → seconds. `W` and `M` are left out (weeks open on Mondays, months vary). */
export const BYBIT_INTERVALS: Readonly<Record<string, number>> = {
  '1': 60,
  '3': 180,
  '5': 300,
  '15': 900,
  '30': 1800,
  '60': 3600,
  '120': 7200,
  '240': 14_400,
  '360': 21_600,
  '720': 43_200,
  D: 86_400,
};

/** Open-interest `intervalTime` name → seconds. */
export const BYBIT_OI_INTERVALS: Readonly<Record<string, number>> = {
  '5min': 300,
  '15min': 900,
  '30min': 1800,
  '1h': 3600,
  '4h': 14_400,
  '1d': 86_400,
};

/** Klines (trade, mark, index, premium): 1000 per request, newest first. */
export const BYBIT_KLINE_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'backward',
  spans: Object.values(BYBIT_INTERVALS),
  cost: 1,
};

/** `recent-trade`: the newest 60 trades on spot. */
export const BYBIT_SPOT_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 60,
  pageDirection: 'backward',
  cost: 1,
};

/** `recent-trade`: the newest 1000 trades on linear. */
export const BYBIT_LINEAR_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'backward',
  cost: 1,
};

/** Funding history: 200 per request, newest first; `endTime` is required with `startTime`. */
export const BYBIT_FUNDING_CAPABILITY: Capability = {
  maxPerRequest: 200,
  pageDirection: 'backward',
  cost: 1,
};

/** The shortest funding interval Bybit uses (1 h), which sizes funding windows. */
export const BYBIT_MIN_FUNDING_INTERVAL_S = 3600;

/** Open-interest history: 200 per page, newest first, continued by `nextPageCursor`. */
export const BYBIT_OI_CAPABILITY: Capability = {
  maxPerRequest: 200,
  pageDirection: 'backward',
  spans: Object.values(BYBIT_OI_INTERVALS),
  cost: 1,
};

/** Instruments per page on `linear` (the most Bybit allows; spot ignores paging). */
export const BYBIT_INSTRUMENTS_PAGE = 1000;

/** Most instrument pages followed (there are a few hundred linear symbols: a page or two). */
export const BYBIT_MAX_INSTRUMENT_PAGES = 50;

/**
 * Bybit allows 600 requests per 5-second window per IP, counted over all `api.bybit.com` traffic (spot
 * and linear alike), in fixed windows; going over is answered with HTTP 403 "access too frequent" and an
 * IP ban of at least 10 minutes, so the limit must never be touched. Bybit reports no usage on public
 * endpoints, so the phase of its windows is unknown to the client, and a client-side fixed window could
 * put two budgets into one of Bybit's. A token bucket bounds ANY 5 s: 500 per 5 s (100/s) with a burst of
 * 40 lets at most 540 through, and the 60 left absorb requests bunched by network jitter.
 */
export const BYBIT_RATE: RateLimit = { limit: 500, intervalMs: 5000, burst: 40, name: 'ip-5s' };

/**
 * The rate-limit key both Bybit exchange ids acquire under: one IP budget for `bybit` and
 * `bybit-linear`, so running both at once cannot add up to a ban.
 */
export const BYBIT_LIMIT_KEY = 'bybit' as const;

/** How long Bybit bans an IP after "access too frequent" (at least 10 minutes), ms. */
export const BYBIT_BAN_MS = 600_000;

/** Seconds → Bybit kline interval, or `undefined`. */
export function bybitInterval(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(BYBIT_INTERVALS)) if (s === spanS) return name;
  return undefined;
}

/** Seconds → Bybit open-interest `intervalTime`, or `undefined`. */
export function bybitOiInterval(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(BYBIT_OI_INTERVALS)) if (s === spanS) return name;
  return undefined;
}
