/**
 * The book-diff fast paths (`frame-scan.ts`, Binance `depth-scan.ts`, Coinbase `l2-scan.ts`; Kraken's
 * are in `kraken/book-scan.test.ts`) against the general parsers they stand in front of: on generated
 * frames (any key order, whitespace, the combined-stream wrapper, odd decimals) and on the same frames
 * mutated char by char, the parse gives exactly what `JSON.parse` and the field readers give, values
 * and errors alike. And the in-place readers really take the plain frames (so the comparison is not
 * between two fallbacks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeDepthUpdate, scanBinanceDepthFrame } from '../../src/adapters/binance/depth-scan.js';
import {
  binanceEventRecords,
  binanceFrameData,
  parseBinanceWsFrame,
} from '../../src/adapters/binance/ws-parse.js';
import { parseUsdmWsFrame } from '../../src/adapters/binance-usdm/ws-parse.js';
import { scanCoinbaseL2Update } from '../../src/adapters/coinbase/l2-scan.js';
import { parseCoinbaseWsFrame } from '../../src/adapters/coinbase/ws-parse.js';
import { readDecimalString, readNumberToken, readUint, scanned } from '../../src/adapters/frame-scan.js';
import type { LiveRecord } from '../../src/adapters/live.js';
import {
  decimalText,
  gap,
  mutate,
  mutation,
  outcome,
  plainText,
  symbol,
  uint,
} from '../helpers/frame-fuzz.js';

/** The general Binance path: `JSON.parse`, the combined-stream unwrap, the event readers. */
function binanceGeneral(raw: string): LiveRecord[] {
  return binanceEventRecords(binanceFrameData(JSON.parse(raw)));
}

/** Rows of plain decimals half the time (a frame the fast path takes), of anything otherwise. */
const pairRows = fc.oneof(
  fc.array(fc.tuple(plainText, plainText), { maxLength: 40 }),
  fc.array(fc.tuple(decimalText, decimalText), { maxLength: 40 }),
);

/** A Binance depthUpdate event as JSON text: keys shuffled at times, optional keys, odd values. */
const binanceFrame = fc
  .record({
    e: fc.oneof(
      { weight: 9, arbitrary: fc.constant('depthUpdate') },
      { weight: 1, arbitrary: fc.constantFrom('aggTrade', 'x') },
    ),
    E: uint,
    s: symbol,
    U: uint,
    u: uint,
    pu: fc.option(uint, { nil: undefined }),
    T: fc.option(uint, { nil: undefined }),
    b: pairRows,
    a: pairRows,
    extra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('"x":1', '"b":[]', '"e":"depthUpdate"') },
    ),
    shuffle: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
    combined: fc.boolean(),
    gap,
  })
  .map((f) => {
    const g = f.gap;
    const rows = (rs: [string, string][]) =>
      `[${rs.map(([p, q]) => `[${g}${JSON.stringify(p)},${g}${JSON.stringify(q)}]`).join(`,${g}`)}]`;
    let fields = [
      `"e":${g}${JSON.stringify(f.e)}`,
      `"E":${f.E}`,
      `"s":${JSON.stringify(f.s)}`,
      `"U":${f.U}`,
      `"u":${g}${f.u}`,
      ...(f.pu === undefined ? [] : [`"pu":${f.pu}`]),
      ...(f.T === undefined ? [] : [`"T":${f.T}`]),
      `"b":${rows(f.b)}`,
      `"a":${g}${rows(f.a)}`,
      ...(f.extra === undefined ? [] : [f.extra]),
    ];
    if (f.shuffle) {
      fields = fields
        .map((x, i) => [x, f.order[i] ?? i] as const)
        .sort((x, y) => x[1] - y[1])
        .map(([x]) => x);
    }
    const event = `{${g}${fields.join(`,${g}`)}${g}}`;
    return f.combined ? `{"stream":"btcusdt@depth@100ms",${g}"data":${event}}${g}` : event;
  });

/** A Coinbase l2update as JSON text. */
const coinbaseFrame = fc
  .record({
    type: fc.oneof(
      { weight: 9, arbitrary: fc.constant('l2update') },
      { weight: 1, arbitrary: fc.constant('snapshot') },
    ),
    product: symbol,
    changes: fc.oneof(
      fc.array(fc.tuple(fc.constantFrom<string>('buy', 'sell'), plainText, plainText), { maxLength: 40 }),
      fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 9, arbitrary: fc.constantFrom<string>('buy', 'sell') },
            { weight: 1, arbitrary: fc.constantFrom<string>('bid', '') },
          ),
          decimalText,
          decimalText,
        ),
        { maxLength: 40 },
      ),
    ),
    time: fc.option(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom('2026-01-01T00:00:00.123456Z', '2025-12-31T23:59:59.999999Z'),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.1+01:00', 'later', ''),
        },
      ),
      { nil: undefined },
    ),
    extra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('"sequence":5', '"type":"l2update"') },
    ),
    rowExtra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    gap,
  })
  .map((f) => {
    const g = f.gap;
    const rows = f.changes
      .map(
        ([s, p, q]) =>
          `[${JSON.stringify(s)},${g}${JSON.stringify(p)},${JSON.stringify(q)}${f.rowExtra ? ',"1"' : ''}]`,
      )
      .join(',');
    const fields = [
      `"type":${JSON.stringify(f.type)}`,
      `"product_id":${g}${JSON.stringify(f.product)}`,
      `"changes":[${rows}]`,
      ...(f.time === undefined ? [] : [`"time":${JSON.stringify(f.time)}`]),
      ...(f.extra === undefined ? [] : [f.extra]),
    ];
    return `{${fields.join(`,${g}`)}}`;
  });

describe('Binance depthUpdate fast path', () => {
  it('gives what the general parser gives on generated frames (property)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(binanceFrame, (raw) => {
        runs++;
        if (scanBinanceDepthFrame(raw) !== undefined) taken++;
        expect(
          outcome(() => parseBinanceWsFrame(raw)),
          raw,
        ).toEqual(outcome(() => binanceGeneral(raw)));
        expect(
          outcome(() => parseUsdmWsFrame(raw)),
          raw,
        ).toEqual(outcome(() => binanceGeneral(raw)));
      }),
      { numRuns: 1500 },
    );
    // Most generated frames are plain enough for the fast path: the comparison is not fallback vs itself.
    expect(taken / runs).toBeGreaterThan(0.2);
  });

  it('gives what the general parser gives on mutated frames, errors included (property)', () => {
    fc.assert(
      fc.property(binanceFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, ms) => {
        const raw = mutate(frame, ms);
        const general = outcome(() => binanceGeneral(raw));
        const fast = outcome(() => parseBinanceWsFrame(raw));
        if ((general as { error?: string }).error === 'SyntaxError') {
          // Not JSON: the parser wraps JSON.parse's error; the fast path must not have taken it.
          expect(scanBinanceDepthFrame(raw), raw).toBeUndefined();
          expect((fast as { error?: string }).error, raw).toBe('ProtocolError');
        } else expect(fast, raw).toEqual(general);
      }),
      { numRuns: 3000 },
    );
  });

  it('ends on a frame cut anywhere, after a number too, as the general parser decides', () => {
    // A frame ending in digits once made the integer reader run past the end for ever (NaN compares false).
    const raw =
      '{"e":"depthUpdate","E":1767225600123,"s":"BTCUSDT","U":157,"u":160,"pu":156,' +
      '"b":[["23771.92000000","0.03769000"]],"a":[["23772.00000000","1.50000000"]]}';
    for (let cut = 1; cut < raw.length; cut++) {
      const part = raw.slice(0, cut);
      expect(scanBinanceDepthFrame(part), part).toBeUndefined();
      expect(
        outcome(() => parseBinanceWsFrame(part)),
        part,
      ).toMatchObject({ error: 'ProtocolError' });
    }
    expect(readUint('160', 0)).toBe(3);
    expect(scanned.value).toBe(160);
  });

  it('takes the plain frames Binance sends, with the exact texts and numbers', () => {
    const raw =
      '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1767225600123,"s":"BTCUSDT","U":157,"u":160,' +
      '"b":[["23771.92000000","0.03769000"],["23771.91000000","0.00000000"]],"a":[["23772.00000000","1.50000000"]]}}';
    const fast = scanBinanceDepthFrame(raw);
    expect(looksLikeDepthUpdate(raw)).toBe(true);
    expect(looksLikeDepthUpdate('{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1}}')).toBe(false);
    expect(fast).toBeDefined();
    expect(fast).toEqual(binanceGeneral(raw)[0]);
    expect(fast?.changes[0]).toEqual({
      side: 'bid',
      price: 23771.92,
      amount: 0.03769,
      priceText: '23771.92000000',
      amountText: '0.03769000',
    });
    expect(fast?.tsNs).toBe(1_767_225_600_123_000_000n);
    // USDⓈ-M's chained diffs too.
    const usdm = '{"e":"depthUpdate","E":1,"T":2,"s":"BTCUSDT","U":3,"u":4,"pu":2,"b":[],"a":[["1.5","2"]]}';
    expect(scanBinanceDepthFrame(usdm)).toMatchObject({ prevId: 2, firstId: 3, lastId: 4 });
    expect(parseUsdmWsFrame(usdm)).toEqual(binanceGeneral(usdm));
  });
});

describe('Coinbase l2update fast path', () => {
  /** The general path: a leading space skips the fast path's prefix check, and JSON ignores it. */
  const general = (raw: string) => parseCoinbaseWsFrame(` ${raw}`);

  it('gives what the general parser gives on generated frames (property)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(coinbaseFrame, (raw) => {
        runs++;
        if (scanCoinbaseL2Update(raw) !== undefined) taken++;
        expect(
          outcome(() => parseCoinbaseWsFrame(raw)),
          raw,
        ).toEqual(outcome(() => general(raw)));
      }),
      { numRuns: 1500 },
    );
    expect(taken / runs).toBeGreaterThan(0.2);
  });

  it('gives what the general parser gives on mutated frames, errors included (property)', () => {
    fc.assert(
      fc.property(coinbaseFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }), (frame, ms) => {
        const raw = mutate(frame, ms);
        const want = outcome(() => general(raw)) as { message?: string };
        const got = outcome(() => parseCoinbaseWsFrame(raw)) as { message?: string };
        if (want.message?.startsWith('Coinbase sent a frame that is not JSON')) {
          // The message quotes the frame (here with the leading space): the fast path must not take it.
          expect(scanCoinbaseL2Update(raw), raw).toBeUndefined();
          expect(got.message, raw).toMatch(/^Coinbase sent a frame that is not JSON/);
        } else expect(got, raw).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the plain frames Coinbase sends', () => {
    const raw =
      '{"type":"l2update","product_id":"BTC-USD","changes":[["buy","21843.21","0.05586262"],["sell","21843.30","0.00000000"]],"time":"2026-01-01T00:00:00.123456Z"}';
    const fast = scanCoinbaseL2Update(raw);
    expect(fast).toBeDefined();
    expect(fast).toEqual(general(raw)[0]);
    expect(fast?.changes[1]).toEqual({
      side: 'ask',
      price: 21843.3,
      amount: 0,
      priceText: '21843.30',
      amountText: '0.00000000',
    });
  });
});

describe('decimal texts', () => {
  it('come back exactly as written, through the text cache and its collisions (property)', () => {
    // Many distinct values fill the direct-mapped cache; reading each again must give its own text.
    fc.assert(
      fc.property(fc.array(decimalText, { minLength: 1, maxLength: 3000, size: 'max' }), (list) => {
        for (const round of [0, 1]) {
          for (const t of list) {
            const raw = JSON.stringify(t);
            const end = readDecimalString(raw, 0);
            if (end === -1) continue;
            expect(scanned.text, `${t} (round ${round})`).toBe(t);
            expect(Object.is(scanned.value, Number(t)), t).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('number tokens (Kraken levels)', () => {
  /** JSON number tokens without exponent: signs, leading zeros of fractions, 1..30 digits. */
  const token = fc
    .tuple(
      fc.boolean(),
      fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,20}$/)),
      fc.option(fc.stringMatching(/^[0-9]{1,24}$/), { nil: undefined }),
    )
    .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);

  it('read as their exact text and the same double as Number (property)', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 500 }), (list) => {
        for (const t of list) {
          const raw = ` ${t},`;
          expect(readNumberToken(raw, 0), t).toBe(raw.length - 1);
          expect(scanned.text, t).toBe(t);
          expect(Object.is(scanned.value, Number(t)), t).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('step aside for what is not a plain token', () => {
    for (const t of ['-', '01', '-01.5', '1.', '.5', '1e5', '1.5E3', '+1', 'x', '', '1.e3']) {
      expect(readNumberToken(`${t},`, 0), t).toBe(-1);
    }
  });
});
