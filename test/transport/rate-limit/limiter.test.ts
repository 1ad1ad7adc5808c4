import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../../src/transport/rate-limit/limiter.js';

const limiters: RateLimiter[] = [];
function make(...args: ConstructorParameters<typeof RateLimiter>): RateLimiter {
  const l = new RateLimiter(...args);
  limiters.push(l);
  return l;
}
afterEach(() => {
  for (const l of limiters.splice(0)) l.close();
  vi.useRealTimers();
});

describe('RateLimiter', () => {
  it('holds the configured rate over real time (R=50/s, T=2 s, burst 5)', async () => {
    const limiter = make({ ex: { limit: 50, burst: 5 } });
    const start = performance.now();
    const deadline = start + 2000;
    let count = 0;
    // Two concurrent callers, to exercise the queue as well as the fast path.
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        await limiter.acquire('ex');
        if (performance.now() <= deadline) count++;
      }
    };
    await Promise.all([loop(), loop()]);
    expect(count).toBeLessThanOrEqual(50 * 2 + 5);
    expect(count).toBeGreaterThanOrEqual(0.95 * 50 * 2);
  });

  it('accepts the seed form (exchange → requests per second)', async () => {
    const limiter = make({ ex: 20 });
    const start = performance.now();
    for (let i = 0; i < 25; i++) await limiter.acquire('ex'); // 20 burst + 5 at 50 ms each
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(1500);
  });

  it('serves waiters FIFO with mixed weights: a heavy head is not starved by light ones', async () => {
    const limiter = make({ ex: { limit: 20, burst: 10 } });
    await limiter.acquire('ex', 10); // empty the bucket
    const order: string[] = [];
    const start = performance.now();
    const at: Record<string, number> = {};
    const track = (name: string, cost: number) =>
      limiter.acquire('ex', cost).then(() => {
        order.push(name);
        at[name] = performance.now() - start;
      });
    await Promise.all([track('heavy', 8), track('light1', 1), track('light2', 1)]);
    expect(order).toEqual(['heavy', 'light1', 'light2']);
    expect(at['heavy']).toBeGreaterThanOrEqual(390); // 8 tokens at 20/s
    expect(at['light1']).toBeGreaterThanOrEqual(440);
    expect(at['light2']).toBeGreaterThanOrEqual(490);
  });

  it('removes an aborted waiter (AbortError) and serves the next one on its own schedule', async () => {
    const limiter = make({ ex: { limit: 10, burst: 1 } });
    await limiter.acquire('ex');
    const controller = new AbortController();
    const start = performance.now();
    const heavy = limiter.acquire('ex', 1, { signal: controller.signal });
    const next = limiter.acquire('ex', 1).then(() => performance.now() - start);
    setTimeout(() => controller.abort(), 30);
    await expect(heavy).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(performance.now() - start).toBeLessThan(90);
    const nextAt = await next;
    // the aborted waiter's token was never taken: the next one is served after one refill (~100 ms)
    expect(nextAt).toBeGreaterThanOrEqual(90);
    expect(nextAt).toBeLessThan(180);
    expect(limiter.stats('ex').waiting).toBe(0);
  });

  it('rejects at once for an already aborted signal', async () => {
    const limiter = make({ ex: 10 });
    await expect(limiter.acquire('ex', 1, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('pause() stops every caller; a shorter pause does not shorten a longer one', async () => {
    const limiter = make({ ex: 1000 });
    const start = performance.now();
    limiter.pause('ex', 300, '429');
    limiter.pause('ex', 50);
    expect(limiter.stats('ex').pausedForMs).toBeGreaterThan(250);
    const times = await Promise.all(
      [1, 2, 3].map(() => limiter.acquire('ex').then(() => performance.now() - start)),
    );
    for (const t of times) expect(t).toBeGreaterThanOrEqual(295);
    expect(Math.max(...times)).toBeLessThan(800);
  });

  it('applies several limits per exchange: the tighter one governs', async () => {
    const limiter = make({
      binance: [
        { limit: 6000, intervalMs: 60_000, name: 'weight-1m' },
        { limit: 10, intervalMs: 1000, burst: 2, counts: 'requests', name: 'raw' },
      ],
    });
    const start = performance.now();
    for (let i = 0; i < 6; i++) await limiter.acquire('binance', 2); // weight allows all; raw: 2 + 4 × 100 ms
    const done = performance.now();
    const elapsed = done - start;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1200);
    const stats = limiter.stats('binance');
    const refilled = ((performance.now() - done) * 10) / 1000; // raw refills 10 a second since the last grant
    expect(stats.limits.map((l) => l.name)).toEqual(['weight-1m', 'raw']);
    expect(stats.limits[0]!.tokens).toBeGreaterThan(5900); // weight was never the constraint
    expect(stats.limits[1]!.tokens).toBeLessThan(1 + refilled); // raw requests was
  });

  it('lets a cost above burst through without deadlock, then repays the debt', async () => {
    const limiter = make({ ex: { limit: 100, burst: 5 } });
    const start = performance.now();
    await limiter.acquire('ex', 20);
    expect(performance.now() - start).toBeLessThan(50);
    await limiter.acquire('ex', 1); // debt 15 + 1 at 100/s: ~160 ms
    expect(performance.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('rejects an unknown exchange with the configured ones, unless a defaultRate applies', async () => {
    const limiter = make({ binance: 10, kraken: 1 });
    await expect(limiter.acquire('nope')).rejects.toMatchObject({
      name: 'UnknownExchangeError',
      code: 'ERR_UNKNOWN_EXCHANGE',
      known: ['binance', 'kraken'],
    });
    expect(limiter.has('nope')).toBe(false);
    const withDefault = make({}, { defaultRate: 5 });
    expect(withDefault.has('anything')).toBe(true);
    await withDefault.acquire('anything');
    expect(withDefault.stats('anything').limits[0]!.tokens).toBeCloseTo(4, 1);
  });

  it('rejects bad input with ValidationError naming the argument', async () => {
    const limiter = make({ ex: 10 });
    for (const cost of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      await expect(limiter.acquire('ex', cost)).rejects.toMatchObject({
        name: 'ValidationError',
        code: 'ERR_VALIDATION',
        argument: 'cost',
      });
    }
    expect(() => limiter.pause('ex', -5)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
    expect(() => new RateLimiter({ ex: 0 })).toThrow(expect.objectContaining({ argument: 'rates.ex.limit' }));
    expect(() => new RateLimiter({ ex: { limit: 5, burst: 0 } })).toThrow(
      expect.objectContaining({ argument: 'rates.ex.burst' }),
    );
  });

  it('close() rejects pending waiters with ClosedError and later calls too', async () => {
    const limiter = make({ ex: { limit: 1, burst: 1 } });
    await limiter.acquire('ex');
    const pending = limiter.acquire('ex');
    limiter.close();
    await expect(pending).rejects.toMatchObject({ name: 'ClosedError', code: 'ERR_CLOSED' });
    await expect(limiter.acquire('ex')).rejects.toMatchObject({ name: 'ClosedError' });
  });

  it('takes the fast path without arming a timer', async () => {
    vi.useFakeTimers();
    let now = 0;
    const limiter = make({ ex: { limit: 10, burst: 3 } }, { now: () => now });
    await limiter.acquire('ex');
    await limiter.acquire('ex');
    expect(vi.getTimerCount()).toBe(0);
    await limiter.acquire('ex');
    const fourth = limiter.acquire('ex');
    expect(vi.getTimerCount()).toBe(1); // one timer for the head
    limiter.acquire('ex').catch(() => {});
    expect(vi.getTimerCount()).toBe(1); // still one: no timer per waiter
    now = 100;
    await vi.advanceTimersByTimeAsync(100);
    await fourth;
    expect(limiter.stats('ex').waiting).toBe(1);
  });
});
