import { afterEach, describe, expect, it } from 'vitest';
import {
  createWindow,
  estimate,
  observeUsage,
  roll,
  settle,
  windowTake,
  windowWaitMs,
} from '../../../src/transport/rate-limit/fixed-window.js';
import { RateLimiter } from '../../../src/transport/rate-limit/limiter.js';
import { normalizeRateSpec } from '../../../src/transport/rate-limit/types.js';

const [W] = normalizeRateSpec('ex', { kind: 'fixed-window', limit: 100, windowMs: 1000, margin: 10 });
const limit = W!;

describe('fixed-window arithmetic', () => {
  it('normalises: the budget per window is limit − margin', () => {
    expect(limit).toMatchObject({
      kind: 'fixed-window',
      limit: 100,
      intervalMs: 1000,
      burst: 90,
      margin: 10,
    });
  });

  it('grants the whole budget at once, then waits exactly until the window ends', () => {
    const s = createWindow(limit, 10_250);
    for (let i = 0; i < 9; i++) {
      expect(windowWaitMs(s, limit, 10, 10_250)).toBe(0);
      windowTake(s, limit, 10, 10_250, 0);
    }
    expect(estimate(s)).toBe(90);
    expect(windowWaitMs(s, limit, 1, 10_300)).toBe(700);
    roll(s, limit, 11_000);
    expect(estimate(s)).toBe(0);
    expect(windowWaitMs(s, limit, 90, 11_000)).toBe(0);
  });

  it('adopts a higher server count, and keeps it current as more is granted', () => {
    const s = createWindow(limit, 5_000);
    const { after } = windowTake(s, limit, 5, 5_000, 0); // our count: 5
    expect(observeUsage(s, 45, { window: s.window, after })).toBe(true); // 40 spent by someone else
    expect(estimate(s)).toBe(45);
    windowTake(s, limit, 5, 5_010, 0);
    expect(estimate(s)).toBe(50); // ours 10 + others 40
    // A stale (lower) report changes nothing: the higher of the two counts holds.
    expect(observeUsage(s, 20, { window: s.window, after })).toBe(false);
    expect(estimate(s)).toBe(50);
  });

  it('ignores a report on a request granted in an earlier window', () => {
    const s = createWindow(limit, 5_990);
    const w = s.window;
    const { after } = windowTake(s, limit, 5, 5_990, 0);
    roll(s, limit, 6_001);
    expect(observeUsage(s, 95, { window: w, after })).toBe(false);
    expect(estimate(s)).toBe(0);
  });

  it('counts a grant made within the edge of the window end in the next window too', () => {
    const s = createWindow(limit, 7_000);
    windowTake(s, limit, 10, 7_100, 50); // far from the end: not carried
    windowTake(s, limit, 7, 7_960, 50); // within 50 ms of 8_000: carried
    windowTake(s, limit, 3, 7_850, 500); // an edge of 500 ms is capped at 100 (a tenth): not carried
    roll(s, limit, 8_010);
    expect(estimate(s)).toBe(7);
    roll(s, limit, 10_010); // two windows later: nothing carried
    expect(estimate(s)).toBe(0);
  });

  it('gives the carry back when the response arrives before the window ends', () => {
    const s = createWindow(limit, 7_000);
    const early = windowTake(s, limit, 7, 7_960, 50);
    const late = windowTake(s, limit, 5, 7_970, 50);
    expect(early.carried).toBe(7);
    settle(s, { window: s.window, carried: early.carried }); // answered at 7_990: counted in this window
    roll(s, limit, 8_010);
    settle(s, { window: 7, carried: late.carried }); // answered after the roll: it may be in either
    expect(estimate(s)).toBe(5);
  });

  it('rejects bad margins, windows and kinds with a ValidationError naming the field', () => {
    expect(() => normalizeRateSpec('ex', { kind: 'fixed-window', limit: 10, windowMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'rates.ex.windowMs' }),
    );
    expect(() =>
      normalizeRateSpec('ex', { kind: 'fixed-window', limit: 10, windowMs: 10, margin: 10 }),
    ).toThrow(expect.objectContaining({ argument: 'rates.ex.margin' }));
    expect(() => normalizeRateSpec('ex', { kind: 'sliding' as 'token-bucket', limit: 10 })).toThrow(
      expect.objectContaining({ argument: 'rates.ex.kind' }),
    );
  });
});

describe('RateLimiter with a fixed window', () => {
  const limiters: RateLimiter[] = [];
  afterEach(() => {
    for (const l of limiters.splice(0)) l.close();
  });
  const make = (epoch: { ms: number }, margin = 0): RateLimiter => {
    const l = new RateLimiter(
      { ex: { kind: 'fixed-window', limit: 100, windowMs: 400, margin, name: 'w' } },
      { epochNow: () => epoch.ms },
    );
    limiters.push(l);
    return l;
  };

  it('spends the whole window synchronously (fast path) and resolves with grants', async () => {
    const epoch = { ms: 1_000_000 };
    const l = make(epoch);
    const grants = [];
    for (let i = 0; i < 10; i++) grants.push(await l.acquire('ex', 10));
    expect(grants.at(-1)).toEqual({ marks: [{ name: 'w', window: 2500, after: 100, carried: 0 }] });
    expect(l.stats('ex').limits[0]).toMatchObject({ kind: 'fixed-window', used: 100, tokens: 0 });
  });

  it('waits for the next window on real timers, then grants the next budget', async () => {
    const real = { ms: 0 };
    const l = new RateLimiter(
      { ex: { kind: 'fixed-window', limit: 50, windowMs: 300, name: 'w' } },
      {
        epochNow: () => {
          real.ms = Date.now();
          return real.ms;
        },
      },
    );
    limiters.push(l);
    for (let i = 0; i < 5; i++) await l.acquire('ex', 10);
    const t0 = Date.now();
    const windowEnd = (Math.floor(t0 / 300) + 1) * 300;
    await l.acquire('ex', 10);
    expect(Date.now()).toBeGreaterThanOrEqual(windowEnd);
    expect(Date.now() - t0).toBeLessThan(300 + 200);
  });

  it('observe() adopts the server count: another program’s spending delays us', async () => {
    const epoch = { ms: 2_000_000 };
    const l = make(epoch, 5);
    const grant = await l.acquire('ex', 5);
    l.observe('ex', { usage: [{ name: 'w', used: 80 }], grant: grant ?? undefined, elapsedMs: 3 });
    expect(l.stats('ex').limits[0]).toMatchObject({ used: 80, tokens: 15 }); // budget 95 − 80
    await l.acquire('ex', 15);
    let granted = false;
    const p = l.acquire('ex', 1).then(() => {
      granted = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    l.close();
    await p.catch(() => {});
  });

  it('ignores usage of unknown names and on token buckets', async () => {
    const l = new RateLimiter({ ex: { limit: 10, name: 'b' } });
    limiters.push(l);
    expect(await l.acquire('ex')).toBeUndefined();
    l.observe('ex', {
      usage: [
        { name: 'b', used: 1e9 },
        { name: 'zzz', used: 1e9 },
      ],
    });
    expect(await l.acquire('ex')).toBeUndefined();
  });

  it('rejects a cost above the budget per window instead of waiting forever', async () => {
    const l = make({ ms: 0 }, 10);
    await expect(l.acquire('ex', 91)).rejects.toMatchObject({ code: 'ERR_VALIDATION', argument: 'cost' });
  });
});
