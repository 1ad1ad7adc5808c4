/**
 * The rate-limit contract shared by the in-process {@link RateLimiter} and the Redis-backed limiter:
 * the shape of the rates, the {@link Limiter} interface adapters and the HTTP client depend on, and the
 * one function that turns user input into normalised limits.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';

/** One token-bucket limit. */
export type RateLimit = {
  /** Tokens added per `intervalMs` (the sustained rate). */
  limit: number;
  /**
   * Length of the refill period in ms: `limit` tokens per `intervalMs`.
   * @default 1000
   */
  intervalMs?: number;
  /**
   * Bucket capacity: the most tokens that can be spent at once after an idle period.
   * @default limit
   */
  burst?: number;
  /**
   * What one `acquire(exchange, cost)` takes from this bucket: `'cost'` takes `cost` tokens (request
   * weight), `'requests'` always takes 1 (a raw request count).
   * @default 'cost'
   */
  counts?: 'cost' | 'requests';
  /** Label for errors and metrics, e.g. `"weight-1m"`. @default `"limit<N>"` */
  name?: string;
};

/** The limits of one exchange: requests per second (the seed's form), one {@link RateLimit}, or several. */
export type RateSpec = number | RateLimit | readonly RateLimit[];

/** Exchange id → its limits. */
export type Rates = Readonly<Record<string, RateSpec>>;

/** A {@link RateLimit} with every default resolved. */
export type NormalizedRateLimit = Required<RateLimit> & {
  /** Tokens added per millisecond: `limit / intervalMs`. */
  ratePerMs: number;
};

/** Options of one `acquire` call. */
export type AcquireOptions = {
  /** Aborting removes the waiter from the queue and rejects with an `AbortError`. */
  signal?: AbortSignal;
};

/**
 * What adapters, the HTTP client and the CLI need from a rate limiter. {@link RateLimiter} (in-process)
 * and `RedisRateLimiter` (shared across processes) both implement it.
 */
export interface Limiter {
  /**
   * Waits until `cost` tokens are available for `exchange` in every one of its limits, then takes them.
   * Waiters are served first in, first out.
   */
  acquire(exchange: string, cost?: number, options?: AcquireOptions): Promise<void>;
  /**
   * Stops every caller of `exchange` for `ms` milliseconds (a 429, 418 or `Retry-After` seen by one caller
   * pauses all of them). A shorter pause never shortens a longer one in force.
   */
  pause(exchange: string, ms: number, reason?: string): void | Promise<void>;
  /** Whether `exchange` has limits configured (or a default applies). */
  has(exchange: string): boolean;
  /** Releases timers, connections and rejects pending waiters. */
  close(): void | Promise<void>;
}

/**
 * Resolves one exchange's {@link RateSpec} into validated, normalised limits.
 *
 * @param exchange used in error messages
 */
export function normalizeRateSpec(exchange: string, spec: RateSpec): NormalizedRateLimit[] {
  const list: readonly RateLimit[] =
    typeof spec === 'number' ? [{ limit: spec }] : Array.isArray(spec) ? spec : [spec as RateLimit];
  if (list.length === 0) throw new ValidationError(`rates.${exchange}`, spec, 'at least one limit');
  return list.map((raw, i) => {
    const where = `rates.${exchange}${Array.isArray(spec) ? `[${i}]` : ''}`;
    if (typeof raw !== 'object' || raw === null)
      throw new ValidationError(where, raw, 'a number or a RateLimit');
    const { limit, intervalMs = 1000, burst = limit, counts = 'cost', name = `limit${i}` } = raw;
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      throw new ValidationError(`${where}.limit`, limit, 'a positive, finite number of tokens');
    }
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new ValidationError(`${where}.intervalMs`, intervalMs, 'a positive, finite number of ms');
    }
    if (typeof burst !== 'number' || !Number.isFinite(burst) || burst < 1) {
      throw new ValidationError(`${where}.burst`, burst, 'a finite number ≥ 1');
    }
    if (counts !== 'cost' && counts !== 'requests') {
      throw new ValidationError(`${where}.counts`, counts, '"cost" or "requests"');
    }
    return { limit, intervalMs, burst, counts, name, ratePerMs: limit / intervalMs };
  });
}
