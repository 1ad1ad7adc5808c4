/**
 * Reconnect timing, as pure functions: exponential backoff with full jitter, capped, and the rule
 * that decides when the attempt count starts again. No timers, no sockets: unit-tested as arithmetic.
 *
 * @module
 */

/** The backoff parameters (already validated; see `WebSocketOptions`). */
export type BackoffPolicy = {
  /** Ceiling of the first delay, ms. */
  readonly initialDelayMs: number;
  /** Largest ceiling, ms. */
  readonly maxDelayMs: number;
  /** Growth of the ceiling per failed attempt (≥ 1). */
  readonly factor: number;
};

/** One decision: how long to wait before the next attempt, and the ceiling it was drawn under. */
export type BackoffDelay = {
  /** The wait, ms: uniform in `[0, ceilingMs)` ("full jitter"). */
  readonly delayMs: number;
  /** `min(maxDelayMs, initialDelayMs × factor^(failures − 1))`. */
  readonly ceilingMs: number;
};

/**
 * The ceiling of the wait after `failures` failed attempts in a row (1-based):
 * `min(maxDelayMs, initialDelayMs × factor^(failures − 1))`.
 */
export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  const n = Math.max(1, failures);
  // factor^(n-1) overflows to Infinity for large n; min() then caps it.
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (n - 1));
}

/**
 * The wait after `failures` failed attempts in a row, with full jitter: a uniform draw below the ceiling.
 * Full jitter spreads many clients that lost the same server, so they do not reconnect in lockstep.
 *
 * @param random A source of uniform numbers in `[0, 1)` (pass a fixed one in tests).
 */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): BackoffDelay {
  const ceilingMs = backoffCeiling(failures, policy);
  return { delayMs: Math.floor(random() * ceilingMs), ceilingMs };
}

/**
 * The failure count after a connection ended. A connection that stayed open at least `stableAfterMs`
 * starts the count again (its loss is the first failure); one that was dropped sooner (or never
 * opened) adds to it, so a server that accepts and drops at once sees growing delays, not a hammer.
 *
 * @param failures Failures in a row before this one.
 * @param openForMs How long the connection was open; `undefined` when it never opened.
 */
export function nextFailureCount(
  failures: number,
  openForMs: number | undefined,
  stableAfterMs: number,
): number {
  if (openForMs !== undefined && openForMs >= stableAfterMs) return 1;
  return failures + 1;
}

/** True when `failures` failed attempts in a row exceed the allowed reconnects (the stream gives up). */
export function isExhausted(failures: number, maxReconnectAttempts: number): boolean {
  return failures > maxReconnectAttempts;
}
