import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  decideRetry,
  isRetryableStatus,
  type RetryPolicyOptions,
  retryAfterDelay,
} from '../../../src/transport/http/retry-policy.js';
import { sleep } from '../../../src/transport/sleep.js';

const options: RetryPolicyOptions = {
  maxRetries: 5,
  backoffBaseMs: 2000,
  maxBackoffMs: 60_000,
  maxRetryAfterMs: 60_000,
};
const top = () => 1;
const bottom = () => 0;

describe('retry policy (pure)', () => {
  afterEach(() => vi.useRealTimers());

  it('doubles from backoffBase and caps at maxBackoff; jitter keeps it in [half, all]', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, options, top))).toEqual([
      2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffDelay(3, options, bottom)).toBe(4000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(4, options);
      expect(d).toBeGreaterThanOrEqual(8000);
      expect(d).toBeLessThanOrEqual(16_000);
    }
  });

  it('never shortens a Retry-After; jitter only adds (≤ 10 %, ≤ 1 s)', () => {
    expect(retryAfterDelay(3000, bottom)).toBe(3000);
    expect(retryAfterDelay(3000, top)).toBe(3300);
    expect(retryAfterDelay(50_000, top)).toBe(51_000);
  });

  it('retries 5xx, 429, 418, network, timeout, bad JSON; not other 4xx', () => {
    expect([500, 502, 503, 504, 429, 418].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409].some(isRetryableStatus)).toBe(false);
    expect(decideRetry({ kind: 'status', status: 404 }, 1, options)).toMatchObject({
      action: 'stop',
      why: 'not-retryable',
    });
    for (const failure of [
      { kind: 'network', code: 'ECONNRESET' } as const,
      { kind: 'timeout' } as const,
      { kind: 'invalid-json' } as const,
    ]) {
      expect(decideRetry(failure, 1, options, top)).toMatchObject({ action: 'retry', delayMs: 2000 });
    }
    expect(decideRetry({ kind: 'status', status: 429 }, 2, options, top)).toEqual({
      action: 'retry',
      delayMs: 4000,
      reason: 'HTTP 429',
      rateLimited: true,
    });
  });

  it('stops after maxRetries retries', () => {
    expect(decideRetry({ kind: 'timeout' }, 5, options).action).toBe('retry');
    expect(decideRetry({ kind: 'timeout' }, 6, options)).toMatchObject({ action: 'stop', why: 'exhausted' });
  });

  it('honours Retry-After, and stops at once when it exceeds maxRetryAfter', () => {
    expect(
      decideRetry({ kind: 'status', status: 503, retryAfterMs: 7000 }, 1, options, bottom),
    ).toMatchObject({
      action: 'retry',
      delayMs: 7000,
      retryAfterMs: 7000,
    });
    expect(decideRetry({ kind: 'status', status: 429, retryAfterMs: 61_000 }, 1, options)).toMatchObject({
      action: 'stop',
      why: 'retry-after-too-long',
    });
    expect(
      decideRetry(
        { kind: 'verdict', reason: 'EGeneral:Too many requests', rateLimited: true, status: 200 },
        1,
        options,
        top,
      ),
    ).toMatchObject({ action: 'retry', rateLimited: true, reason: 'EGeneral:Too many requests' });
  });

  it('a backoff schedule sleeps exactly the computed delays (fake timers)', async () => {
    vi.useFakeTimers();
    const woke: number[] = [];
    const run = (async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const decision = decideRetry({ kind: 'status', status: 503 }, attempt, options, top);
        if (decision.action !== 'retry') break;
        await sleep(decision.delayMs);
        woke.push(Date.now());
      }
    })();
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(1999);
    expect(woke).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toEqual([start + 2000]);
    await vi.advanceTimersByTimeAsync(4000 + 8000);
    await run;
    expect(woke).toEqual([start + 2000, start + 6000, start + 14_000]);
  });
});
