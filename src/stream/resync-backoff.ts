/**
 * Backoff for order-book resyncs, shared by every venue: a failed sync attempt (a checksum that does not
 * match, a skipped update id, a snapshot behind the stream, depth exhausted, or a new venue's own rule)
 * waits with the same capped, full-jitter backoff as a reconnect (`transport/websocket/backoff.ts`)
 * before the feed asks for a new snapshot; the count of failures in a row starts again only once the
 * book stayed valid for `stableAfterMs`; one failure more than `maxRetries` ends the stream with
 * `BookResyncExhaustedError` naming the symbol and the reason. Without it a book whose checksum never
 * matches resubscribes thousands of times a second, which the real exchange answers with a ban.
 *
 * Two layers, as for reconnects:
 * - {@link decideResync} / {@link markResyncValid}: pure state transitions (clock and random source passed
 *   in), unit-tested as arithmetic;
 * - {@link ResyncBackoff}: the small wrapper a feed holds: `valid()` when the book is in sync, `invalidate()`
 *   when it was cleared for a reason that is not a failed attempt (a reconnect, which has its own backoff),
 *   `await failed(reason, detail)` after each failed attempt (waits, or throws).
 *
 * Using it from a new venue's driver (OKX, Bybit, ...):
 * ```ts
 * const backoff = new ResyncBackoff({ exchange: 'okx', symbol: 'BTC/USDT' }, resolveResyncPolicy(options.resync, options.websocket));
 * // the book was (re)built and checks out:
 * backoff.valid();
 * // the book broke: tell the consumer, stop the flow, wait, then ask for a new snapshot
 * yield resyncEvent;
 * feed.unsubscribe();
 * await backoff.failed('checksum-mismatch', detail, signal); // throws BookResyncExhaustedError past the limit
 * feed.subscribe();
 * ```
 *
 * @module
 */
import { BookResyncExhaustedError, ValidationError } from '../core/errors.js';
import { sleep } from '../transport/sleep.js';
import { type BackoffPolicy, backoffDelay } from '../transport/websocket/backoff.js';
import { WEBSOCKET_DEFAULTS, type WebSocketOptions } from '../transport/websocket/index.js';

/**
 * Options of the resync backoff (`BookStreamOptions.resync`). The backoff fields default to the stream's
 * WebSocket reconnect options (`websocket.initialDelayMs` etc.), so a resync waits exactly as a reconnect.
 */
export type ResyncOptions = {
  /** Backoff ceiling before the first new snapshot after a failure, ms (waits are uniform below it). @default websocket.initialDelayMs (500) */
  initialDelayMs?: number;
  /** Largest backoff ceiling, ms. @default websocket.maxDelayMs (30_000) */
  maxDelayMs?: number;
  /** Growth of the ceiling per failure in a row (≥ 1). @default websocket.factor (2) */
  factor?: number;
  /** The book must stay valid this long, ms, before the failure count starts again. @default websocket.stableAfterMs (10_000) */
  stableAfterMs?: number;
  /**
   * Failed sync attempts in a row that are retried (after a wait each); one more ends the stream with
   * `BookResyncExhaustedError`. 0: the first failure ends it.
   * @default 10
   */
  maxRetries?: number;
};

/** {@link ResyncOptions} resolved and validated: what the decision function takes. */
export type ResyncPolicy = BackoffPolicy & {
  /** See {@link ResyncOptions.stableAfterMs}. */
  readonly stableAfterMs: number;
  /** See {@link ResyncOptions.maxRetries}. */
  readonly maxRetries: number;
};

/** The default of {@link ResyncOptions.maxRetries}. */
export const DEFAULT_RESYNC_RETRIES = 10;

/**
 * Fills in defaults (from `websocket`, then the reconnect defaults) and validates.
 * @param argument the option's name in messages
 * @throws ValidationError naming `options.resync.<field>` and the value
 */
export function resolveResyncPolicy(
  options: ResyncOptions | undefined,
  websocket: Pick<WebSocketOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'stableAfterMs'> = {},
  argument = 'options.resync',
): ResyncPolicy {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ValidationError(argument, options, 'an object of ResyncOptions');
  }
  const o = options ?? {};
  const pick = (k: 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'stableAfterMs'): number =>
    o[k] ?? websocket[k] ?? WEBSOCKET_DEFAULTS[k];
  const policy: ResyncPolicy = {
    initialDelayMs: pick('initialDelayMs'),
    maxDelayMs: pick('maxDelayMs'),
    factor: pick('factor'),
    stableAfterMs: pick('stableAfterMs'),
    maxRetries: o.maxRetries ?? DEFAULT_RESYNC_RETRIES,
  };
  for (const k of ['initialDelayMs', 'maxDelayMs', 'stableAfterMs'] as const) {
    const v = policy[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError(`${argument}.${k}`, v, 'a finite number ≥ 0');
    }
  }
  if (policy.maxDelayMs < policy.initialDelayMs) {
    throw new ValidationError(
      `${argument}.maxDelayMs`,
      policy.maxDelayMs,
      `a number ≥ initialDelayMs (${policy.initialDelayMs})`,
    );
  }
  if (typeof policy.factor !== 'number' || !Number.isFinite(policy.factor) || policy.factor < 1) {
    throw new ValidationError(`${argument}.factor`, policy.factor, 'a finite number ≥ 1');
  }
  const r = policy.maxRetries;
  if (typeof r !== 'number' || !(r === Number.POSITIVE_INFINITY || (Number.isInteger(r) && r >= 0))) {
    throw new ValidationError(`${argument}.maxRetries`, r, 'an integer ≥ 0 or Infinity');
  }
  return policy;
}

/** Where a book stands between failures. Immutable: the functions return a new one. */
export type ResyncState = {
  /** Failed sync attempts in a row. */
  readonly failures: number;
  /** When the book last became valid (ms on the caller's clock), or `undefined` while it is not valid. */
  readonly validSinceMs: number | undefined;
  /** True once the book was valid at least once. */
  readonly everValid: boolean;
};

/** The state of a book that has not been built yet. */
export const RESYNC_START: ResyncState = Object.freeze({
  failures: 0,
  validSinceMs: undefined,
  everValid: false,
});

/** What to do after a failed sync attempt. */
export type ResyncDecision =
  /** Wait `delayMs` (uniform below `ceilingMs`), then ask for a new snapshot. */
  | { readonly type: 'wait'; readonly failures: number; readonly delayMs: number; readonly ceilingMs: number }
  /** More than `maxRetries` failures in a row: end the stream. */
  | { readonly type: 'give-up'; readonly failures: number };

/**
 * The book is valid now (a snapshot loaded and checked out). A book that already was valid keeps its
 * original time, so a fresh snapshot on a valid book does not restart the stable period.
 */
export function markResyncValid(state: ResyncState, nowMs: number): ResyncState {
  if (state.validSinceMs !== undefined) return state;
  return { failures: state.failures, validSinceMs: nowMs, everValid: true };
}

/** The book was cleared for a reason that is not a failed attempt (a reconnect): no longer valid, count unchanged. */
export function markResyncInvalid(state: ResyncState): ResyncState {
  if (state.validSinceMs === undefined) return state;
  return { failures: state.failures, validSinceMs: undefined, everValid: state.everValid };
}

/**
 * One failed sync attempt at `nowMs`: a book that had stayed valid for at least `stableAfterMs` starts
 * the count again (this failure is the first); otherwise it adds to the count. More than `maxRetries`
 * failures in a row give up; else the wait is the reconnect backoff for that count (full jitter, capped).
 *
 * @param random uniform numbers in `[0, 1)` (fixed in tests)
 */
export function decideResync(
  state: ResyncState,
  nowMs: number,
  policy: ResyncPolicy,
  random: () => number = Math.random,
): { readonly state: ResyncState; readonly decision: ResyncDecision } {
  const stable = state.validSinceMs !== undefined && nowMs - state.validSinceMs >= policy.stableAfterMs;
  const failures = stable ? 1 : state.failures + 1;
  const next: ResyncState = { failures, validSinceMs: undefined, everValid: state.everValid };
  if (failures > policy.maxRetries) return { state: next, decision: { type: 'give-up', failures } };
  const { delayMs, ceilingMs } = backoffDelay(failures, policy, random);
  return { state: next, decision: { type: 'wait', failures, delayMs, ceilingMs } };
}

/** Which book a {@link ResyncBackoff} guards (named in its error). */
export type ResyncTarget = {
  /** Exchange id, e.g. `kraken`. */
  readonly exchange: string;
  /** Unified symbol, e.g. `BTC/USD`. */
  readonly symbol: string;
};

/** Clock, randomness and a hook for {@link ResyncBackoff} (tests replace them). */
export type ResyncBackoffHooks = {
  /** Clock in ms. @default performance.now */
  now?: () => number;
  /** Uniform numbers in `[0, 1)`. @default Math.random */
  random?: () => number;
  /** Called with each decision to wait, before the wait (to log or meter resyncs). @default undefined */
  onWait?: (decision: Extract<ResyncDecision, { type: 'wait' }>, reason: string) => void;
};

/** The resync backoff of one book: {@link decideResync} with a clock, a sleep and the typed end. */
export class ResyncBackoff {
  readonly #target: ResyncTarget;
  readonly #policy: ResyncPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #onWait: ResyncBackoffHooks['onWait'];
  #state: ResyncState = RESYNC_START;

  constructor(target: ResyncTarget, policy: ResyncPolicy, hooks: ResyncBackoffHooks = {}) {
    this.#target = target;
    this.#policy = policy;
    this.#now = hooks.now ?? (() => performance.now());
    this.#random = hooks.random ?? Math.random;
    this.#onWait = hooks.onWait;
  }

  /** The state now (failures in a row, valid since, ever valid). */
  get state(): ResyncState {
    return this.#state;
  }

  /** The book is in sync now. */
  valid(): void {
    this.#state = markResyncValid(this.#state, this.#now());
  }

  /** The book was cleared for a reason with its own backoff (a reconnect): not valid, the count unchanged. */
  invalidate(): void {
    this.#state = markResyncInvalid(this.#state);
  }

  /**
   * One failed sync attempt: waits the backoff (abortable through `signal`), or throws
   * `BookResyncExhaustedError` when it was one more than `maxRetries` in a row.
   * @param reason the `ResyncReason` (named in the error)
   * @param detail what broke (named in the error)
   */
  async failed(reason: string, detail: string, signal?: AbortSignal): Promise<void> {
    const { state, decision } = decideResync(this.#state, this.#now(), this.#policy, this.#random);
    this.#state = state;
    if (decision.type === 'give-up') {
      throw new BookResyncExhaustedError({
        exchange: this.#target.exchange,
        symbol: this.#target.symbol,
        reason,
        detail,
        attempts: decision.failures,
        neverValid: !state.everValid,
      });
    }
    this.#onWait?.(decision, reason);
    if (decision.delayMs > 0) await sleep(decision.delayMs, signal);
  }
}
