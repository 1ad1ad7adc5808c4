/**
 * The shared readers' fast paths must give exactly what the general ones give: `plainDecimal` the same
 * double as `Number`, and the `…At` readers the same values and the same errors as the plain readers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimal,
  decimalAt,
  integer,
  integerAt,
  plainDecimal,
  text,
  textAt,
} from '../../src/adapters/values.js';

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { error: e.constructor.name, code: e.code, message: e.message };
  }
}

/** Decimal strings as exchanges write them, and near misses. */
const decimalText = fc.oneof(
  fc
    .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,18}$/), fc.option(fc.stringMatching(/^[0-9]{0,24}$/)))
    .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '-',
    '.',
    '.5',
    '5.',
    '-.5',
    '+5',
    '1e5',
    '1.5e-7',
    ' 1',
    '1 ',
    '0x10',
    '1_000',
    'Infinity',
    '--1',
    '1..2',
    '-0',
    '0.0000000000000000000001',
  ),
);

describe('values fast paths', () => {
  it('plainDecimal gives the same double as Number, or leaves the text to it (property)', () => {
    fc.assert(
      fc.property(decimalText, (t) => {
        const fast = plainDecimal(t);
        if (fast !== undefined) expect(Object.is(fast, Number(t)), t).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // The shapes the book and trade parsers see take the fast path.
    for (const t of ['50000.12', '0.00100000', '-3', '0', '123456789.123456', '0.1'])
      expect(plainDecimal(t), t).toBe(Number(t));
    for (const t of ['', '-', '.', '1e5', ' 1', '1234567890.1234567', '+1'])
      expect(plainDecimal(t), t).toBeUndefined();
  });

  it('decimal, decimalAt and friends agree with the general readers, errors included (property)', () => {
    const value = fc.oneof(
      decimalText,
      fc.double(),
      fc.integer(),
      fc.constantFrom(null, undefined, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60),
    );
    fc.assert(
      fc.property(value, fc.nat(99), (v, i) => {
        const name = `list[${i}].x`;
        const general = outcome(() => {
          const n =
            typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
          if (!Number.isFinite(n)) return decimal(v, name);
          return n;
        });
        expect(outcome(() => decimal(v, name))).toEqual(general);
        expect(outcome(() => decimalAt(v, 'list', i, '.x'))).toEqual(general);
        expect(outcome(() => integerAt(v, 'list', i, '.x'))).toEqual(outcome(() => integer(v, name)));
        expect(outcome(() => textAt(v, 'list', i, '.x'))).toEqual(outcome(() => text(v, name)));
      }),
      { numRuns: 3000 },
    );
  });
});
