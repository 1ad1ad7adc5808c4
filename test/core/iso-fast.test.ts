/**
 * The fast path of `parseIsoNs` (`YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, read by char code with a day cache)
 * must agree with the general regex parser on every input: the same ns, or the same error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoUtcFast } from '../../src/core/iso-fast.js';
import { parseIsoNs, parseIsoNsGeneral } from '../../src/core/time.js';

/** What a parse gave: the value, or the error's class, code and message. */
function outcome(parse: (t: string, a?: string) => bigint, text: string): unknown {
  try {
    return parse(text, 'when');
  } catch (error) {
    const e = error as Error & { code?: string };
    return { error: e.constructor.name, code: e.code, message: e.message };
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Date-times near and past the edges: day 0..32, hour up to 24, minute and second up to 60, 0..9 digits. */
const dateTime = fc
  .record({
    y: fc.oneof(fc.integer({ min: 1000, max: 9999 }), fc.constantFrom(1900, 2000, 2023, 2024, 2100, 1970)),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 24 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 60 }),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,10}$/)),
  })
  .map(
    ({ y, mo, d, h, mi, s, frac }) =>
      `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === null ? '' : `.${frac}`}Z`,
  );

/** Small edits that leave the fixed shape: the general parser decides those. */
const edit = fc.constantFrom(
  (t: string) => t,
  (t: string) => t.toLowerCase(),
  (t: string) => t.replace('T', ' '),
  (t: string) => ` ${t}`,
  (t: string) => `${t} `,
  (t: string) => t.replace('Z', '+02:00'),
  (t: string) => t.replace('Z', ''),
  (t: string) => t.replace('Z', 'ZZ'),
  (t: string) => t.slice(0, 10),
  (t: string) => t.replace(/\d/, 'x'),
  (t: string) => t.replace('.', ','),
  (t: string) => t.replace(/^\d/, '0'),
);

describe('parseIsoNs fast path', () => {
  it('agrees with the general parser on fuzzed date-times, edits included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(dateTime, edit), { minLength: 1, maxLength: 8 }), (cases) => {
        // Several in a row, so the day cache is hit, missed and refilled between them.
        for (const [t, f] of cases) {
          const text = f(t);
          expect(outcome(parseIsoNs, text), text).toEqual(outcome(parseIsoNsGeneral, text));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the fixed shape itself, with 0 to 9 fractional digits', () => {
    const base = '2026-01-01T12:34:56';
    expect(parseIsoUtcFast(`${base}Z`)).toBe(parseIsoNsGeneral(`${base}Z`));
    for (let n = 1; n <= 9; n++) {
      const text = `${base}.${'123456789'.slice(0, n)}Z`;
      expect(parseIsoUtcFast(text), text).toBe(parseIsoNsGeneral(text));
    }
    expect(parseIsoUtcFast('2026-01-01T00:00:00.000001Z')).toBe(1_767_225_600_000_001_000n);
    expect(parseIsoUtcFast('2026-01-01T23:59:59.999999999Z')).toBe(1_767_311_999_999_999_999n);
    // Not the shape: left to the general parser.
    for (const other of [
      `${base}.1234567890Z`,
      `${base}.Z`,
      `${base}+00:00`,
      `${base}z`,
      '2026-01-01',
      '0999-01-01T00:00:00Z',
      '0050-01-01T00:00:00Z',
    ])
      expect(parseIsoUtcFast(other), other).toBeUndefined();
  });

  it('knows leap days, and month and day bounds, as the general parser does', () => {
    for (const [text, ok] of [
      ['2024-02-29T00:00:00Z', true],
      ['2000-02-29T00:00:00.5Z', true],
      ['2023-02-29T00:00:00Z', false],
      ['1900-02-29T00:00:00Z', false],
      ['2100-02-29T00:00:00Z', false],
      ['2026-04-31T00:00:00Z', false],
      ['2026-12-31T23:59:59.999999Z', true],
      ['2026-13-01T00:00:00Z', false],
      ['2026-00-10T00:00:00Z', false],
      ['2026-01-00T00:00:00Z', false],
      ['2026-01-01T24:00:00Z', false],
      ['2026-01-01T00:60:00Z', false],
      ['2026-01-01T00:00:60Z', false],
    ] as const) {
      expect(parseIsoUtcFast(text) !== undefined, text).toBe(ok);
      expect(outcome(parseIsoNs, text), text).toEqual(outcome(parseIsoNsGeneral, text));
    }
  });

  it('a bad value fails with the same typed error naming the argument and value', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-01-01T00:00:00.Z',
      'nope',
      '2026-01-01T25:00:00.000001Z',
    ]) {
      expect(() => parseIsoNs(bad, 'match.time')).toThrow(
        expect.objectContaining({ code: 'ERR_VALIDATION', message: expect.stringContaining('match.time') }),
      );
      expect(outcome(parseIsoNs, bad)).toEqual(outcome(parseIsoNsGeneral, bad));
    }
  });

  it('the day cache does not leak one day into the next', () => {
    const days = ['2026-01-01', '2026-01-02', '2024-02-29', '2026-01-01', '1999-12-31', '2026-01-02'];
    for (const d of days) {
      const text = `${d}T01:02:03.456789Z`;
      expect(parseIsoNs(text)).toBe(parseIsoNsGeneral(text));
    }
  });
});
