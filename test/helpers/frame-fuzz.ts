/**
 * Generators shared by the frame fast-path property tests: decimals as exchanges write them and near
 * misses, symbols, whitespace, and char-level mutations of a frame; `outcome` captures a value or an error.
 */
import fc from 'fast-check';

/** A call's value, or its error's class, code and message. */
export function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { error: e.constructor.name, code: e.code, message: e.message };
  }
}

/** Plain decimals as exchanges write them (mostly), and near misses the general path must decide. */
export const decimalText = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 99_999_999 }),
      )
      .map(([int, d, frac]) =>
        d === 0 ? String(int) : `${int}.${String(frac).padStart(8, '0').slice(0, d)}`,
      ),
  },
  { weight: 2, arbitrary: fc.constantFrom('0.00000000', '0', '23771.92000000', '0.00100000') },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,18}$/), fc.option(fc.stringMatching(/^[0-9]{0,24}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '-',
      '.',
      '.5',
      '5.',
      '+5',
      '1e5',
      ' 1',
      'NaN',
      '1..2',
      '-0',
      'x"y',
      'a\\b',
    ),
  },
);

export const symbol = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('BTCUSDT', 'ETHBTC', 'BTC-USD', 'ETH-EUR') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
export const uint = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 53, 1e21, 0) },
);
/** Whitespace between tokens: mostly none, as exchanges send. */
export const gap = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\n', '\t ', '\r\n') },
);

/** Decimals as exchanges write them: every one of these takes the fast path. */
export const plainText = fc
  .tuple(
    fc.integer({ min: 0, max: 99_999 }),
    fc.integer({ min: 0, max: 10 }),
    fc.integer({ min: 0, max: 99_999_999 }),
  )
  .map(([int, d, frac]) => (d === 0 ? String(int) : `${int}.${String(frac).padStart(8, '0').slice(0, d)}`));

/** One edit of a frame: a char removed, replaced or inserted (JSON's own chars most likely). */
export const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'insert'),
  ch: fc.constantFrom('"', ',', ':', '[', ']', '{', '}', '.', '-', '0', '7', 'e', ' ', '\\', 'x', '\u0001'),
});
export function mutate(raw: string, ms: { at: number; kind: string; ch: string }[]): string {
  let s = raw;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    s =
      m.kind === 'delete'
        ? s.slice(0, at) + s.slice(at + 1)
        : m.kind === 'replace'
          ? s.slice(0, at) + m.ch + s.slice(at + 1)
          : s.slice(0, at) + m.ch + s.slice(at);
  }
  return s;
}
