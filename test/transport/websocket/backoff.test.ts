import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffCeiling,
  backoffDelay,
  isExhausted,
  nextFailureCount,
} from '../../../src/transport/websocket/backoff.js';

const policy = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

describe('backoff', () => {
  it('ceilings grow by the factor and stop at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffCeiling(10_000, policy)).toBe(30_000); // factor^n overflow is capped, not NaN
    expect(backoffCeiling(0, policy)).toBe(500);
  });

  it('full jitter: the delay is the random draw times the ceiling, floored', () => {
    expect(backoffDelay(3, policy, () => 0)).toEqual({ delayMs: 0, ceilingMs: 2000 });
    expect(backoffDelay(3, policy, () => 0.5)).toEqual({ delayMs: 1000, ceilingMs: 2000 });
    expect(backoffDelay(3, policy, () => 0.9999)).toEqual({ delayMs: 1999, ceilingMs: 2000 });
  });

  it('every delay lies in [0, ceiling) and the ceiling never exceeds maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (failures, initial, extra, factor, r) => {
          const p = { initialDelayMs: initial, maxDelayMs: initial + extra, factor };
          const { delayMs, ceilingMs } = backoffDelay(failures, p, () => r);
          expect(ceilingMs).toBeLessThanOrEqual(p.maxDelayMs);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(Math.max(0, ceilingMs));
          if (ceilingMs > 0) expect(delayMs).toBeLessThan(ceilingMs);
        },
      ),
    );
  });

  it('the failure count restarts only after a stable connection', () => {
    expect(nextFailureCount(0, undefined, 10_000)).toBe(1); // never opened
    expect(nextFailureCount(4, undefined, 10_000)).toBe(5);
    expect(nextFailureCount(4, 50, 10_000)).toBe(5); // accepted then dropped at once
    expect(nextFailureCount(4, 9_999, 10_000)).toBe(5);
    expect(nextFailureCount(4, 10_000, 10_000)).toBe(1); // stable: its loss is the first failure
  });

  it('exhaustion: more failures in a row than allowed reconnects', () => {
    expect(isExhausted(1, 0)).toBe(true);
    expect(isExhausted(3, 3)).toBe(false);
    expect(isExhausted(4, 3)).toBe(true);
    expect(isExhausted(1e9, Number.POSITIVE_INFINITY)).toBe(false);
  });
});
