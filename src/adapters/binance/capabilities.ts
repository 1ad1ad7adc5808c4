/**
 * What Binance spot offers: intervals, page sizes, request weights and the rate limit.
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';

/** Binance interval string → seconds (`1M` is left out: months have no fixed length). */
export const BINANCE_INTERVALS: Readonly<Record<string, number>> = {
  '1s': 1,
  '1m': 60,
  '3m': 180,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '4h': 14_400,
  '6h': 21_600,
  '8h': 28_800,
  '12h': 43_200,
  '1d': 86_400,
  '3d': 259_200,
  '1w': 604_800,
};

/** Request weights of the endpoints the adapter calls. */
export const BINANCE_WEIGHTS = { klines: 2, aggTrades: 4, exchangeInfo: 20, time: 1 } as const;

/** Klines: 1000 per request, ascending, weight 2. */
export const BINANCE_OHLC_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  spans: Object.values(BINANCE_INTERVALS),
  cost: BINANCE_WEIGHTS.klines,
};

/** aggTrades: 1000 per request, ascending by `fromId`, weight 4. */
export const BINANCE_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: BINANCE_WEIGHTS.aggTrades,
};

/**
 * 6000 request weight per minute per IP, counted by Binance in one-minute windows. A token bucket lets
 * through at most `burst + limit` in any 60 s, so the bucket runs at 5800/min with a burst of 100: no
 * 60 s window exceeds 5900, leaving 100 weight for requests that arrive bunched by network jitter, at
 * 97 % of the documented rate.
 */
export const BINANCE_RATE: RateLimit = {
  limit: 5800,
  intervalMs: 60_000,
  burst: 100,
  name: 'weight-1m',
};

/** Seconds → Binance interval string, or `undefined`. */
export function binanceInterval(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(BINANCE_INTERVALS)) if (s === spanS) return name;
  return undefined;
}
