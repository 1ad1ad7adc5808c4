import { describe, expect, it } from 'vitest';
import { FallbackBucket } from '../../../src/transport/rate-limit/redis-fallback.js';
import { normalizeRateSpec } from '../../../src/transport/rate-limit/types.js';

describe('FallbackBucket (the local bucket used during a Redis outage)', () => {
  it('starts empty and refills at share × rate', () => {
    const b = new FallbackBucket(normalizeRateSpec('ex', { limit: 20, burst: 10 }), 0.5, 0);
    // 10/s locally: the first token after 100 ms.
    expect(b.tryTake(1, 0)).toBe(100);
    expect(b.tryTake(1, 100)).toBe(0);
    expect(b.tryTake(1, 100)).toBe(100);
    // Capacity is share × burst = 5, however long it idles.
    let granted = 0;
    while (b.tryTake(1, 60_000) === 0) granted++;
    expect(granted).toBe(5);
  });

  it('takes from every limit or none; a request-counting limit takes 1', () => {
    const b = new FallbackBucket(
      normalizeRateSpec('ex', [
        { limit: 100, burst: 100, name: 'weight' },
        { limit: 4, burst: 4, counts: 'requests', name: 'orders' },
      ]),
      1,
      0,
    );
    expect(b.tryTake(10, 1000)).toBe(0); // weight 100 → 90, orders 4 → 3
    expect(b.tryTake(90, 1000)).toBe(0); // weight 0, orders 2
    expect(b.tryTake(1, 1000)).toBe(10); // weight empty: 1 token at 0.1/ms
    expect(b.tryTake(1, 1010)).toBe(0);
  });

  it('lets a request above the local capacity through when full, leaving debt, so the rate still holds', () => {
    const b = new FallbackBucket(normalizeRateSpec('ex', { limit: 10, burst: 10 }), 0.2, 0);
    // capacity 2, rate 2/s: a cost of 6 passes once full, then the bucket owes 4 tokens (2 s).
    expect(b.tryTake(6, 1000)).toBe(0);
    expect(b.tryTake(1, 1000)).toBe(2500);
  });
});
