/**
 * Fast decoders for the two bodies a Binance download is made of: klines and aggTrades pages, exactly as
 * Binance writes them (compact JSON, fields in its order). They read the values straight from the text:
 * `JSON.parse` of a 1,000-row page builds ~13,000 strings and arrays only to be converted and dropped,
 * and that garbage was the largest share of a year of candles' CPU (docs/benchmarks.md).
 *
 * Anything else (whitespace, another field order, a value of another type, a leading zero, an escape)
 * makes a decoder return `undefined`, and the body goes through `JSON.parse` and the validating parsers
 * in `parse.ts`, which accept or reject it exactly as before. So the decoders can only be faster, never
 * more lenient; `test/adapters/binance-decode.test.ts` checks them against those parsers.
 *
 * @module
 */
import type { OHLCBar, Trade } from '../../core/records.js';
import type { AggTradesPage } from './parse.js';

/** A decoded klines page (a class, so that a JSON body can never be mistaken for one). */
export class DecodedKlines {
  constructor(readonly bars: OHLCBar[]) {}
}

/** A decoded aggTrades page. */
export class DecodedAggTrades implements AggTradesPage {
  constructor(
    readonly trades: Trade[],
    readonly lastAggId: number | undefined,
  ) {}
}

const QUOTE = 34;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const OPEN = 91;
const CLOSE = 93;
const BRACE_CLOSE = 125;
const MS_NS = 1_000_000n;
/** 10^0 … 10^22, each exact as a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A scanner over one body's bytes (no string of the whole body is made: the bodies are ASCII, and any
 * other byte is simply not in the expected form). Each reader returns the position after what it read,
 * or -1 when the bytes are not in the expected form; values go to `value`. Reading past the end gives
 * `undefined`, which no test below accepts.
 */
class Scan {
  value = 0;
  constructor(readonly b: Uint8Array) {}

  /**
   * A non-negative JSON integer, `0` or `[1-9][0-9]*`, that is a safe integer (every partial value is then
   * exact too).
   */
  int(i: number): number {
    const b = this.b;
    const start = i;
    let v = 0;
    let c = b[i] as number;
    while (c >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      c = b[++i] as number;
    }
    const len = i - start;
    if (len === 0 || len > 16 || v > Number.MAX_SAFE_INTEGER || (len > 1 && b[start] === ZERO)) return -1;
    this.value = v;
    return i;
  }

  /**
   * A quoted non-negative decimal such as `"23778.74000000"`: digits, at most one dot, a digit on both
   * sides of it. With at most 15 significant digits the value is read exactly: the digits as an integer
   * (exact below 2^53) divided by a power of ten (exact up to 10^22), one correctly rounded division,
   * hence the same double as `Number(text)`; longer ones go through `Number`. With `keep` false the
   * value is only checked, not computed.
   */
  dec(i: number, keep: boolean): number {
    const b = this.b;
    if (b[i] !== QUOTE) return -1;
    const start = ++i;
    let c = b[i] as number;
    if (!(c >= ZERO && c <= NINE)) return -1; // undefined past the end too
    let m = 0;
    // The integer part, then (after a dot and at least one digit) the fraction: two tight loops.
    do {
      m = m * 10 + (c - ZERO);
      c = b[++i] as number;
    } while (c >= ZERO && c <= NINE);
    let scale = 0;
    const intEnd = i;
    if (c === DOT) {
      c = b[++i] as number;
      if (!(c >= ZERO && c <= NINE)) return -1;
      do {
        m = m * 10 + (c - ZERO);
        c = b[++i] as number;
      } while (c >= ZERO && c <= NINE);
      scale = i - intEnd - 1;
    }
    if (c !== QUOTE) return -1;
    if (keep) {
      const digits = i - start - (scale > 0 ? 1 : 0);
      this.value =
        digits <= 15 && scale < POW10.length ? m / (POW10[scale] as number) : Number(this.ascii(start, i));
    }
    return i + 1;
  }

  /** The bytes `[from, to)` as a new string (ASCII: the readers accepted them). */
  ascii(from: number, to: number): string {
    return String.fromCharCode.apply(null, this.b.subarray(from, to) as unknown as number[]);
  }

  /** The byte at `i` (undefined past the end). */
  at(i: number): number | undefined {
    return this.b[i];
  }

  /** `ch` at `i`. */
  ch(i: number, ch: number): number {
    return this.b[i] === ch ? i + 1 : -1;
  }

  /** `literal` (its char codes) at `i`. */
  lit(i: number, literal: readonly number[]): number {
    const b = this.b;
    for (let k = 0; k < literal.length; k++) if (b[i + k] !== literal[k]) return -1;
    return i + literal.length;
  }

  /** `true` or `false` at `i` (into `value` as 1 or 0). */
  bool(i: number): number {
    const c = this.b[i];
    if (c === 116) {
      const j = this.lit(i, TRUE);
      if (j >= 0) this.value = 1;
      return j;
    }
    if (c === 102) {
      const j = this.lit(i, FALSE);
      if (j >= 0) this.value = 0;
      return j;
    }
    return -1;
  }
}

const codes = (s: string): readonly number[] => Array.from(s, (c) => c.charCodeAt(0));

/** The body's bytes: the response's own, or a string's UTF-8 (the tests'). */
function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
const TRUE = codes('true');
const FALSE = codes('false');
const A = codes('{"a":');
const P = codes(',"p":');
const Q = codes(',"q":');
const F = codes(',"f":');
const L = codes(',"l":');
const T = codes(',"T":');
const M = codes(',"m":');
const BM = codes(',"M":');

/**
 * Decodes `GET /api/v3/klines` as Binance writes it: `[[openTime,"open","high","low","close","volume",
 * closeTime,"quoteVolume",trades,"takerBase","takerQuote","ignore"],...]`. `undefined` for anything else.
 */
export function decodeBinanceKlines(body: string | Uint8Array): DecodedKlines | undefined {
  const s = new Scan(bytesOf(body));
  const length = s.b.length;
  let i = s.ch(0, OPEN);
  if (i < 0) return undefined;
  const bars: OHLCBar[] = [];
  if (s.at(i) === CLOSE) return i + 1 === length ? new DecodedKlines(bars) : undefined;
  for (;;) {
    i = s.ch(i, OPEN);
    if (i < 0) return undefined;
    i = s.int(i);
    if (i < 0) return undefined;
    const openMs = s.value;
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const open = s.value;
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const high = s.value;
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const low = s.value;
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const close = s.value;
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const volume = s.value;
    // closeTime, quote volume, number of trades, taker buy base, taker buy quote, "ignore".
    i = s.ch(i, COMMA);
    if (i >= 0) i = s.int(i);
    if (i >= 0) i = s.ch(i, COMMA);
    if (i >= 0) i = s.dec(i, false);
    if (i >= 0) i = s.ch(i, COMMA);
    if (i >= 0) i = s.int(i);
    for (let k = 0; k < 3 && i >= 0; k++) {
      i = s.ch(i, COMMA);
      if (i >= 0) i = s.dec(i, false);
    }
    if (i >= 0) i = s.ch(i, CLOSE);
    if (i < 0) return undefined;
    bars.push({ tsNs: BigInt(openMs) * MS_NS, open, high, low, close, volume });
    const c = s.at(i);
    if (c === COMMA) i++;
    else if (c === CLOSE && i + 1 === length) return new DecodedKlines(bars);
    else return undefined;
  }
}

/**
 * Decodes `GET /api/v3/aggTrades` as Binance writes it:
 * `[{"a":id,"p":"price","q":"qty","f":first,"l":last,"T":timeMs,"m":bool,"M":bool},...]`. `m: true` means
 * the buyer was the maker, so the taker sold. `undefined` for anything else.
 */
export function decodeBinanceAggTrades(body: string | Uint8Array): DecodedAggTrades | undefined {
  const s = new Scan(bytesOf(body));
  const length = s.b.length;
  let i = s.ch(0, OPEN);
  if (i < 0) return undefined;
  const trades: Trade[] = [];
  let lastAggId: number | undefined;
  if (s.at(i) === CLOSE) return i + 1 === length ? new DecodedAggTrades(trades, undefined) : undefined;
  for (;;) {
    i = s.lit(i, A);
    if (i >= 0) i = s.int(i);
    if (i < 0) return undefined;
    const aggId = s.value;
    // The digits as read (a JSON integer without a leading zero is its own decimal form).
    const id = String(aggId);
    i = s.lit(i, P);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const price = s.value;
    i = s.lit(i, Q);
    if (i >= 0) i = s.dec(i, true);
    if (i < 0) return undefined;
    const amount = s.value;
    i = s.lit(i, F);
    if (i >= 0) i = s.int(i);
    if (i >= 0) i = s.lit(i, L);
    if (i >= 0) i = s.int(i);
    if (i >= 0) i = s.lit(i, T);
    if (i >= 0) i = s.int(i);
    if (i < 0) return undefined;
    const timeMs = s.value;
    i = s.lit(i, M);
    if (i >= 0) i = s.bool(i);
    if (i < 0) return undefined;
    const buyerMaker = s.value === 1;
    i = s.lit(i, BM);
    if (i >= 0) i = s.bool(i);
    if (i >= 0) i = s.ch(i, BRACE_CLOSE);
    if (i < 0) return undefined;
    lastAggId = aggId;
    trades.push({
      id,
      tsNs: BigInt(timeMs) * MS_NS,
      price,
      amount,
      side: buyerMaker ? 'sell' : 'buy',
    });
    const c = s.at(i);
    if (c === COMMA) i++;
    else if (c === CLOSE && i + 1 === length) return new DecodedAggTrades(trades, lastAggId);
    else return undefined;
  }
}
