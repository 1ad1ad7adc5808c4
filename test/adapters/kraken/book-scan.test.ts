/**
 * The Kraken v2 book fast path (`adapters/kraken/book-scan.ts`) against the lossless JSON reader it
 * stands in front of: on generated and mutated frames the parse gives exactly what the general path
 * gives (the exact number tokens the CRC32 runs over included), and plain frames take the fast path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanKrakenBookFrame } from '../../../src/adapters/kraken/book-scan.js';
import { parseKrakenWsFrame } from '../../../src/adapters/kraken/ws-parse.js';
import { gap, mutate, mutation, outcome, plainText, symbol } from '../../helpers/frame-fuzz.js';

/** A JSON number token as Kraken writes prices and sizes, and near misses. */
const krakenNumber = fc.oneof(
  { weight: 10, arbitrary: plainText },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1e5',
      '-0',
      '0.0',
      '01',
      '1.',
      '.5',
      '-',
      '98399.123456789012345',
      '"1.5"',
      'null',
      '1E-7',
    ),
  },
);
const krakenLevels = fc.array(fc.tuple(krakenNumber, krakenNumber, fc.boolean()), { maxLength: 25 });

/** A Kraken v2 book frame as JSON text. */
const krakenFrame = fc
  .record({
    type: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom('snapshot', 'update') },
      { weight: 1, arbitrary: fc.constant('other') },
    ),
    entries: fc.array(
      fc.record({
        symbol: symbol,
        bids: fc.option(krakenLevels, { nil: undefined, freq: 6 }),
        asks: fc.option(krakenLevels, { nil: undefined, freq: 6 }),
        checksum: fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String) },
          { weight: 1, arbitrary: fc.constantFrom('-1', '1.5', '"7"', '') },
        ),
        timestamp: fc.option(fc.constantFrom('2026-01-01T00:00:20.800000Z', '2026-01-01T00:00:20Z', 'x'), {
          nil: undefined,
          freq: 4,
        }),
        asksFirst: fc.boolean(),
      }),
      { minLength: 0, maxLength: 3 },
    ),
    extra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('"x":1', '"type":"update"') },
    ),
    gap,
  })
  .map((f) => {
    const g = f.gap;
    const lv = (xs: [string, string, boolean][]) =>
      `[${xs.map(([p, q, swap]) => (swap && g !== '' ? `{"qty":${q},"price":${p}}` : `{"price":${p},${g}"qty":${q}}`)).join(',')}]`;
    const entry = (e: (typeof f.entries)[number]) => {
      const fields = [`"symbol":${JSON.stringify(e.symbol)}`];
      const b = e.bids === undefined ? [] : [`"bids":${lv(e.bids)}`];
      const a = e.asks === undefined ? [] : [`"asks":${g}${lv(e.asks)}`];
      fields.push(
        ...(e.asksFirst ? [...a, ...b] : [...b, ...a]),
        ...(e.checksum === '' ? [] : [`"checksum":${e.checksum}`]),
      );
      if (e.timestamp !== undefined) fields.push(`"timestamp":${JSON.stringify(e.timestamp)}`);
      return `{${fields.join(',')}}`;
    };
    const extra = f.extra === undefined ? '' : `,${f.extra}`;
    return `{"channel":"book","type":${JSON.stringify(f.type)},${g}"data":[${f.entries.map(entry).join(`,${g}`)}]${extra}}`;
  });

describe('Kraken book fast path', () => {
  /** The general path: a leading space skips the fast path's prefix check, and JSON ignores it. */
  const general = (raw: string) => parseKrakenWsFrame(` ${raw}`);
  const expectSame = (raw: string) => {
    const want = outcome(() => general(raw)) as { error?: string };
    const got = outcome(() => parseKrakenWsFrame(raw)) as { error?: string };
    if (want.error !== undefined) {
      // Error texts quote offsets and the frame (shifted by the space): the fast path must not take it.
      expect(scanKrakenBookFrame(raw), raw).toBeUndefined();
      expect(got.error, raw).toBe(want.error);
    } else expect(got, raw).toEqual(want);
  };

  it('gives what the lossless reader gives on generated frames (property)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(krakenFrame, (raw) => {
        runs++;
        if (scanKrakenBookFrame(raw) !== undefined) taken++;
        expectSame(raw);
      }),
      { numRuns: 1500 },
    );
    expect(taken / runs).toBeGreaterThan(0.2);
  });

  it('gives what the lossless reader gives on mutated frames, errors included (property)', () => {
    fc.assert(
      fc.property(krakenFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, ms) => {
        expectSame(mutate(frame, ms));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the plain frames Kraken sends, with the exact tokens for the checksum', () => {
    const raw =
      '{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":98370.3,"qty":0.01128489}],' +
      '"asks":[{"price":98359.3,"qty":0.00000000}],"checksum":1985727734,"timestamp":"2026-01-01T00:00:20.800000Z"}]}';
    const fast = scanKrakenBookFrame(raw);
    expect(fast).toBeDefined();
    expect(fast).toEqual(general(raw));
    expect(fast?.[0]?.changes[1]).toEqual({
      side: 'ask',
      price: 98359.3,
      amount: 0,
      priceText: '98359.3',
      amountText: '0.00000000',
    });
    expect(fast?.[0]?.checksum).toBe(1985727734);
  });
});
