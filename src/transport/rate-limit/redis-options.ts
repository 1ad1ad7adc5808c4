/**
 * Options of {@link RedisRateLimiter}, their defaults, and their validation (done once, in the
 * constructor).
 *
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis';
import { ValidationError } from '../../core/errors.js';
import { assertNonNegativeNumber, assertPositiveNumber } from '../../core/validate.js';
import type { RateSpec } from './types.js';

/** What a {@link RedisRateLimiter} does while Redis cannot be reached. */
export type UnavailablePolicy = 'fail' | 'local';

/** Options of {@link RedisRateLimiter}. */
export type RedisRateLimiterOptions = {
  /**
   * The Redis server: a `redis://` (or `rediss://`) URL, for which the limiter opens and later closes its
   * own connections, or an ioredis instance you own (the limiter never quits it; it opens one
   * `duplicate()` for pub/sub, which it does close).
   */
  redis: string | Redis;
  /**
   * Prefix of every key and of the pub/sub channel. Keys are `<prefix>:<exchange>:<limitName>` (a hash)
   * and `<prefix>:<exchange>:pause`; the channel is `<prefix>:pause`. Processes that share a limit must
   * use the same prefix and the same rates.
   * @default 'tickwire:rl'
   */
  keyPrefix?: string;
  /**
   * What to do while Redis is unreachable. `'local'`: fall back to a local token bucket at `localShare`
   * of the rate (one warning through `onWarning`), keep reconnecting, share again once Redis is back.
   * `'fail'`: reject `acquire` with `LimiterUnavailableError`.
   * @default 'local'
   */
  onUnavailable?: UnavailablePolicy;
  /**
   * Fraction (0, 1] of each rate (and burst) one process uses on its own during an outage. The processes
   * together stay within the exchange's limit only if `localShare × processes ≤ 1`: set it to
   * `1 / processes`.
   * @default 0.25
   */
  localShare?: number;
  /**
   * Extra ms a bucket key lives after it would have refilled completely. A missing key is a full bucket,
   * so expiry loses nothing; it only keeps Redis clean of exchanges no longer used.
   * @default 60_000
   */
  idleExpireMs?: number;
  /** Limits of exchanges not named in `rates`. Without it, such an exchange is an `UnknownExchangeError`. */
  defaultRate?: RateSpec;
  /**
   * How long one Redis call (or the first connection) may take before Redis counts as unavailable. After
   * a timeout the limiter stays local for this long before it tries Redis again.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Listen on the pub/sub channel so that a pause set by another process wakes this process's waiters at
   * once (the pause is enforced by the script either way; this only saves round trips and lets the local
   * fallback honour pauses seen before an outage).
   * @default true
   */
  subscribe?: boolean;
  /**
   * Receives one message when Redis becomes unavailable and one when sharing resumes.
   * @default process.emitWarning
   */
  onWarning?: (message: string) => void;
  /**
   * Extra ioredis options for the connections the limiter opens from a URL (e.g. `retryStrategy`). The
   * limiter sets `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` on its command connection so an
   * outage is detected at once rather than queued; you may override them.
   * @default {}
   */
  redisOptions?: RedisOptions;
  /**
   * Local monotonic clock in ms, used only to time sleeps and the local fallback (never sent to Redis).
   * @default performance.now
   */
  clock?: () => number;
};

/** {@link RedisRateLimiterOptions} with defaults resolved (except the connection). */
export type ResolvedRedisOptions = Required<
  Omit<RedisRateLimiterOptions, 'redis' | 'defaultRate' | 'redisOptions'>
> & {
  defaultRate: RateSpec | undefined;
  redisOptions: RedisOptions;
};

/** Validates `options` and resolves its defaults. */
export function resolveRedisOptions(options: RedisRateLimiterOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', options, 'an object with at least `redis`');
  }
  const { redis } = options;
  if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null || !('evalsha' in redis))) {
    throw new ValidationError('options.redis', redis, 'a redis:// URL or an ioredis instance');
  }
  if (typeof redis === 'string' && !/^rediss?:\/\//.test(redis)) {
    throw new ValidationError('options.redis', redis, 'a redis:// or rediss:// URL');
  }
  const {
    keyPrefix = 'tickwire:rl',
    onUnavailable = 'local',
    localShare = 0.25,
    idleExpireMs = 60_000,
    timeoutMs = 1000,
    subscribe = true,
    onWarning = (message: string) => process.emitWarning(message, 'TickwireWarning'),
    redisOptions = {},
    clock = () => performance.now(),
  } = options;
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) {
    throw new ValidationError('options.keyPrefix', keyPrefix, 'a non-empty string');
  }
  if (onUnavailable !== 'fail' && onUnavailable !== 'local') {
    throw new ValidationError('options.onUnavailable', onUnavailable, '"fail" or "local"');
  }
  if (typeof localShare !== 'number' || !(localShare > 0 && localShare <= 1)) {
    throw new ValidationError('options.localShare', localShare, 'a fraction in (0, 1]');
  }
  assertNonNegativeNumber('options.idleExpireMs', idleExpireMs);
  assertPositiveNumber('options.timeoutMs', timeoutMs);
  if (typeof subscribe !== 'boolean') throw new ValidationError('options.subscribe', subscribe, 'a boolean');
  if (typeof onWarning !== 'function')
    throw new ValidationError('options.onWarning', onWarning, 'a function');
  if (typeof clock !== 'function') throw new ValidationError('options.clock', clock, 'a function');
  return {
    keyPrefix,
    onUnavailable,
    localShare,
    idleExpireMs,
    timeoutMs,
    subscribe,
    onWarning,
    redisOptions,
    clock,
    defaultRate: options.defaultRate,
  };
}
