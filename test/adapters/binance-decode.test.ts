/**
 * The fast klines/aggTrades decoders against `JSON.parse` + the validating parsers: on everything they
 * accept they give exactly the same records (same doubles, same bigints), and they accept nothing the
 * validating path rejects. Bodies: the simulator's own pages, generated rows (fast-check), and random
 * one-character mutations of valid bodies.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBinanceAggTrades, decodeBinanceKlines } from '../../src/adapters/binance/decode.js';
import {
  aggTradesPage,
  parseBinanceAggTrades,
  parseBinanceKlines,
} from '../../src/adapters/binance/parse.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const RUNS = Number(process.env.DECODE_PROPERTY_RUNS ?? 300);
const generic = {
  klines: (text: string) => parseBinanceKlines(JSON.parse(text)),
  aggTrades: (text: string) => aggTradesPage(parseBinanceAggTrades(JSON.parse(text))),
};
const fast = {
  klines: (text: string) => decodeBinanceKlines(text)?.bars,
  aggTrades: (text: string) => {
    const page = decodeBinanceAggTrades(text);
    return page && { trades: page.trades, lastAggId: page.lastAggId };
  },
};
type Kind = keyof typeof generic;

/** Fast agrees with generic: same records when it decodes; undefined when generic throws. */
function agree(kind: Kind, text: string): 'fast' | 'fallback' {
  const decoded = fast[kind](text);
  let expected: unknown;
  let threw = false;
  try {
    expected = generic[kind](text);
  } catch {
    threw = true;
  }
  if (decoded === undefined) return 'fallback';
  expect(threw, `the fast decoder accepted what the validating path rejects: ${text.slice(0, 200)}`).toBe(
    false,
  );
  expect(decoded).toEqual(expected);
  return 'fast';
}

const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 20 }), fc.boolean())
  .map(([m, scale, pad]) => {
    const digits = m.toString().padStart(scale + 1, '0');
    const s = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return pad && scale === 0 ? `${s}.0` : s;
  });
const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
const kline = fc
  .tuple(ms, fc.array(decimal, { minLength: 9, maxLength: 9 }), fc.integer({ min: 0, max: 1e9 }))
  .map(([t, d, n]) => [t, d[0], d[1], d[2], d[3], d[4], t + 59_999, d[5], n, d[6], d[7], d[8]]);
const aggTrade = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 53 - 1 }), decimal, decimal, ms, fc.boolean(), fc.boolean())
  .map(([a, p, q, T, m, M]) => ({ a, p, q, f: a, l: a, T, m, M }));

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance', seed: 3 });
});
afterAll(() => sim.close());

describe('Binance fast decoders', () => {
  it('decode the simulator’s pages exactly as JSON.parse + the parsers do', async () => {
    const end = 1_767_225_600_000;
    for (let k = 0; k < 5; k++) {
      const start = end - (k + 1) * 60_000_000;
      const klines = await (
        await fetch(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start}&limit=1000`)
      ).text();
      expect(agree('klines', klines)).toBe('fast');
      const trades = await (
        await fetch(
          `${sim.url}/api/v3/aggTrades?symbol=ETHUSDT&startTime=${start}&endTime=${start + 3_599_999}&limit=1000`,
        )
      ).text();
      expect(agree('aggTrades', trades)).toBe('fast');
    }
  });

  it('property: generated pages decode to the same records (decimals up to 21 digits, 0–20 after the dot)', () => {
    fc.assert(
      fc.property(fc.array(kline, { maxLength: 20 }), (rows) => {
        expect(agree('klines', JSON.stringify(rows))).toBe('fast');
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(aggTrade, { maxLength: 20 }), (rows) => {
        expect(agree('aggTrades', JSON.stringify(rows))).toBe('fast');
      }),
      { numRuns: RUNS },
    );
  });

  it('property: a body with one character changed, added or removed is decoded the same or left to JSON.parse', () => {
    const edit = fc.tuple(
      fc.nat(),
      fc.constantFrom('del', 'ins', 'set'),
      fc.constantFrom(...' ,.:-+e0159"[]{}tfnx\\'.split('')),
    );
    const mutate = (text: string, [at, op, ch]: [number, string, string]): string => {
      const i = at % (text.length + 1);
      if (op === 'del') return text.slice(0, i) + text.slice(i + 1);
      if (op === 'ins') return text.slice(0, i) + ch + text.slice(i);
      return text.slice(0, i) + ch + text.slice(i + 1);
    };
    let fallbacks = 0;
    fc.assert(
      fc.property(fc.array(kline, { minLength: 1, maxLength: 3 }), edit, (rows, e) => {
        if (agree('klines', mutate(JSON.stringify(rows), e)) === 'fallback') fallbacks++;
      }),
      { numRuns: RUNS * 3 },
    );
    fc.assert(
      fc.property(fc.array(aggTrade, { minLength: 1, maxLength: 3 }), edit, (rows, e) => {
        if (agree('aggTrades', mutate(JSON.stringify(rows), e)) === 'fallback') fallbacks++;
      }),
      { numRuns: RUNS * 3 },
    );
    expect(fallbacks).toBeGreaterThan(RUNS);
  });

  it('leaves to JSON.parse what Binance does not write: whitespace, other field orders, signs, exponents, leading zeros', () => {
    const row = '[1767225420000,"1.5","2","0.5","1.25","10",1767225479999,"15",3,"1","2","0"]';
    expect(agree('klines', `[${row}]`)).toBe('fast');
    expect(agree('klines', '[]')).toBe('fast');
    for (const body of [
      ` [${row}]`,
      `[${row.replace(',"2",', ', "2",')}]`,
      `[${row.replace('1767225420000', '-1')}]`,
      `[${row.replace('"1.5"', '"1e3"')}]`,
      `[${row.replace('1767225420000', '01767225420000')}]`,
      `[${row.replace('"1.5"', '1.5')}]`,
      `[${row.replace('"1.5"', '"1."')}]`,
      `[${row.replace('"1.5"', '".5"')}]`,
      `[${row}`,
      `[${row},]`,
    ])
      expect(agree('klines', body)).toBe('fallback');
    const trade = '{"a":7,"p":"1.5","q":"2","f":7,"l":7,"T":1767225000035,"m":true,"M":true}';
    expect(agree('aggTrades', `[${trade}]`)).toBe('fast');
    for (const body of [
      `[${trade.replace('"m":true,"M":true', '"M":true,"m":true')}]`,
      `[${trade.replace('"m":true', '"m":1')}]`,
      `[${trade.replace('"a":7', '"a":"7"')}]`,
      `[${trade.replace('"p":"1.5"', '"p":"1.5\\u0030"')}]`,
    ])
      expect(agree('aggTrades', body)).toBe('fallback');
  });
});
