import { describe, expect, it } from 'vitest';
import {
  alignDown,
  alignUp,
  formatIsoNs,
  formatSpan,
  msToNs,
  nsToMs,
  nsToSeconds,
  parseIsoNs,
  parseSpan,
  secondsToNs,
  toNs,
} from '../../src/core/time.js';

describe('time', () => {
  it('parses ISO dates and times to ns, keeping nine fractional digits', () => {
    expect(parseIsoNs('2024-01-01')).toBe(1_704_067_200_000_000_000n);
    expect(parseIsoNs('2024-01-01T10:30:00Z')).toBe(1_704_105_000_000_000_000n);
    expect(parseIsoNs('2024-01-01T10:30:00.123456789Z')).toBe(1_704_105_000_123_456_789n);
    expect(parseIsoNs('2024-01-01T12:30:00+02:00')).toBe(1_704_105_000_000_000_000n);
  });

  it('rejects impossible dates with a ValidationError naming the argument', () => {
    expect(() => parseIsoNs('2024-02-30', 'from')).toThrow(
      expect.objectContaining({ name: 'ValidationError', code: 'ERR_VALIDATION', argument: 'from' }),
    );
    expect(() => toNs('yesterday', 'start')).toThrow(/start/);
    expect(() => toNs(1_704_067_200_000 as unknown as bigint, 'start')).toThrow(/bigint/);
  });

  it('converts ms and seconds both ways, flooring negatives correctly', () => {
    expect(msToNs(1_499_040_000_000)).toBe(1_499_040_000_000_000_000n);
    expect(nsToMs(1_499_040_000_000_999_999n)).toBe(1_499_040_000_000);
    expect(nsToMs(-1n)).toBe(-1);
    expect(secondsToNs(1688669597.8277369)).toBe(1_688_669_597_827_737_000n);
    expect(nsToSeconds(1_688_669_597_999_999_999n)).toBe(1_688_669_597);
  });

  it('aligns down and up to a span', () => {
    const t = parseIsoNs('2024-01-01T10:30:00Z');
    expect(alignDown(t, 3600)).toBe(parseIsoNs('2024-01-01T10:00:00Z'));
    expect(alignUp(t, 3600)).toBe(parseIsoNs('2024-01-01T11:00:00Z'));
    expect(alignUp(parseIsoNs('2024-01-01T11:00:00Z'), 3600)).toBe(parseIsoNs('2024-01-01T11:00:00Z'));
    expect(() => alignDown(t, 0)).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'span' }),
    );
  });

  it('parses and formats spans', () => {
    expect(parseSpan('1m')).toBe(60);
    expect(parseSpan('15m')).toBe(900);
    expect(parseSpan('1h')).toBe(3600);
    expect(parseSpan('1d')).toBe(86_400);
    expect(parseSpan(300)).toBe(300);
    expect(() => parseSpan('0m')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => parseSpan('1y', 'span')).toThrow(/span/);
    expect(() => parseSpan(Number.NaN)).toThrow(/NaN/);
    expect(formatSpan(3600)).toBe('1h');
    expect(formatSpan(900)).toBe('15m');
  });

  it('formats ns as ISO with only the digits needed', () => {
    expect(formatIsoNs(1_704_067_200_000_000_000n)).toBe('2024-01-01T00:00:00Z');
    expect(formatIsoNs(1_704_067_200_123_000_000n)).toBe('2024-01-01T00:00:00.123Z');
    expect(formatIsoNs(1_704_067_200_123_456_000n)).toBe('2024-01-01T00:00:00.123456Z');
    expect(formatIsoNs(1_704_067_200_123_456_789n)).toBe('2024-01-01T00:00:00.123456789Z');
  });
});

describe('formatIsoNs fast path', () => {
  it('formats exactly as the general path, for any time, in any order', async () => {
    const { default: fc } = await import('fast-check');
    const { formatIsoNsSlow } = await import('../../src/core/time.js');
    const END = 253_402_300_800_000_000_000n;
    const anyNs = fc.oneof(
      fc.bigInt({ min: 0n, max: END + 10n ** 12n }),
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
      // whole seconds, milliseconds and microseconds: the shorter fractions
      fc.bigInt({ min: 0n, max: END / 1_000_000_000n }).map((s) => s * 1_000_000_000n),
      fc.bigInt({ min: 0n, max: END / 1_000_000n }).map((s) => s * 1_000_000n),
      fc.bigInt({ min: 0n, max: END / 1000n }).map((s) => s * 1000n),
      fc.constantFrom(0n, END - 1n, END, 1_767_225_599_999_999_999n, 1_767_225_600_000_000_001n),
    );
    fc.assert(
      fc.property(fc.array(anyNs, { minLength: 1, maxLength: 8 }), (times) => {
        for (const ns of times) expect(formatIsoNs(ns)).toBe(formatIsoNsSlow(ns));
        // The same second again (the cached date and time of day) with other fractions.
        const base = times[0] as bigint;
        for (const d of [1n, 999n, 1000n, 123_456n, 1_000_000n]) {
          expect(formatIsoNs(base + d)).toBe(formatIsoNsSlow(base + d));
        }
      }),
      { numRuns: 5000 },
    );
  });
});
