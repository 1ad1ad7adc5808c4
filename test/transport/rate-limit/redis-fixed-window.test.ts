import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../../src/transport/rate-limit/redis-limiter.js';
import type { LimitGrant, Rates } from '../../../src/transport/rate-limit/types.js';
import { RedisTestServer } from '../../helpers/redis-server.js';

let server: RedisTestServer;
const open: RedisRateLimiter[] = [];
let n = 0;

beforeAll(async () => {
  server = await RedisTestServer.start();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  await server.stop();
});

function limiter(rates: Rates, prefix: string): RedisRateLimiter {
  const l = new RedisRateLimiter(rates, { redis: server.url, keyPrefix: prefix, onWarning: () => {} });
  open.push(l);
  return l;
}

/** Waits until the current `windowMs` window has at least `room` ms left. */
async function windowStartsWithRoom(windowMs: number, room: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < room) await new Promise((r) => setTimeout(r, left + 5));
}

const WINDOW: Rates = { ex: { kind: 'fixed-window', limit: 100, windowMs: 2000, margin: 4, name: 'w' } };

describe('RedisRateLimiter with a fixed window', () => {
  it('two limiters (processes) share one window: together they get the budget, then wait for the next', async () => {
    const prefix = `fw${process.pid}-${++n}`;
    const a = limiter(WINDOW, prefix);
    const b = limiter(WINDOW, prefix);
    await windowStartsWithRoom(2000, 1500);
    const t0 = Date.now();
    const windowEnd = (Math.floor(t0 / 2000) + 1) * 2000;
    const granted: { who: string; at: number }[] = [];
    const take = async (l: RedisRateLimiter, who: string): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        await l.acquire('ex', 4);
        granted.push({ who, at: Date.now() });
      }
    };
    await Promise.all([take(a, 'a'), take(b, 'b')]);
    const inFirst = granted.filter((g) => g.at < windowEnd);
    // Budget 96 of weight 4: exactly 24 grants in the first window, from both limiters.
    expect(inFirst.length).toBe(24);
    expect(new Set(inFirst.map((g) => g.who)).size).toBe(2);
    expect(granted.length).toBe(60);
  });

  it("observe() stores another program's spending for every process sharing the window", async () => {
    const prefix = `fw${process.pid}-${++n}`;
    const a = limiter(WINDOW, prefix);
    const b = limiter(WINDOW, prefix);
    await windowStartsWithRoom(2000, 1200);
    const grant = (await a.acquire('ex', 4)) as LimitGrant;
    expect(grant.marks[0]).toMatchObject({ name: 'w', after: 4 });
    // The server says 84: 80 were spent by a program tickwire cannot see.
    await a.observe('ex', { usage: [{ name: 'w', used: 84 }], grant, elapsedMs: 2 });
    // b (another process) now has 96 − 84 = 12 left: three grants of 4, then the fourth waits.
    for (let i = 0; i < 3; i++) await b.acquire('ex', 4);
    const ac = new AbortController();
    const late = b.acquire('ex', 4, { signal: ac.signal });
    const raced = await Promise.race([
      late.then(() => 'granted'),
      new Promise((r) => setTimeout(() => r('waiting'), 150)),
    ]);
    expect(raced).toBe('waiting');
    ac.abort();
    await late.catch(() => {});
  });

  it('a grant near the window end counts in the next window too, unless its answer came back in time', async () => {
    const prefix = `fw${process.pid}-${++n}`;
    const rates: Rates = { ex: { kind: 'fixed-window', limit: 10, windowMs: 4000, name: 'w' } };
    const a = limiter(rates, prefix);
    await a.acquire('ex', 1); // connected, script loaded
    // 250 ms before a window's end: inside the edge (500 ms before any round trip is seen, at most a tenth
    // of the window: 400 ms).
    const left = 4000 - (Date.now() % 4000);
    await new Promise((r) => setTimeout(r, (left > 300 ? left : left + 4000) - 250));
    const settled = (await a.acquire('ex', 3)) as LimitGrant;
    const open = (await a.acquire('ex', 4)) as LimitGrant;
    expect(settled.marks[0]?.carried).toBe(3);
    expect(open.marks[0]?.carried).toBe(4);
    await a.observe('ex', { usage: [], grant: settled, elapsedMs: 5 }); // answered before the end
    await new Promise((r) => setTimeout(r, 4000 - (Date.now() % 4000) + 20));
    // The next window starts with the 4 still in doubt: 6 of its 10 are left.
    for (let i = 0; i < 6; i++) await a.acquire('ex', 1);
    const ac = new AbortController();
    const late = a.acquire('ex', 1, { signal: ac.signal });
    const raced = await Promise.race([
      late.then(() => 'granted'),
      new Promise((r) => setTimeout(() => r('waiting'), 150)),
    ]);
    expect(raced).toBe('waiting');
    ac.abort();
    await late.catch(() => {});
  });
});
