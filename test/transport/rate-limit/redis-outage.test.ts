import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../../src/transport/rate-limit/redis-limiter.js';
import { RedisTestServer } from '../../helpers/redis-server.js';

let server: RedisTestServer;

beforeAll(async () => {
  server = await RedisTestServer.start();
});
afterAll(async () => {
  await server.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Fast reconnects so the test does not wait for ioredis's default backoff. */
const redisOptions = { retryStrategy: () => 100 };

/** Acquires in `concurrency` loops until stopped, recording when each acquisition was granted. */
function drive(limiter: RedisRateLimiter, concurrency: number) {
  const times: number[] = [];
  const errors: unknown[] = [];
  const ac = new AbortController();
  const loops = Array.from({ length: concurrency }, async () => {
    while (!ac.signal.aborted) {
      try {
        await limiter.acquire('ex', 1, { signal: ac.signal });
        times.push(performance.now());
      } catch (error) {
        if (!ac.signal.aborted) errors.push(error);
        await sleep(20);
      }
    }
  });
  const count = (from: number, to: number) => times.filter((t) => t >= from && t < to).length;
  return {
    times,
    errors,
    count,
    stop: async () => {
      ac.abort();
      await Promise.all(loops);
    },
  };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

describe('RedisRateLimiter when Redis goes away', () => {
  it("'local': falls back to localShare of the rate, warns once, and shares again once Redis is back", async () => {
    const prefix = `out-${process.pid}`;
    const warnings: string[] = [];
    const rate = 20;
    const localShare = 0.5;
    const limiter = new RedisRateLimiter(
      { ex: { limit: rate, burst: 5 } },
      {
        redis: server.url,
        keyPrefix: prefix,
        localShare,
        timeoutMs: 300,
        redisOptions,
        onWarning: (m) => warnings.push(m),
      },
    );
    const d = drive(limiter, 2);
    try {
      await sleep(700);
      expect(d.times.length).toBeGreaterThan(10); // shared, at the full rate
      expect(warnings).toEqual([]);

      await server.stop();
      const down = performance.now();
      await sleep(2000);
      // The local bucket starts empty and refills at localShare × rate = 10/s: at most ~20 in 2 s.
      const during = d.count(down, down + 2000);
      expect(during).toBeLessThanOrEqual(localShare * rate * 2 + 2);
      expect(during).toBeGreaterThanOrEqual(5); // it kept going
      expect(d.errors).toEqual([]);
      expect(warnings).toHaveLength(1);

      await server.restart();
      const admin = new Redis(server.url);
      try {
        // Sharing resumes: the bucket key appears in the new (empty) Redis.
        expect(await waitFor(async () => (await admin.exists(`${prefix}:ex:limit0`)) === 1, 4000)).toBe(true);
        const back = performance.now();
        await sleep(1000);
        // Above the local 10/s again (a fresh bucket: burst 5 + 20/s), and still within the limit.
        const after = d.count(back, back + 1000);
        expect(after).toBeGreaterThan(localShare * rate + 2);
        expect(after).toBeLessThanOrEqual(rate + 5 + 1);
        expect(warnings).toHaveLength(2);
      } finally {
        admin.disconnect();
      }
    } finally {
      await d.stop();
      await limiter.close();
    }
  });

  it("'fail': rejects with LimiterUnavailableError during the outage and recovers after it", async () => {
    const limiter = new RedisRateLimiter(
      { ex: 50 },
      {
        redis: server.url,
        keyPrefix: `fail-${process.pid}`,
        onUnavailable: 'fail',
        timeoutMs: 300,
        redisOptions,
        onWarning: () => {},
      },
    );
    try {
      await limiter.acquire('ex');
      await server.stop();
      const t0 = performance.now();
      await expect(limiter.acquire('ex')).rejects.toMatchObject({
        name: 'LimiterUnavailableError',
        code: 'ERR_LIMITER_UNAVAILABLE',
      });
      expect(performance.now() - t0).toBeLessThan(1000);
      await server.restart();
      const ok = await waitFor(
        () =>
          limiter.acquire('ex').then(
            () => true,
            () => false,
          ),
        4000,
      );
      expect(ok).toBe(true);
    } finally {
      await limiter.close();
    }
  });
});
