/**
 * Rate limiting: the shared {@link Limiter} contract and its implementations.
 *
 * @module
 */
export { RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './limiter.js';
export { RedisRateLimiter } from './redis-limiter.js';
export type { RedisRateLimiterOptions, UnavailablePolicy } from './redis-options.js';
export {
  type AcquireOptions,
  type Limiter,
  type NormalizedRateLimit,
  normalizeRateSpec,
  type RateLimit,
  type RateSpec,
  type Rates,
} from './types.js';
