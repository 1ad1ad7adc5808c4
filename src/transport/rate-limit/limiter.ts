/**
 * The in-process {@link RateLimiter}: token buckets and fixed windows per exchange, a FIFO queue of
 * waiters per exchange, and one timer for the head of each queue (armed only while someone waits; no
 * polling loop).
 *
 * @module
 */
import { ClosedError, UnknownExchangeError, ValidationError } from '../../core/errors.js';
import { abortErrorFrom } from '../sleep.js';
import {
  applyObservation,
  createWindow,
  estimate,
  roll,
  type WindowState,
  windowTake,
  windowWaitMs,
} from './fixed-window.js';
import { type BucketState, chargeOf, createBucket, refill, take, waitMs } from './token-bucket.js';
import {
  type AcquireOptions,
  type Limiter,
  type LimitGrant,
  type NormalizedRateLimit,
  normalizeRateSpec,
  type Observation,
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
  /**
   * Epoch clock in ms that fixed windows are aligned to (injectable for tests).
   * @default Date.now
   */
  epochNow?: () => number;
};

/**
 * Before any response has been seen, a grant this close (ms) to a fixed window's end is also counted in
 * the next window. Afterwards the limiter uses the slowest recent grant-to-response time it observed.
 */
const INITIAL_EDGE_MS = 500;
/** Per observation, the remembered slowest round trip decays by this factor toward recent ones. */
const EDGE_DECAY = 0.98;

/** A snapshot of one exchange's limiter state, from {@link RateLimiter.stats}. */
export type RateLimiterStats = {
  /** Callers queued behind the head (including it). */
  waiting: number;
  /** Milliseconds left of the pause in force (0 when not paused). */
  pausedForMs: number;
  /**
   * Per limit: tokens available now (bucket; negative after an over-burst request), or budget left in
   * the current window (fixed window: `burst - used`, with `used` the estimate of the server's count).
   */
  limits: {
    name: string;
    kind: 'token-bucket' | 'fixed-window';
    tokens: number;
    burst: number;
    limit: number;
    intervalMs: number;
    /** Fixed windows: the estimated count of the current window (ours plus others' seen). */
    used?: number;
  }[];
};

type Waiter = {
  cost: number;
  resolve: (grant: LimitGrant | undefined) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
};

type ExchangeState = {
  readonly name: string;
  readonly limits: readonly NormalizedRateLimit[];
  readonly buckets: BucketState[];
  /** Per limit: its window state (fixed windows) or undefined (buckets). */
  readonly windows: (WindowState | undefined)[];
  readonly queue: Waiter[];
  /** How close to a window's end a grant is also counted in the next window (ms). */
  edgeMs: number;
  pausedUntil: number;
  timer: ReturnType<typeof setTimeout> | undefined;
};

const RESOLVED: Promise<undefined> = Promise.resolve(undefined);

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
 * - A fixed-window limit (`kind: 'fixed-window'`, e.g. Binance's 6000 weight per minute) lets its whole
 *   budget go at once and then waits for the next window; {@link RateLimiter.observe} adopts what the
 *   server reports it counted when that is higher (other programs on the same IP).
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
  readonly #epochNow: () => number;
  #closed = false;

  constructor(rates: Rates = {}, options: RateLimiterOptions = {}) {
    if (typeof rates !== 'object' || rates === null) {
      throw new ValidationError('rates', rates, 'an object of exchange id → rate');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new ValidationError('options.now', options.now, 'a function returning monotonic ms');
    }
    if (options.epochNow !== undefined && typeof options.epochNow !== 'function') {
      throw new ValidationError('options.epochNow', options.epochNow, 'a function returning epoch ms');
    }
    this.#now = options.now ?? (() => performance.now());
    this.#epochNow = options.epochNow ?? (() => Date.now());
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
   * Resolves with a {@link LimitGrant} when the exchange has a fixed-window limit (hand it to
   * {@link observe} with the response's usage), else with `undefined`.
   *
   * @throws ValidationError for a bad cost, or one above a fixed window's budget (it could never be
   *   granted); UnknownExchangeError for an exchange without limits (and no `defaultRate`); AbortError
   *   when `options.signal` aborts; ClosedError after {@link close}.
   */
  acquire(exchange: string, cost = 1, options?: AcquireOptions): Promise<LimitGrant | undefined> {
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
    for (let i = 0; i < state.limits.length; i++) {
      const limit = state.limits[i]!;
      if (limit.kind === 'fixed-window' && chargeOf(limit, cost) > limit.burst) {
        return Promise.reject(
          new ValidationError(
            'cost',
            cost,
            `at most ${limit.burst}, the budget per window of ${exchange}'s limit "${limit.name}"`,
          ),
        );
      }
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));

    // Fast path: nobody queued, not paused, every limit can pay now.
    if (state.queue.length === 0) {
      const now = this.#now();
      if (now >= state.pausedUntil && this.#waitFor(state, cost, now) === 0) {
        const grant = this.#takeAll(state, cost);
        return grant === undefined ? RESOLVED : Promise.resolve(grant);
      }
    }
    return new Promise<LimitGrant | undefined>((resolve, reject) => {
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

  /**
   * Learns from one response of `exchange`: each reported usage of a fixed-window limit (matched by
   * name) is adopted when it is higher than this limiter's own count for the window the request was
   * granted in (`observation.grant`), and `elapsedMs` refines how close to a window's end a grant is
   * also counted in the next window. Reports for unknown limit names, token buckets or earlier windows
   * are ignored. Waiters are re-planned when the estimate rose.
   */
  observe(exchange: string, observation: Observation): void {
    if (this.#closed) return;
    const state = this.#states.get(exchange);
    if (state === undefined || typeof observation !== 'object' || observation === null) return;
    const elapsed = observation.elapsedMs;
    if (typeof elapsed === 'number' && Number.isFinite(elapsed) && elapsed >= 0) {
      state.edgeMs = Math.max(elapsed, state.edgeMs * EDGE_DECAY);
    }
    const rose = applyObservation(state.limits, state.windows, observation, this.#epochNow());
    // A higher count only delays: a waiter's timer that fires early re-arms itself, but one planned for
    // "now" must not see a stale plan.
    if (rose && state.queue.length > 0) this.#drain(state);
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
        const window = state.windows[i];
        const base = {
          name: limit.name,
          kind: limit.kind,
          burst: limit.burst,
          limit: limit.limit,
          intervalMs: limit.intervalMs,
        };
        if (window !== undefined) {
          roll(window, limit, this.#epochNow());
          const used = estimate(window);
          return { ...base, tokens: limit.burst - used, used };
        }
        const bucket = state.buckets[i]!;
        refill(bucket, limit, now);
        return { ...base, tokens: bucket.tokens };
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
    const epoch = this.#epochNow();
    return {
      name,
      limits,
      buckets: limits.map((limit) => createBucket(limit, now)),
      windows: limits.map((limit) =>
        limit.kind === 'fixed-window' ? createWindow(limit, epoch) : undefined,
      ),
      queue: [],
      edgeMs: INITIAL_EDGE_MS,
      pausedUntil: Number.NEGATIVE_INFINITY,
      timer: undefined,
    };
  }

  /** Longest wait (ms) any limit imposes on `cost`, refilling buckets and rolling windows to now. */
  #waitFor(state: ExchangeState, cost: number, now: number): number {
    let wait = 0;
    let epoch: number | undefined;
    for (let i = 0; i < state.limits.length; i++) {
      const limit = state.limits[i]!;
      const window = state.windows[i];
      let w: number;
      if (window !== undefined) {
        epoch ??= this.#epochNow();
        roll(window, limit, epoch);
        w = windowWaitMs(window, limit, chargeOf(limit, cost), epoch);
      } else {
        const bucket = state.buckets[i]!;
        refill(bucket, limit, now);
        w = waitMs(bucket, limit, chargeOf(limit, cost));
      }
      if (w > wait) wait = w;
    }
    return wait;
  }

  /** Takes `cost` from every limit; returns the grant's window marks when there are fixed windows. */
  #takeAll(state: ExchangeState, cost: number): LimitGrant | undefined {
    let marks: { name: string; window: number; after: number; carried: number }[] | undefined;
    for (let i = 0; i < state.limits.length; i++) {
      const limit = state.limits[i]!;
      const window = state.windows[i];
      if (window !== undefined) {
        const taken = windowTake(window, limit, chargeOf(limit, cost), this.#epochNow(), state.edgeMs);
        marks ??= [];
        marks.push({ name: limit.name, window: window.window, ...taken });
      } else {
        take(state.buckets[i]!, chargeOf(limit, cost));
      }
    }
    return marks === undefined ? undefined : { marks };
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
      const grant = this.#takeAll(state, head.cost);
      state.queue.shift();
      this.#detach(head);
      head.resolve(grant);
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
