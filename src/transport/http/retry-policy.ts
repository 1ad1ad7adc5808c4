/**
 * The retry decision (pure): given what went wrong on an attempt, the attempt number and the options,
 * retry after some delay or stop. Timers, sockets and errors are built around it in `client.ts`.
 *
 * @module
 */

/** What went wrong on one attempt. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterMs?: number }
  | { kind: 'network'; code: string }
  | { kind: 'timeout' }
  | { kind: 'invalid-json' }
  | { kind: 'verdict'; reason: string; retryAfterMs?: number; rateLimited: boolean; status: number };

/** The settings the decision depends on, in ms. */
export type RetryPolicyOptions = {
  maxRetries: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  maxRetryAfterMs: number;
};

/** The decision. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number; reason: string; rateLimited: boolean; retryAfterMs?: number }
  | { action: 'stop'; why: 'not-retryable' | 'exhausted' | 'retry-after-too-long'; reason: string };

/** Statuses retried by default: every 5xx, 429 (too many requests) and 418 (Binance's IP ban). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 418;
}

/** Whether `status` means "slow down" (429, or Binance's 418 ban). */
export function isThrottleStatus(status: number): boolean {
  return status === 429 || status === 418;
}

/**
 * Backoff before retry `attempt` (1-based): `min(maxBackoffMs, backoffBaseMs * 2^(attempt-1))`,
 * "equal jitter": uniformly in [half of it, all of it], so concurrent clients spread out and the cap
 * still holds.
 */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryPolicyOptions, 'backoffBaseMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(options.maxBackoffMs, options.backoffBaseMs * 2 ** (attempt - 1));
  return nominal / 2 + (nominal / 2) * random();
}

/**
 * Wait honouring a server's `Retry-After`: never shorter than asked; jitter only adds (up to 10 %,
 * at most 1 s) so that clients released together do not return together.
 */
export function retryAfterDelay(retryAfterMs: number, random: () => number = Math.random): number {
  return retryAfterMs + Math.min(retryAfterMs * 0.1, 1000) * random();
}

function describe(failure: AttemptFailure): { reason: string; retryable: boolean; rateLimited: boolean } {
  switch (failure.kind) {
    case 'status':
      return {
        reason: `HTTP ${failure.status}`,
        retryable: isRetryableStatus(failure.status),
        rateLimited: isThrottleStatus(failure.status),
      };
    case 'network':
      return { reason: `network: ${failure.code}`, retryable: true, rateLimited: false };
    case 'timeout':
      return { reason: 'timeout', retryable: true, rateLimited: false };
    case 'invalid-json':
      return { reason: 'invalid JSON', retryable: true, rateLimited: false };
    case 'verdict':
      return { reason: failure.reason, retryable: true, rateLimited: failure.rateLimited };
  }
}

/**
 * Decides what to do after `attempt` (1-based) failed with `failure`.
 * - not retryable (a 4xx other than 429/418) → stop `not-retryable`;
 * - a `Retry-After` above `maxRetryAfterMs` → stop `retry-after-too-long` (checked before the count,
 *   so the caller learns the wait at once);
 * - `attempt > maxRetries` → stop `exhausted`;
 * - else retry after `Retry-After` (never shortened) or the jittered backoff.
 */
export function decideRetry(
  failure: AttemptFailure,
  attempt: number,
  options: RetryPolicyOptions,
  random: () => number = Math.random,
): RetryDecision {
  const { reason, retryable, rateLimited } = describe(failure);
  if (!retryable) return { action: 'stop', why: 'not-retryable', reason };
  const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
  if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) {
    return { action: 'stop', why: 'retry-after-too-long', reason };
  }
  if (attempt > options.maxRetries) return { action: 'stop', why: 'exhausted', reason };
  const delayMs =
    retryAfterMs !== undefined
      ? retryAfterDelay(retryAfterMs, random)
      : backoffDelay(attempt, options, random);
  return retryAfterMs === undefined
    ? { action: 'retry', delayMs, reason, rateLimited }
    : { action: 'retry', delayMs, reason, rateLimited, retryAfterMs };
}
