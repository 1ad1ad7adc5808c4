/**
 * The documented rate limit of each exchange, scaled, as a fleet worker's shared limiter needs them
 * before any adapter exists; optionally with another limit per window (a share of an IP's allowance, or
 * a simulator's smaller budget).
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import { BINANCE_RATE } from '../adapters/binance/capabilities.js';
import { COINBASE_RATE } from '../adapters/coinbase/capabilities.js';
import { KRAKEN_RATE } from '../adapters/kraken/capabilities.js';
import { scaleLimit } from '../adapters/values.js';
import type { RateLimit } from '../transport/rate-limit/types.js';

/** `rate` with `limit` per window (or interval) instead of its own; a fixed window's margin shrinks with it. */
export function withLimit(rate: RateLimit, limit: number): RateLimit {
  if (rate.kind === 'fixed-window') {
    const margin = Math.ceil(((rate.margin ?? 0) * limit) / rate.limit);
    return { ...rate, limit, margin: Math.min(margin, limit - 1) };
  }
  return { ...rate, limit };
}

/** Each exchange's documented limit times `scale` (as a simulator with the same scale applies it). */
export function scaledRates(scale: number, limit?: number): Record<ExchangeId, RateLimit> {
  const one = (r: RateLimit): RateLimit => {
    const scaled = scaleLimit(r, scale);
    return limit === undefined ? scaled : withLimit(scaled, limit);
  };
  return { binance: one(BINANCE_RATE), coinbase: one(COINBASE_RATE), kraken: one(KRAKEN_RATE) };
}
