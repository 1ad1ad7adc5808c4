import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/transport/http/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now; a past date is 0', () => {
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for absent or junk values', () => {
    for (const v of [undefined, '', '-5', 'soon', '1e3x', '   '])
      expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});
