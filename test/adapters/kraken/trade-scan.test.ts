/**
 * The Kraken v2 `trade` fast path (`kraken/trade-scan.ts`) against the general path it stands in front
 * of (`JSON.parse` and the field readers): on generated frames (any key order inside a trade,
 * whitespace, odd ids, sides, numbers and times, missing, extra and repeated keys) and on the same
 * frames mutated char by char, `parseKrakenWsFrame` gives exactly what the general path gives, values
 * and errors alike; and the plain frames Kraken sends really take the fast path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanKrakenTradeFrame } from '../../../src/adapters/kraken/trade-scan.js';
import { parseKrakenWsFrame } from '../../../src/adapters/kraken/ws-parse.js';
import { decimalText, gap, mutate, mutation, outcome, plainText, uint } from '../../helpers/frame-fuzz.js';

/** The general path: a leading space skips the fast path's prefix check, and JSON ignores it. */
const general = (raw: string) => parseKrakenWsFrame(` ${raw}`);

const rare = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: odd });

/** A JSON number as Kraken writes prices and quantities (mostly), or something else. */
const number = rare(
  plainText,
  fc.oneof(
    decimalText.filter((t) => /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(t)),
    fc.constantFrom('1e5', '-1.5E-3', '"50000.5"', 'null', '01', '12345678901234567.5'),
  ),
);

const trade = fc
  .record({
    symbol: rare(fc.constantFrom('"BTC/USD"', '"ETH/EUR"'), fc.constantFrom('""', '5', '"BTC\\/USD"')),
    side: rare(fc.constantFrom('"buy"', '"sell"'), fc.constantFrom('"BUY"', '""', '1', '"b\\u0075y"')),
    price: number,
    qty: number,
    ordType: rare(fc.constantFrom('"limit"', '"market"'), fc.constantFrom('""', '1', 'null')),
    tradeId: rare(uint.map(String), fc.constantFrom('-5', '12.0', '"77"', '9007199254740993', 'null')),
    timestamp: rare(
      fc.constantFrom('"2026-01-01T00:00:00.123456Z"', '"2025-12-31T23:59:59.999999Z"'),
      fc.constantFrom('"2026-01-01T00:00:00Z"', '"2026-01-01T00:00:00.1+01:00"', '"later"', '""', '5'),
    ),
    drop: fc.option(fc.nat(9), { nil: undefined }),
    extra: rare(fc.constant(undefined), fc.constantFrom('"trade_id":1', '"side":"buy"', '"x":1')),
    shuffle: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    gap,
  })
  .map((f) => {
    const g = f.gap;
    let fields = [
      `"symbol":${f.symbol}`,
      `"side":${g}${f.side}`,
      `"price":${f.price}`,
      `"qty":${g}${f.qty}`,
      `"ord_type":${f.ordType}`,
      `"trade_id":${f.tradeId}`,
      `"timestamp":${g}${f.timestamp}`,
    ].filter((_, i) => i !== f.drop);
    if (f.extra !== undefined) fields.push(f.extra);
    if (f.shuffle) {
      fields = fields
        .map((x, i) => [x, f.order[i] ?? i] as const)
        .sort((x, y) => x[1] - y[1])
        .map(([x]) => x);
    }
    return `{${g}${fields.join(`,${g}`)}${g}}`;
  });

/** A Kraken trade frame as JSON text. */
const tradeFrame = fc
  .record({
    type: rare(fc.constantFrom('update', 'snapshot'), fc.constantFrom('ack', '')),
    trades: fc.array(trade, { maxLength: 12 }),
    tail: rare(fc.constant(''), fc.constantFrom(',"x":1', ' ', '\n')),
    gap,
  })
  .map(
    (f) =>
      `{"channel":"trade","type":${JSON.stringify(f.type)},${f.gap}"data":[${f.trades.join(`,${f.gap}`)}]${f.tail}}`,
  );

/** `parseKrakenWsFrame(raw)` gives what the general path gives: records, or the same error. */
function same(raw: string): void {
  const want = outcome(() => general(raw)) as { message?: string };
  const got = outcome(() => parseKrakenWsFrame(raw)) as { message?: string };
  if (want.message?.startsWith('Kraken sent a frame that is not JSON')) {
    // The message quotes the frame (here with the leading space): the fast path must not take it.
    expect(scanKrakenTradeFrame(raw), raw).toBeUndefined();
    expect(got.message, raw).toMatch(/^Kraken sent a frame that is not JSON/);
  } else expect(got, raw).toEqual(want);
}

describe('Kraken trade fast path', () => {
  it('gives what the general parser gives on generated frames (property)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(tradeFrame, (raw) => {
        runs++;
        if (scanKrakenTradeFrame(raw) !== undefined) taken++;
        same(raw);
      }),
      { numRuns: 3000 },
    );
    expect(taken / runs).toBeGreaterThan(0.1);
  });

  it('gives what the general parser gives on mutated frames, errors included (property)', () => {
    fc.assert(
      fc.property(tradeFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, ms) => {
        same(mutate(frame, ms));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the plain frames Kraken sends', () => {
    const raw =
      '{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell","price":96243.1,"qty":0.00102031,"ord_type":"market","trade_id":82312345,"timestamp":"2026-01-01T00:00:00.123456Z"},{"symbol":"BTC/USD","side":"buy","price":96243.2,"qty":1.5,"ord_type":"limit","trade_id":82312346,"timestamp":"2026-01-01T00:00:00.200000Z"}]}';
    const fast = scanKrakenTradeFrame(raw);
    expect(fast).toEqual(general(raw));
    expect(fast?.[0]).toEqual({
      kind: 'trade',
      market: 'BTC/USD',
      seq: 82312345,
      trade: {
        id: '82312345',
        tsNs: 1_767_225_600_123_456_000n,
        price: 96243.1,
        amount: 0.00102031,
        side: 'sell',
      },
    });
    expect(scanKrakenTradeFrame('{"channel":"trade","type":"update","data":[]}')).toEqual([]);
  });
});
