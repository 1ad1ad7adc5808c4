/**
 * What Coinbase Exchange offers: granularities, page sizes and the public rate limit.
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';

/** Candle granularities in seconds: 1m, 5m, 15m, 1h, 6h, 1d (no 4h, 30m, 2h or 12h). */
export const COINBASE_GRANULARITIES = [60, 300, 900, 3600, 21_600, 86_400] as const;

/**
 * Candles: 300 per request. The server takes `start..end` inclusive at both ends and rejects a range
 * of more than 300 buckets, so a page of `limit` bars asks for `start..start + (limit - 1)·g`.
 */
export const COINBASE_OHLC_CAPABILITY: Capability = {
  maxPerRequest: 300,
  pageDirection: 'forward',
  spans: COINBASE_GRANULARITIES,
  cost: 1,
};

/**
 * Trades: 1000 per request. The endpoint is newest-first by cursor, but the adapter jumps to the window
 * by trade id and pages forward, so its pages come out ascending.
 */
export const COINBASE_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: 1,
};

/**
 * Public endpoints: 10 requests per second per IP, bursts to 15. The client's burst is 10: the server's
 * bucket then always holds ≥ 5 spare tokens, absorbing requests that arrive bunched by network jitter.
 */
export const COINBASE_RATE: RateLimit = { limit: 10, intervalMs: 1000, burst: 10, name: 'public' };
