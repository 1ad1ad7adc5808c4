/**
 * The in-process {@link RateLimiter}: token buckets per exchange, a FIFO queue of waiters per exchange,
 * and one timer for the head of each queue (armed only while someone waits; no polling loop).
 *
 * @module
 */
import { ClosedError, UnknownExchangeError, ValidationError } from '../../core/errors.js';
import { abortErrorFrom } from '../sleep.js';
import { type BucketState, chargeOf, createBucket, refill, take, waitMs } from './token-bucket.js';
import {
  type AcquireOptions,
  type Limiter,
  type NormalizedRateLimit,
  normalizeRateSpec,
  type RateSpec,
  type Rates,
} from './types.js';

/** Options of {@link RateLimiter}. */
export type RateLimiterOptions = {
  /**
   * Limits applied to an exchange that `rates` does not name. When absent, `acquire()` on an unknown
   * exchange rejects with `UnknownExchangeError` listing the configured ones.
   * @default undefined
   */
  defaultRate?: RateSpec;
  /**
   * Monotonic clock in ms (injectable for tests). Timers still use real time.
   * @default performance.now
   */
  now?: () => number;
};

/** A snapshot of one exchange's limiter state, from {@link RateLimiter.stats}. */
export type RateLimiterStats = {
  /** Callers queued behind the head (including it). */
  waiting: number;
  /** Milliseconds left of the pause in force (0 when not paused). */
  pausedForMs: number;
  /** Tokens available now in each limit (negative after an over-burst request). */
  limits: { name: string; tokens: number; burst: number; limit: number; intervalMs: number }[];
};

type Waiter = {
  cost: number;
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
};

type ExchangeState = {
  readonly name: string;
  readonly limits: readonly NormalizedRateLimit[];
  readonly buckets: BucketState[];
  readonly queue: Waiter[];
  pausedUntil: number;
  timer: ReturnType<typeof setTimeout> | undefined;
};

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Global per-exchange rate limiter (token bucket, continuous refill on a monotonic clock).
 *
 * - `rates` maps exchange id → requests per second (the seed's form), one {@link RateLimit}, or
 *   several (e.g. Binance: 6000 weight per minute and a raw-request count); every limit must allow a
 *   request before it proceeds.
 * - Waiters are served first in, first out: a heavy request at the head is never starved by light
 *   ones behind it (they wait behind it).
 * - A cost above a bucket's `burst` is allowed: it waits for a full bucket, then drives it negative,
 *   so the long-run rate still holds and nothing deadlocks.
 * - {@link RateLimiter.pause} (a 429 or `Retry-After`) stops every caller of that exchange.
 * - The fast path (tokens available, nobody queued, not paused) takes the tokens synchronously and
 *   returns an already-resolved promise: no timer, no allocation.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ coinbase: 10, binance: [{ limit: 6000, intervalMs: 60_000, name: 'weight' }] });
 * await limiter.acquire('binance', 2);
 * ```
 */
export class RateLimiter implements Limiter {
  readonly #states = new Map<string, ExchangeState>();
  readonly #defaultLimits: readonly NormalizedRateLimit[] | undefined;
  readonly #now: () => number;
  #closed = false;

  constructor(rates: Rates = {}, options: RateLimiterOptions = {}) {
    if (typeof rates !== 'object' || rates === null) {
      throw new ValidationError('rates', rates, 'an object of exchange id → rate');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new ValidationError('options.now', options.now, 'a function returning monotonic ms');
    }
    this.#now = options.now ?? (() => performance.now());
    this.#defaultLimits =
      options.defaultRate === undefined ? undefined : normalizeRateSpec('defaultRate', options.defaultRate);
    for (const [exchange, spec] of Object.entries(rates)) {
      this.#states.set(exchange, this.#createState(exchange, normalizeRateSpec(exchange, spec)));
    }
  }

  /**
   * Waits until `cost` tokens are available for `exchange` in every limit, then takes them (FIFO).
   *
   * @param cost request weight, a positive finite number. @default 1
   * @throws ValidationError for a bad cost; UnknownExchangeError for an exchange without limits (and no
   *   `defaultRate`); AbortError when `options.signal` aborts; ClosedError after {@link close}.
   */
  acquire(exchange: string, cost = 1, options?: AcquireOptions): Promise<void> {
    if (typeof cost !== 'number' || !(cost > 0) || cost === Number.POSITIVE_INFINITY) {
      return Promise.reject(new ValidationError('cost', cost, 'a positive, finite number'));
    }
    if (this.#closed) return Promise.reject(new ClosedError('RateLimiter'));
    let state: ExchangeState;
    try {
      state = this.#stateOf(exchange);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));

    // Fast path: nobody queued, not paused, every bucket can pay now.
    if (state.queue.length === 0) {
      const now = this.#now();
      if (now >= state.pausedUntil && this.#waitFor(state, cost, now) === 0) {
        this.#takeAll(state, cost);
        return RESOLVED;
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { cost, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.#cancel(state, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      state.queue.push(waiter);
      if (state.queue.length === 1) this.#drain(state);
    });
  }

  /**
   * Pauses every caller of `exchange` for `ms` milliseconds from now. A shorter pause never shortens a
   * longer one in force. `reason` is informational.
   *
   * @throws ValidationError for a negative or non-finite `ms`; UnknownExchangeError as `acquire` does.
   */
  pause(exchange: string, ms: number, _reason?: string): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new ValidationError('ms', ms, 'a finite number of ms ≥ 0');
    }
    if (this.#closed) return;
    const state = this.#stateOf(exchange);
    const until = this.#now() + ms;
    if (until > state.pausedUntil) {
      state.pausedUntil = until;
      if (state.queue.length > 0) this.#drain(state);
    }
  }

  /** Whether `exchange` has limits configured, or `defaultRate` applies to it. */
  has(exchange: string): boolean {
    return this.#states.has(exchange) || this.#defaultLimits !== undefined;
  }

  /** A snapshot of `exchange`'s queue, pause and buckets (refilled to now). */
  stats(exchange: string): RateLimiterStats {
    const state = this.#stateOf(exchange);
    const now = this.#now();
    return {
      waiting: state.queue.length,
      pausedForMs: Math.max(0, state.pausedUntil - now),
      limits: state.limits.map((limit, i) => {
        const bucket = state.buckets[i]!;
        refill(bucket, limit, now);
        return {
          name: limit.name,
          tokens: bucket.tokens,
          burst: limit.burst,
          limit: limit.limit,
          intervalMs: limit.intervalMs,
        };
      }),
    };
  }

  /** Clears the timers and rejects every pending waiter with `ClosedError`; later calls reject too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const state of this.#states.values()) {
      if (state.timer !== undefined) clearTimeout(state.timer);
      state.timer = undefined;
      const pending = state.queue.splice(0);
      for (const waiter of pending) {
        this.#detach(waiter);
        waiter.reject(new ClosedError('RateLimiter'));
      }
    }
  }

  #stateOf(exchange: string): ExchangeState {
    const known = this.#states.get(exchange);
    if (known) return known;
    if (typeof exchange !== 'string' || exchange === '') {
      throw new ValidationError('exchange', exchange, 'a non-empty exchange id');
    }
    if (this.#defaultLimits === undefined) {
      throw new UnknownExchangeError(exchange, [...this.#states.keys()]);
    }
    const state = this.#createState(exchange, this.#defaultLimits);
    this.#states.set(exchange, state);
    return state;
  }

  #createState(name: string, limits: readonly NormalizedRateLimit[]): ExchangeState {
    const now = this.#now();
    return {
      name,
      limits,
      buckets: limits.map((limit) => createBucket(limit, now)),
      queue: [],
      pausedUntil: Number.NEGATIVE_INFINITY,
      timer: undefined,
    };
  }

  /** Longest wait (ms) any bucket imposes on `cost`, refilling them to `now` on the way. */
  #waitFor(state: ExchangeState, cost: number, now: number): number {
    let wait = 0;
    for (let i = 0; i < state.limits.length; i++) {
      const limit = state.limits[i]!;
      const bucket = state.buckets[i]!;
      refill(bucket, limit, now);
      const w = waitMs(bucket, limit, chargeOf(limit, cost));
      if (w > wait) wait = w;
    }
    return wait;
  }

  #takeAll(state: ExchangeState, cost: number): void {
    for (let i = 0; i < state.limits.length; i++) {
      take(state.buckets[i]!, chargeOf(state.limits[i]!, cost));
    }
  }

  /** Serves waiters from the head while they can pay; arms one timer for the head otherwise. */
  #drain(state: ExchangeState): void {
    if (state.timer !== undefined) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    const now = this.#now();
    while (state.queue.length > 0) {
      if (now < state.pausedUntil) {
        this.#arm(state, state.pausedUntil - now);
        return;
      }
      const head = state.queue[0]!;
      const wait = this.#waitFor(state, head.cost, now);
      if (wait > 0) {
        this.#arm(state, wait);
        return;
      }
      this.#takeAll(state, head.cost);
      state.queue.shift();
      this.#detach(head);
      head.resolve();
    }
  }

  #arm(state: ExchangeState, ms: number): void {
    // Timers round to whole ms; ceil so the head is (almost always) payable when it fires. If it is
    // not (clock granularity), #drain simply arms again.
    state.timer = setTimeout(
      () => {
        state.timer = undefined;
        this.#drain(state);
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  #cancel(state: ExchangeState, waiter: Waiter): void {
    const index = state.queue.indexOf(waiter);
    if (index === -1) return;
    state.queue.splice(index, 1);
    waiter.reject(abortErrorFrom(waiter.signal as AbortSignal));
    // The head left: the next waiter may be payable now, or needs its own timer.
    if (index === 0) {
      if (state.queue.length > 0) this.#drain(state);
      else if (state.timer !== undefined) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
    }
  }

  #detach(waiter: Waiter): void {
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
  }
}
