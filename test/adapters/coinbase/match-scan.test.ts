/**
 * The Coinbase `match` fast path (`coinbase/match-scan.ts`) against the general path it stands in
 * front of (`JSON.parse` and the field readers): on generated frames (any key order, whitespace, odd
 * ids, sides, decimals and times, missing, extra and repeated keys) and on the same frames mutated char
 * by char, `parseCoinbaseWsFrame` gives exactly what the general path gives, values and errors alike;
 * and the plain frames Coinbase sends really take the fast path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanCoinbaseMatch } from '../../../src/adapters/coinbase/match-scan.js';
import { parseCoinbaseWsFrame } from '../../../src/adapters/coinbase/ws-parse.js';
import {
  decimalText,
  gap,
  mutate,
  mutation,
  outcome,
  plainText,
  symbol,
  uint,
} from '../../helpers/frame-fuzz.js';

/** The general path: a leading space skips the fast path's prefix check, and JSON ignores it. */
const general = (raw: string) => parseCoinbaseWsFrame(` ${raw}`);

const rare = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: odd });

/** A Coinbase match as JSON text. */
const matchFrame = fc
  .record({
    type: rare(fc.constantFrom('match', 'last_match'), fc.constantFrom('ticker', 'l2update', '')),
    tradeId: rare(
      uint.map(String),
      fc.constantFrom('-5', '12.0', '1e3', '"77"', '0123', '9007199254740993', 'null'),
    ),
    maker: rare(
      fc
        .string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', '-', '0', '9') })
        .map((s) => JSON.stringify(s)),
      fc.constantFrom('""', '1', 'null', '"a\\"b"', '{}'),
    ),
    side: rare(fc.constantFrom('"buy"', '"sell"'), fc.constantFrom('"BUY"', '""', '1', '"b\\u0075y"')),
    size: rare(
      plainText.map((t) => JSON.stringify(t)),
      decimalText.map((t) => JSON.stringify(t)),
    ),
    price: rare(
      plainText.map((t) => JSON.stringify(t)),
      fc.oneof(
        decimalText.map((t) => JSON.stringify(t)),
        fc.constantFrom('50000.5', '"1e5"', 'null', '" 1"'),
      ),
    ),
    product: rare(
      symbol.map((t) => JSON.stringify(t)),
      fc.constantFrom('""', '5', '"BTC\\/USD"'),
    ),
    sequence: rare(uint.map(String), fc.constantFrom('"5"', '-1', '1.5', '12345678901234567890')),
    time: rare(
      fc.constantFrom('"2026-01-01T00:00:00.123456Z"', '"2025-12-31T23:59:59.999999Z"'),
      fc.constantFrom('"2026-01-01T00:00:00Z"', '"2026-01-01T00:00:00.1+01:00"', '"later"', '""', '5'),
    ),
    drop: fc.option(fc.nat(9), { nil: undefined }),
    extra: rare(
      fc.constant(undefined),
      fc.constantFrom('"trade_id":1', '"side":"buy"', '"x":1', '"time":"2026-01-01T00:00:00.5Z"'),
    ),
    shuffle: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 11, maxLength: 11 }),
    gap,
  })
  .map((f) => {
    const g = f.gap;
    let fields = [
      `"trade_id":${g}${f.tradeId}`,
      `"maker_order_id":${f.maker}`,
      `"taker_order_id":${g}${f.maker}`,
      `"side":${f.side}`,
      `"size":${g}${f.size}`,
      `"price":${f.price}`,
      `"product_id":${f.product}`,
      `"sequence":${f.sequence}`,
      `"time":${g}${f.time}`,
    ].filter((_, i) => i !== f.drop);
    if (f.extra !== undefined) fields.push(f.extra);
    if (f.shuffle) {
      fields = fields
        .map((x, i) => [x, f.order[i] ?? i] as const)
        .sort((x, y) => x[1] - y[1])
        .map(([x]) => x);
    }
    // The type first, as Coinbase sends it (the fast path's prefix check wants it there).
    return `{"type":${JSON.stringify(f.type)},${g}${fields.join(`,${g}`)}${g}}${g}`;
  });

/** `parseCoinbaseWsFrame(raw)` gives what the general path gives: records, or the same error. */
function same(raw: string): void {
  const want = outcome(() => general(raw)) as { message?: string };
  const got = outcome(() => parseCoinbaseWsFrame(raw)) as { message?: string };
  if (want.message?.startsWith('Coinbase sent a frame that is not JSON')) {
    // The message quotes the frame (here with the leading space): the fast path must not take it.
    expect(scanCoinbaseMatch(raw), raw).toBeUndefined();
    expect(got.message, raw).toMatch(/^Coinbase sent a frame that is not JSON/);
  } else expect(got, raw).toEqual(want);
}

describe('Coinbase match fast path', () => {
  it('gives what the general parser gives on generated frames (property)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(matchFrame, (raw) => {
        runs++;
        if (scanCoinbaseMatch(raw) !== undefined) taken++;
        same(raw);
      }),
      { numRuns: 3000 },
    );
    expect(taken / runs).toBeGreaterThan(0.1);
  });

  it('gives what the general parser gives on mutated frames, errors included (property)', () => {
    fc.assert(
      fc.property(matchFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, ms) => {
        same(mutate(frame, ms));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the plain frames Coinbase sends, the taker side flipped from the maker side', () => {
    const raw =
      '{"type":"match","trade_id":865127782,"maker_order_id":"5f4bb11b-f065-4025-ad53-2091b10ad2cf","taker_order_id":"66715b57-0167-4ae9-8b2b-75a064a923f4","side":"sell","size":"0.00102031","price":"96243.08","product_id":"BTC-USD","sequence":101046617591,"time":"2026-01-01T00:00:00.123456Z"}';
    const fast = scanCoinbaseMatch(raw);
    expect(fast).toEqual({
      kind: 'trade',
      market: 'BTC-USD',
      seq: 865127782,
      trade: {
        id: '865127782',
        tsNs: 1_767_225_600_123_456_000n,
        price: 96243.08,
        amount: 0.00102031,
        side: 'buy',
      },
    });
    expect([fast]).toEqual(general(raw));
    expect(
      scanCoinbaseMatch(raw.replace('"match"', '"last_match"').replace('"sell"', '"buy"')),
    ).toMatchObject({
      trade: { side: 'sell' },
    });
  });
});
