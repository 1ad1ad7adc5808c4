/**
 * The rate-limit contract shared by the in-process {@link RateLimiter} and the Redis-backed limiter:
 * the shape of the rates, the {@link Limiter} interface adapters and the HTTP client depend on, and the
 * one function that turns user input into normalised limits.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';

/**
 * A token bucket (the default kind): `limit` tokens per `intervalMs`, refilled continuously, at most
 * `burst` held. Coinbase's "10 requests per second, burst 15" is one; so is Kraken's decaying call
 * counter (the counter decays at the refill rate and may not pass its maximum: a bucket seen upside down).
 */
export type TokenBucketLimit = {
  /** The kind of limit. @default 'token-bucket' */
  kind?: 'token-bucket';
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

/**
 * A fixed window, as exchanges that count per window count: at most `limit` per window of `windowMs`,
 * windows aligned to the clock (epoch ms multiples of `windowMs`, shifted by `offsetMs`), the count
 * starting from zero at each window's start. Binance spot: 6000 request weight per 1-minute window per IP
 * (`{ kind: 'fixed-window', limit: 6000, windowMs: 60_000 }`); OKX's "20 requests per 2 s" is
 * `{ kind: 'fixed-window', limit: 20, windowMs: 2000, counts: 'requests' }`; Bybit's "600 requests per
 * 5 s per IP" is `{ kind: 'fixed-window', limit: 600, windowMs: 5000, counts: 'requests' }`.
 *
 * The whole window may be spent at once (a short job runs at the latency bound), so what protects the
 * exchange is exact accounting, not spreading:
 * - the limiter counts what it granted in the window, and adopts what the server reports it counted
 *   (`Limiter.observe`, e.g. from Binance's `X-MBX-USED-WEIGHT-1M`) when that is higher, so other programs
 *   on the same IP are accounted for;
 * - a request granted so close to a window's end that it may reach the server in the next window (within
 *   the slowest recent round trip the limiter has seen, at most a tenth of the window) is counted in both;
 * - `margin` is kept unspent in every window, for what cannot be seen in time (another program's requests
 *   during one round trip, clock jitter).
 */
export type FixedWindowLimit = {
  /** The kind of limit. */
  kind: 'fixed-window';
  /** The most that may be counted in one window (the exchange's documented number). */
  limit: number;
  /** Window length in ms (Binance: 60_000). */
  windowMs: number;
  /**
   * Left unspent in every window: the usable budget is `limit - margin`. Keep it small and state why.
   * @default 0
   */
  margin?: number;
  /**
   * Where windows start, in ms after each multiple of `windowMs` of the epoch clock: 0 for windows aligned
   * to the clock (Binance's minutes). Also the place to correct a known offset between this machine's
   * clock and the exchange's.
   * @default 0
   */
  offsetMs?: number;
  /**
   * What one `acquire(exchange, cost)` counts: `'cost'` counts `cost` (request weight), `'requests'`
   * always counts 1.
   * @default 'cost'
   */
  counts?: 'cost' | 'requests';
  /**
   * Label for errors and metrics, and the name a server-reported usage is matched by
   * (`Limiter.observe`). @default `"limit<N>"`
   */
  name?: string;
};

/** One limit of an exchange: a {@link TokenBucketLimit} (the default kind) or a {@link FixedWindowLimit}. */
export type RateLimit = TokenBucketLimit | FixedWindowLimit;

/** The limits of one exchange: requests per second (the seed's form), one {@link RateLimit}, or several. */
export type RateSpec = number | RateLimit | readonly RateLimit[];

/** Exchange id → its limits. */
export type Rates = Readonly<Record<string, RateSpec>>;

/**
 * A {@link RateLimit} with every default resolved. For a fixed window, `intervalMs` is the window,
 * `burst` the usable budget per window (`limit - margin`) and `ratePerMs` its average rate (what a
 * bucket-shaped fallback, such as the Redis limiter's during an outage, uses).
 */
export type NormalizedRateLimit = {
  /** The kind of limit. */
  kind: 'token-bucket' | 'fixed-window';
  /** Tokens per `intervalMs` (bucket), or the most counted per window (fixed window). */
  limit: number;
  /** Refill period (bucket) or window length (fixed window), ms. */
  intervalMs: number;
  /** Bucket capacity, or the budget usable per window (`limit - margin`). */
  burst: number;
  /** What one acquire counts. */
  counts: 'cost' | 'requests';
  /** The limit's label. */
  name: string;
  /** Kept unspent per window (0 for a bucket). */
  margin: number;
  /** Window start offset in ms (0 for a bucket). */
  offsetMs: number;
  /** Tokens added per millisecond: `limit / intervalMs` (`burst / intervalMs` for a fixed window). */
  ratePerMs: number;
};

/**
 * What a server said it counted for one limit, read from a response (Binance: `X-MBX-USED-WEIGHT-1M`
 * → `{ name: 'weight-1m', used: 1234 }`).
 */
export type ReportedUsage = {
  /** The limit's `name` in the exchange's rates. */
  name: string;
  /** What the server has counted in its current window, this request included. */
  used: number;
};

/**
 * What a limiter may hand back from `acquire`, to be passed to `observe` with the response's usage: it
 * ties the report to the window (and place in it) the request was granted in. Opaque to callers.
 */
export type LimitGrant = {
  /** Per fixed-window limit: its name, the window index and the count after this grant. */
  readonly marks: readonly {
    readonly name: string;
    readonly window: number;
    readonly after: number;
    /** What the grant also counted in the next window (it fell near the window's end). */
    readonly carried?: number;
  }[];
};

/** What {@link Limiter.observe} is told about one response. */
export type Observation = {
  /** Usage the server reported, per limit (may be empty). */
  usage: readonly ReportedUsage[];
  /** What `acquire` returned for this request, when it returned something. */
  grant?: LimitGrant | undefined;
  /** Milliseconds from the grant to the response: the limiter's estimate of how late a request may be counted. */
  elapsedMs?: number;
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
   * Waiters are served first in, first out. May resolve with a {@link LimitGrant} to pass to
   * {@link Limiter.observe}; limiters without fixed windows resolve with nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: limiters written before grants existed resolve with nothing (`Promise<void>`), and stay valid.
  acquire(exchange: string, cost?: number, options?: AcquireOptions): Promise<LimitGrant | undefined | void>;
  /**
   * Stops every caller of `exchange` for `ms` milliseconds (a 429, 418 or `Retry-After` seen by one caller
   * pauses all of them). A shorter pause never shortens a longer one in force.
   */
  pause(exchange: string, ms: number, reason?: string): void | Promise<void>;
  /**
   * Optional: learns from one response of `exchange` (the HTTP client calls it after every response
   * when present). A fixed-window limit adopts the server-reported usage when it is higher than its own
   * count for the window the request was granted in.
   */
  observe?(exchange: string, observation: Observation): void | Promise<void>;
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
    const { limit, counts = 'cost', name = `limit${i}` } = raw;
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      throw new ValidationError(`${where}.limit`, limit, 'a positive, finite number of tokens');
    }
    if (counts !== 'cost' && counts !== 'requests') {
      throw new ValidationError(`${where}.counts`, counts, '"cost" or "requests"');
    }
    if (typeof name !== 'string' || name === '') {
      throw new ValidationError(`${where}.name`, name, 'a non-empty string');
    }
    if (raw.kind === 'fixed-window') {
      const { windowMs, margin = 0, offsetMs = 0 } = raw;
      if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs <= 0) {
        throw new ValidationError(`${where}.windowMs`, windowMs, 'a positive, finite number of ms');
      }
      if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0 || limit - margin < 1) {
        throw new ValidationError(
          `${where}.margin`,
          margin,
          `a finite number ≥ 0 and ≤ limit - 1 (${limit - 1})`,
        );
      }
      if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) {
        throw new ValidationError(`${where}.offsetMs`, offsetMs, 'a finite number of ms');
      }
      const budget = limit - margin;
      return {
        kind: 'fixed-window' as const,
        limit,
        intervalMs: windowMs,
        burst: budget,
        counts,
        name,
        margin,
        offsetMs,
        ratePerMs: budget / windowMs,
      };
    }
    if (raw.kind !== undefined && raw.kind !== 'token-bucket') {
      throw new ValidationError(`${where}.kind`, raw.kind, '"token-bucket" or "fixed-window"');
    }
    const { intervalMs = 1000, burst = limit } = raw;
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new ValidationError(`${where}.intervalMs`, intervalMs, 'a positive, finite number of ms');
    }
    if (typeof burst !== 'number' || !Number.isFinite(burst) || burst < 1) {
      throw new ValidationError(`${where}.burst`, burst, 'a finite number ≥ 1');
    }
    return {
      kind: 'token-bucket' as const,
      limit,
      intervalMs,
      burst,
      counts,
      name,
      margin: 0,
      offsetMs: 0,
      ratePerMs: limit / intervalMs,
    };
  });
}
