import { describe, expect, it } from 'vitest';
import { BinanceWeightLimiter, TokenBucket } from '../../src/sim/limits.js';

describe('TokenBucket', () => {
  it('allows the burst, then refills at the rate', () => {
    const b = new TokenBucket(10, 15, 0);
    for (let i = 0; i < 15; i++) expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(100); // one token takes 100 ms at 10/s
    expect(b.take(50)).toBe(50);
    expect(b.take(100)).toBe(0);
    expect(b.take(100)).toBeGreaterThan(0);
  });
});

describe('BinanceWeightLimiter', () => {
  it('answers 429 past the limit with the seconds to the window end, then bans with doubling 418s', () => {
    const l = new BinanceWeightLimiter({ limit: 100, windowMs: 60_000, toleratedAfter429: 1 });
    const t = 120_000 + 15_000; // 15 s into a window
    expect(l.charge(t, 60)).toEqual({ kind: 'ok', used: 60 });
    expect(l.charge(t, 40)).toEqual({ kind: 'ok', used: 100 });
    expect(l.charge(t, 1)).toEqual({ kind: 'limited', used: 101, retryAfterS: 45 });
    expect(l.charge(t + 1000, 1).kind).toBe('limited'); // tolerated once
    expect(l.charge(t + 2000, 1)).toMatchObject({ kind: 'banned', retryAfterS: 120 });
    expect(l.charge(t + 62_000, 1)).toMatchObject({ kind: 'banned', retryAfterS: 60 });
    // After the ban: a fresh window; a second offence bans for twice as long.
    const t2 = t + 2000 + 120_000;
    expect(l.charge(t2, 100).kind).toBe('ok');
    expect(l.charge(t2, 1).kind).toBe('limited');
    expect(l.charge(t2, 1).kind).toBe('limited');
    expect(l.charge(t2, 1)).toMatchObject({ kind: 'banned', retryAfterS: 240 });
  });

  it('resets at each window boundary', () => {
    const l = new BinanceWeightLimiter({ limit: 10, windowMs: 1000 });
    expect(l.charge(500, 11).kind).toBe('limited');
    expect(l.charge(1000, 5)).toEqual({ kind: 'ok', used: 5 });
  });
});
