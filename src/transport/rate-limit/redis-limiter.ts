/**
 * A {@link Limiter} whose token buckets live in Redis, so that many processes (or machines) calling one
 * exchange share one limit — Binance, for one, counts request weight per IP.
 *
 * How it works:
 * - Refill-and-take is one Lua script ({@link TAKE_SCRIPT}) over all the limits of an exchange (from all
 *   or from none), timed by the Redis server's clock, so skewed client clocks do not matter.
 * - A refused request learns from the script how long to wait and sleeps that long (plus a little jitter):
 *   no polling loop. Within a process, waiters are served first in, first out: only the queue head's batch
 *   has a script call in flight per exchange, and one call may grant a whole FIFO prefix of the queue.
 * - A fixed-window limit is one hash per limit (window index, granted, others' count, carry-over), in
 *   windows of the Redis server's clock; {@link RedisRateLimiter.observe} adopts a server-reported usage
 *   (another program on the same IP) for every process at once, with the rules of `fixed-window.ts`.
 * - A pause (429, 418, `Retry-After`) is stored in Redis in server time; the script refuses while it is in
 *   force, so every process sees it within one round trip. It is also published on `<prefix>:pause` so
 *   that sleeping waiters re-plan at once.
 * - While Redis is unreachable, the policy `onUnavailable` applies (see {@link RedisRateLimiterOptions}).
 *
 * Fairness across processes is approximate: when tokens are short, each process's queue head asks again
 * when the script says enough tokens will be there, and whichever asks first wins. Over time the share is
 * roughly even between processes that want the same amount, but there is no cross-process queue: a
 * process waiting for a heavy request (cost 10) can be overtaken again and again by processes taking
 * cost 1. Keep costs small relative to the burst if that matters.
 *
 * Limits of the design, stated plainly:
 * - Every process must configure the same rates for an exchange; each applies its own numbers to the
 *   shared bucket.
 * - A Redis that restarts without persistence has lost its buckets; each starts full again, as on the first
 *   run, so one burst may follow an outage on top of what the local fallback spent during it.
 * - One Redis server, not Redis Cluster (the keys of an exchange carry no hash tag).
 *
 * @module
 */
import {
  ClosedError,
  LimiterUnavailableError,
  UnknownExchangeError,
  ValidationError,
} from '../../core/errors.js';
import { assertNonNegativeNumber, assertSignal } from '../../core/validate.js';
import { abortErrorFrom } from '../sleep.js';
import { RedisConnection } from './redis-connection.js';
import { FallbackBucket } from './redis-fallback.js';
import {
  type RedisRateLimiterOptions,
  type ResolvedRedisOptions,
  resolveRedisOptions,
} from './redis-options.js';
import {
  encodeTakeArgs,
  evalScript,
  luaScript,
  OBSERVE_SCRIPT,
  PAUSE_SCRIPT,
  parseTakeReply,
  TAKE_SCRIPT,
} from './redis-script.js';
import { grantsOf, observeCalls, type SeenWindow } from './redis-windows.js';
import {
  type AcquireOptions,
  type Limiter,
  type LimitGrant,
  type NormalizedRateLimit,
  normalizeRateSpec,
  type Observation,
  type Rates,
} from './types.js';

const TAKE = luaScript(TAKE_SCRIPT);
const PAUSE = luaScript(PAUSE_SCRIPT);
const OBSERVE = luaScript(OBSERVE_SCRIPT);
/** As in the in-process limiter: the edge before any round trip was seen, and its decay. */
const INITIAL_EDGE_MS = 500;
const EDGE_DECAY = 0.98;
/** Most waiters one script call may grant. */
const MAX_BATCH = 64;
const EXCHANGE_NAME = /^[A-Za-z0-9_.-]+$/;

type Waiter = {
  cost: number;
  resolve: (grant: LimitGrant | undefined) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
};

type ExchangeState = {
  exchange: string;
  limits: NormalizedRateLimit[];
  /** `[pauseKey, ...bucketKeys]`. */
  keys: string[];
  ttlMs: number[];
  /** Largest cost a request may have: the smallest burst among limits that count cost. */
  maxCost: number;
  queue: Waiter[];
  running: boolean;
  wake: (() => void) | undefined;
  /** Local clock ms until which a known pause is in force. */
  pausedUntil: number;
  fallback: FallbackBucket | undefined;
  /** How close to a window's end a grant is also counted in the next window (ms). */
  edgeMs: number;
  /** Per limit: the window and others' count last seen in Redis (fixed windows), to skip useless reports. */
  seen: SeenWindow[];
};

/** A rate limiter shared by every process that points at the same Redis and key prefix. */
export class RedisRateLimiter implements Limiter {
  readonly #opts: ResolvedRedisOptions;
  readonly #conn: RedisConnection;
  readonly #rates = new Map<string, NormalizedRateLimit[]>();
  readonly #defaultLimits: NormalizedRateLimit[] | undefined;
  readonly #states = new Map<string, ExchangeState>();
  readonly #channel: string;
  #unavailable = false;
  #closed = false;

  /**
   * @param rates exchange id → its limits (validated with `normalizeRateSpec`)
   * @param options the Redis server and the outage policy
   * @throws ValidationError on a bad rate, exchange id or option
   */
  constructor(rates: Rates, options: RedisRateLimiterOptions) {
    this.#opts = resolveRedisOptions(options);
    if (typeof rates !== 'object' || rates === null) {
      throw new ValidationError('rates', rates, 'an object mapping exchange ids to limits');
    }
    for (const [exchange, spec] of Object.entries(rates)) {
      if (!EXCHANGE_NAME.test(exchange)) {
        throw new ValidationError(`rates.${exchange}`, exchange, 'an exchange id of letters, digits, _ . -');
      }
      this.#rates.set(exchange, checkLimits(`rates.${exchange}`, normalizeRateSpec(exchange, spec)));
    }
    const { defaultRate } = this.#opts;
    this.#defaultLimits =
      defaultRate === undefined
        ? undefined
        : checkLimits('options.defaultRate', normalizeRateSpec('defaultRate', defaultRate));
    this.#channel = `${this.#opts.keyPrefix}:pause`;

    this.#conn = new RedisConnection(options.redis, {
      timeoutMs: this.#opts.timeoutMs,
      redisOptions: this.#opts.redisOptions,
      clock: this.#opts.clock,
      channel: this.#opts.subscribe ? this.#channel : undefined,
      // Redis is back: wake every sleeper so that it asks Redis instead of the local fallback.
      onReady: () => {
        for (const s of this.#states.values()) s.wake?.();
      },
      onMessage: (message) => this.#handlePauseMessage(message),
    });
  }

  /**
   * Waits until `cost` tokens are free in every limit of `exchange` (shared through Redis), then takes
   * them. Rejects with `ValidationError` (bad cost, or a cost above the smallest burst), `UnknownExchangeError`,
   * `AbortError`, `ClosedError`, or — with `onUnavailable: 'fail'` during an outage —
   * `LimiterUnavailableError`.
   * @param cost request weight; limits with `counts: 'requests'` take 1 whatever it is. @default 1
   */
  acquire(exchange: string, cost = 1, options: AcquireOptions = {}): Promise<LimitGrant | undefined> {
    let state: ExchangeState;
    const signal = options?.signal;
    try {
      if (this.#closed) throw new ClosedError('RedisRateLimiter');
      assertSignal('options.signal', signal);
      state = this.#state(exchange);
      if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0 || cost > state.maxCost) {
        throw new ValidationError(
          'cost',
          cost,
          `a positive number ≤ ${state.maxCost} (the smallest burst of ${exchange}'s limits)`,
        );
      }
      if (signal?.aborted) throw abortErrorFrom(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const s = state;
    return new Promise<LimitGrant | undefined>((resolve, reject) => {
      const w: Waiter = { cost, resolve, reject, signal, onAbort: undefined, done: false };
      if (signal) {
        w.onAbort = () => {
          const wasHead = s.queue[0] === w;
          this.#settle(s, w, abortErrorFrom(signal));
          if (wasHead) s.wake?.();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      s.queue.push(w);
      if (!s.running) void this.#drain(s);
    });
  }

  /**
   * Pauses `exchange` for every process sharing this Redis for `ms` ms (a longer pause in force is kept).
   * Applies locally at once; during an outage it stays local (and is not an error).
   * @param reason for your logs; not sent to Redis
   */
  async pause(exchange: string, ms: number, reason?: string): Promise<void> {
    void reason;
    if (this.#closed) throw new ClosedError('RedisRateLimiter');
    assertNonNegativeNumber('ms', ms);
    const s = this.#state(exchange);
    this.#pauseLocally(s, ms);
    if (!(await this.#conn.ready())) return;
    try {
      const remaining = await this.#conn.call((client) =>
        evalScript(client, PAUSE, [s.keys[0] as string], [ms, this.#channel, exchange]),
      );
      this.#pauseLocally(s, Number(remaining));
    } catch (error) {
      if (!this.#closed) this.#markUnavailable(error);
    }
  }

  /**
   * Learns from one response of `exchange`: a reported usage of a fixed-window limit that exceeds what
   * the grant's place in the window accounts for is stored in Redis for every process (one script call,
   * made only when it raises what is known); `elapsedMs` refines the window-edge carry-over. Failures
   * are ignored: a report is advice.
   */
  async observe(exchange: string, observation: Observation): Promise<void> {
    if (this.#closed || !this.has(exchange) || typeof observation !== 'object' || observation === null)
      return;
    const s = this.#state(exchange);
    const elapsed = observation.elapsedMs;
    if (typeof elapsed === 'number' && Number.isFinite(elapsed) && elapsed >= 0) {
      s.edgeMs = Math.max(elapsed, s.edgeMs * EDGE_DECAY);
    }
    for (const call of observeCalls(s.limits, s.seen, observation)) {
      if (!(await this.#conn.ready())) return;
      try {
        const others = Number(
          await this.#conn.call((client) =>
            evalScript(client, OBSERVE, [s.keys[call.index + 1] as string], call.args),
          ),
        );
        const seen = s.seen[call.index]!;
        if (others >= 0 && (seen.window !== call.window || others > seen.others)) {
          s.seen[call.index] = { window: call.window, others };
        }
      } catch {
        // Advice only: the next take still counts our own grants.
      }
    }
  }

  /** Whether `exchange` has limits (its own or `defaultRate`). */
  has(exchange: string): boolean {
    return (
      typeof exchange === 'string' &&
      (this.#rates.has(exchange) || (this.#defaultLimits !== undefined && EXCHANGE_NAME.test(exchange)))
    );
  }

  /**
   * Rejects pending waiters with `ClosedError` and closes the connections the limiter opened (never an
   * ioredis instance passed in). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#states.values()) {
      for (const w of [...s.queue]) this.#settle(s, w, new ClosedError('RedisRateLimiter'));
      s.wake?.();
    }
    await this.#conn.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #state(exchange: string): ExchangeState {
    const known = this.#states.get(exchange);
    if (known) return known;
    if (typeof exchange !== 'string' || !EXCHANGE_NAME.test(exchange)) {
      throw new ValidationError('exchange', exchange, 'an exchange id of letters, digits, _ . -');
    }
    const limits = this.#rates.get(exchange) ?? this.#defaultLimits;
    if (!limits) throw new UnknownExchangeError(exchange, [...this.#rates.keys()]);
    const prefix = `${this.#opts.keyPrefix}:${exchange}`;
    const costBursts = limits.filter((l) => l.counts === 'cost').map((l) => l.burst);
    const s: ExchangeState = {
      exchange,
      limits,
      keys: [`${prefix}:pause`, ...limits.map((l) => `${prefix}:${l.name}`)],
      ttlMs: limits.map((l) => Math.ceil(l.burst / l.ratePerMs + this.#opts.idleExpireMs)),
      maxCost: costBursts.length ? Math.min(...costBursts) : Number.POSITIVE_INFINITY,
      queue: [],
      running: false,
      wake: undefined,
      pausedUntil: Number.NEGATIVE_INFINITY,
      fallback: undefined,
      edgeMs: INITIAL_EDGE_MS,
      seen: limits.map(() => ({ window: Number.NaN, others: 0 })),
    };
    this.#states.set(exchange, s);
    return s;
  }

  /** Serves the queue of one exchange until it is empty; only one runs per exchange. */
  async #drain(s: ExchangeState): Promise<void> {
    s.running = true;
    try {
      while (!this.#closed && s.queue.length > 0) {
        const now = this.#opts.clock();
        const waitMs = s.pausedUntil > now ? s.pausedUntil - now : await this.#serve(s);
        if (waitMs > 0 && !this.#closed && s.queue.length > 0) await this.#nap(s, waitMs + jitter(waitMs));
      }
    } catch (error) {
      for (const w of [...s.queue]) this.#settle(s, w, error);
    } finally {
      s.running = false;
    }
  }

  /** Tries the head batch once; returns 0 to go on at once, else the ms to sleep first. */
  async #serve(s: ExchangeState): Promise<number> {
    const batch = s.queue.slice(0, MAX_BATCH);
    if (await this.#conn.ready()) {
      try {
        const args = encodeTakeArgs(
          s.limits,
          batch.map((w) => w.cost),
          s.ttlMs,
          s.edgeMs,
        );
        const reply = parseTakeReply(
          await this.#conn.call((client) => evalScript(client, TAKE, s.keys, args)),
        );
        this.#markAvailable();
        s.fallback = undefined;
        reply.windows.forEach((r, i) => {
          if (s.limits[i]?.kind === 'fixed-window') s.seen[i] = { window: r.window, others: r.others };
        });
        const grants = grantsOf(
          s.limits,
          batch.map((w) => w.cost),
          reply,
        );
        for (let j = 0; j < reply.granted; j++) this.#settle(s, batch[j] as Waiter, undefined, grants?.[j]);
        if (reply.paused) this.#pauseLocally(s, reply.waitMs);
        return reply.granted === batch.length ? 0 : reply.waitMs;
      } catch (error) {
        if (this.#closed) return 0;
        this.#markUnavailable(error);
      }
    } else {
      this.#markUnavailable(new Error(this.#conn.describe()));
    }
    if (this.#opts.onUnavailable === 'fail') {
      const error = new LimiterUnavailableError(
        `The shared rate limiter cannot reach Redis for ${s.exchange}; retry later or use onUnavailable: 'local'.`,
      );
      for (const w of batch) this.#settle(s, w, error);
      return 0;
    }
    const now = this.#opts.clock();
    s.fallback ??= new FallbackBucket(s.limits, this.#opts.localShare, now);
    for (const w of batch) {
      if (w.done) continue;
      const wait = s.fallback.tryTake(w.cost, now);
      if (wait > 0) return wait;
      this.#settle(s, w);
    }
    return 0;
  }

  #markUnavailable(error: unknown): void {
    if (this.#unavailable) return;
    this.#unavailable = true;
    const why = error instanceof Error ? error.message : String(error);
    const then =
      this.#opts.onUnavailable === 'local'
        ? `using a local bucket at ${this.#opts.localShare} of each rate until it is back`
        : 'acquire() fails with LimiterUnavailableError until it is back';
    this.#opts.onWarning(`tickwire: the shared rate limiter cannot reach Redis (${why}); ${then}.`);
  }

  #markAvailable(): void {
    if (!this.#unavailable) return;
    this.#unavailable = false;
    this.#opts.onWarning('tickwire: the shared rate limiter reaches Redis again; limits are shared again.');
  }

  #handlePauseMessage(message: string): void {
    const match = /^(\d+) (.+)$/.exec(message);
    if (!match || this.#closed) return;
    const s = this.has(match[2] as string) ? this.#state(match[2] as string) : undefined;
    if (s) this.#pauseLocally(s, Number(match[1]));
  }

  #pauseLocally(s: ExchangeState, ms: number): void {
    const until = this.#opts.clock() + ms;
    if (until <= s.pausedUntil) return;
    s.pausedUntil = until;
    s.wake?.();
  }

  /** Removes `w` from the queue and resolves it (no `error`, with `grant`) or rejects it. */
  #settle(s: ExchangeState, w: Waiter, error?: unknown, grant?: LimitGrant): void {
    if (w.done) return;
    w.done = true;
    const i = s.queue.indexOf(w);
    if (i >= 0) s.queue.splice(i, 1);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    if (error === undefined) w.resolve(grant);
    else w.reject(error);
  }

  /** Sleeps `ms`, or less when woken (a pause message, Redis back, the head aborted, close). */
  #nap(s: ExchangeState, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (s.wake === done) s.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      s.wake = done;
    });
  }
}

/** Rejects duplicate limit names (they would share a key) and the reserved name `pause`. */
function checkLimits(where: string, limits: NormalizedRateLimit[]): NormalizedRateLimit[] {
  const seen = new Set<string>();
  limits.forEach((l, i) => {
    if (l.name === 'pause' || seen.has(l.name)) {
      throw new ValidationError(
        `${where}[${i}].name`,
        l.name,
        'a name unique within the exchange, not "pause"',
      );
    }
    seen.add(l.name);
  });
  return limits;
}

/** A little random extra sleep so that processes told the same wait do not all ask at the same instant. */
function jitter(ms: number): number {
  return Math.random() * Math.min(5, ms * 0.1);
}
