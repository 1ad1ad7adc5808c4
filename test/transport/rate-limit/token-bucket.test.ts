import { describe, expect, it } from 'vitest';
import {
  chargeOf,
  createBucket,
  refill,
  take,
  waitMs,
} from '../../../src/transport/rate-limit/token-bucket.js';
import { normalizeRateSpec } from '../../../src/transport/rate-limit/types.js';

const [tenPerSecond] = normalizeRateSpec('x', { limit: 10, burst: 4 });
const limit = tenPerSecond!;

describe('token bucket (pure)', () => {
  it('starts full and refills continuously, capped at burst', () => {
    const b = createBucket(limit, 1000);
    expect(b.tokens).toBe(4);
    take(b, 4);
    refill(b, limit, 1050); // 50 ms at 0.01/ms
    expect(b.tokens).toBeCloseTo(0.5);
    refill(b, limit, 10_000);
    expect(b.tokens).toBe(4);
  });

  it('computes the wait for the missing tokens', () => {
    const b = createBucket(limit, 0);
    take(b, 4);
    expect(waitMs(b, limit, 1)).toBeCloseTo(100);
    expect(waitMs(b, limit, 3)).toBeCloseTo(300);
    refill(b, limit, 100);
    expect(waitMs(b, limit, 1)).toBe(0);
  });

  it('lets a charge above burst wait for a full bucket, then go negative', () => {
    const b = createBucket(limit, 0);
    expect(waitMs(b, limit, 10)).toBe(0);
    take(b, 10);
    expect(b.tokens).toBe(-6);
    // the debt (6) plus one token must refill before the next request: 700 ms
    expect(waitMs(b, limit, 1)).toBeCloseTo(700);
  });

  it('charges 1 for a "requests" limit whatever the cost', () => {
    const [req] = normalizeRateSpec('x', { limit: 5, counts: 'requests' });
    expect(chargeOf(req!, 25)).toBe(1);
    expect(chargeOf(limit, 25)).toBe(25);
  });
});
