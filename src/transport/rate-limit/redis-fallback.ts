/**
 * The local token bucket a {@link RedisRateLimiter} falls back to while Redis is unreachable
 * (`onUnavailable: 'local'`). Pure: the clock is passed in.
 *
 * It is deliberately conservative: it refills at `share` of each limit's rate, holds at most `share` of
 * its burst, and starts EMPTY, so the first outage request waits for its share instead of spending a burst
 * the shared bucket may already have spent. If `share × processes ≤ 1`, the processes together stay within
 * the exchange's rate during an outage.
 *
 * @module
 */
import type { NormalizedRateLimit } from './types.js';

type Slot = { ratePerMs: number; capacity: number; perRequest: boolean; tokens: number };

/** A multi-limit local token bucket at a fraction of the shared rate. */
export class FallbackBucket {
  readonly #slots: Slot[];
  #at: number;

  /**
   * @param limits the exchange's limits
   * @param share fraction (0, 1] of each rate and burst used here
   * @param now current time in ms (any monotonic origin)
   */
  constructor(limits: readonly NormalizedRateLimit[], share: number, now: number) {
    this.#slots = limits.map((l) => ({
      ratePerMs: l.ratePerMs * share,
      capacity: Math.max(1, l.burst * share),
      perRequest: l.counts === 'requests',
      tokens: 0,
    }));
    this.#at = now;
  }

  /**
   * Takes `cost` from every limit, or from none. Returns 0 when taken, else the ms until it could be.
   * A request larger than a slot's capacity goes through once that slot is full and leaves it in debt,
   * so the long-run rate still holds.
   */
  tryTake(cost: number, now: number): number {
    this.#refill(now);
    let wait = 0;
    for (const s of this.#slots) {
      const need = Math.min(s.perRequest ? 1 : cost, s.capacity);
      if (s.tokens < need) wait = Math.max(wait, (need - s.tokens) / s.ratePerMs);
    }
    if (wait > 0) return Math.ceil(wait);
    for (const s of this.#slots) s.tokens -= s.perRequest ? 1 : cost;
    return 0;
  }

  #refill(now: number): void {
    const elapsed = now - this.#at;
    if (elapsed <= 0) return;
    this.#at = now;
    for (const s of this.#slots) s.tokens = Math.min(s.capacity, s.tokens + elapsed * s.ratePerMs);
  }
}
