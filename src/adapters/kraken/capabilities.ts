/**
 * What Kraken spot offers: OHLC intervals, the 720-bar history cap, page sizes and the public rate.
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';

/** OHLC `interval` values, in minutes. */
export const KRAKEN_INTERVALS_MIN = [1, 5, 15, 30, 60, 240, 1440, 10_080, 21_600] as const;

/** How many of the newest bars `/0/public/OHLC` can return at all, whatever `since` says. */
export const KRAKEN_OHLC_HISTORY_BARS = 720;

/** OHLC: up to 720 bars per answer, ascending, only the newest 720 exist. */
export const KRAKEN_OHLC_CAPABILITY: Capability = {
  maxPerRequest: KRAKEN_OHLC_HISTORY_BARS,
  pageDirection: 'forward',
  spans: KRAKEN_INTERVALS_MIN.map((m) => m * 60),
  cost: 1,
};

/** Trades: up to 1000 per request, ascending by the `since` nanosecond cursor. */
export const KRAKEN_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: 1,
};

/**
 * Kraken publishes no number for public calls. Throttling was observed after about 15–30 quick calls,
 * and 1 call per second sustained was fine (ccxt paces at 1/s), so: 1 per second, burst 5.
 */
export const KRAKEN_RATE: RateLimit = { limit: 1, intervalMs: 1000, burst: 5, name: 'public' };
