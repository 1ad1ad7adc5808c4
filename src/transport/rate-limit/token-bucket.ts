/**
 * Pure token-bucket arithmetic: the clock is passed in, nothing here waits or allocates timers.
 *
 * A bucket holds at most `burst` tokens and refills continuously at `ratePerMs`. A request whose cost
 * exceeds `burst` can never be paid in full from a full bucket, so instead of deadlocking (or
 * rejecting weights an exchange legitimately charges) it waits until the bucket is **full** and then
 * drives it negative by the excess: the debt is repaid by refill before anyone else is served, which
 * keeps the long-run rate exact.
 *
 * @module
 */
import type { NormalizedRateLimit } from './types.js';

/** Mutable state of one bucket. */
export type BucketState = {
  /** Tokens available at `updatedAt` (may be negative after an over-burst request). */
  tokens: number;
  /** Monotonic time (ms) of the last refill. */
  updatedAt: number;
};

/** Tolerance for floating-point drift when comparing token counts. */
const EPSILON = 1e-9;

/** A full bucket at time `now`. */
export function createBucket(limit: NormalizedRateLimit, now: number): BucketState {
  return { tokens: limit.burst, updatedAt: now };
}

/** Adds the tokens earned since `state.updatedAt` (capped at `burst`) and moves the clock to `now`. */
export function refill(state: BucketState, limit: NormalizedRateLimit, now: number): void {
  const elapsed = now - state.updatedAt;
  if (elapsed > 0) {
    state.tokens = Math.min(limit.burst, state.tokens + elapsed * limit.ratePerMs);
    state.updatedAt = now;
  }
}

/** Tokens this limit charges for one `acquire(exchange, cost)`. */
export function chargeOf(limit: NormalizedRateLimit, cost: number): number {
  return limit.counts === 'requests' ? 1 : cost;
}

/**
 * Milliseconds until `charge` can be taken from a bucket already refilled to now; 0 when it can be
 * taken at once. A charge above `burst` needs a full bucket (see the module comment).
 */
export function waitMs(state: BucketState, limit: NormalizedRateLimit, charge: number): number {
  const need = Math.min(charge, limit.burst);
  const missing = need - state.tokens;
  return missing <= EPSILON ? 0 : missing / limit.ratePerMs;
}

/** Takes `charge` tokens (the bucket may go negative for an over-burst charge). */
export function take(state: BucketState, charge: number): void {
  state.tokens -= charge;
}
