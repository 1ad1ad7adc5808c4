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
  type FixedWindowLimit,
  type Limiter,
  type LimitGrant,
  type NormalizedRateLimit,
  normalizeRateSpec,
  type Observation,
  type RateLimit,
  type RateSpec,
  type Rates,
  type ReportedUsage,
  type TokenBucketLimit,
} from './types.js';
