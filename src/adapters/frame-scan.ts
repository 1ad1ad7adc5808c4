/**
 * Readers for the few JSON shapes that carry book diffs (Binance `depthUpdate`, Coinbase `l2update`,
 * Kraken v2 `book`), used by the frame parsers as a fast path in front of `JSON.parse` (Kraken: the
 * lossless reader): a frame is read in place by char code and each {@link BookChange} built straight
 * from the text, without the intermediate arrays and strings a general parse makes for every level.
 *
 * They are deliberately narrow. Each accepts a strict subset of JSON (strings without escapes or
 * control characters, integers of at most 15 digits without sign, exponent or fraction, number tokens
 * without exponent, decimals that {@link plainDecimalIn} reads exactly) and answers `-1` for anything else; the caller then gives the
 * whole frame to its general parser, which decides values and errors exactly as before. So the fast
 * path never changes what a frame means: it either produces what the general path produces, or steps
 * aside (property-tested against the general path on generated and mutated frames).
 *
 * Readers return the index after what they read; the value is left in {@link scanned} (one scan at a
 * time, read right after the call).
 *
 * @module
 */
import type { BookChange, BookSideName } from './order-book.js';
import { decimalParts, POW10, plainDecimalIn } from './values.js';

/** What the last successful read found. */
export const scanned = { text: '', value: 0 };

/**
 * `s.slice(start, end)` as a string of its own. V8 makes a slice of 13 or more chars a view into the
 * whole frame, so a level text kept in the book (or by a consumer holding `changes`) would keep its
 * 100 kB frame alive; pieces under 13 chars are copies already, longer ones are copied char by char.
 */
export function copyText(s: string, start: number, end: number): string {
  if (end - start < 13) return s.slice(start, end);
  const codes = CODES;
  codes.length = end - start;
  for (let k = start; k < end; k++) codes[k - start] = s.charCodeAt(k);
  return String.fromCharCode.apply(null, codes);
}
const CODES: number[] = [];

/**
 * Level texts seen recently, by what they spell: a plain decimal's text is fully determined by its
 * length, sign, digits (as an integer) and number of fraction digits, so a text read again (a price
 * level touched by many diffs, a size of 0) is found by those numbers without building a string, and
 * every level keeps a small string of its own, never a view into its frame. Direct-mapped: a collision
 * replaces the entry.
 */
const TEXT_BITS = 14;
const textMantissa = new Float64Array(1 << TEXT_BITS);
const textShape = new Int32Array(1 << TEXT_BITS);
const texts: (string | undefined)[] = new Array<string | undefined>(1 << TEXT_BITS).fill(undefined);

/**
 * The text of the plain decimal at `s[start..end)`, whose digits {@link plainDecimalIn} just read
 * (`decimalParts`): from the cache when it spelled this before, else a copy (then cached).
 */
function decimalText(s: string, start: number, end: number): string {
  // Longer texts (leading zeros without end) would not fit the shape's bits: copied, not cached.
  if (end - start > 64) return copyText(s, start, end);
  const m = decimalParts.mantissa;
  // Length, fraction digits and sign (each well below 2^10): with the digits they spell the text.
  const shape = ((end - start) << 11) | (decimalParts.frac << 1) | (s.charCodeAt(start) === 45 ? 1 : 0);
  const lo = m | 0;
  const hi = (m / 4294967296) | 0;
  const at =
    Math.imul(lo ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(shape, 0xc2b2ae35), 0x9e3779b1) >>> (32 - TEXT_BITS);
  const known = texts[at];
  if (known !== undefined && textMantissa[at] === m && textShape[at] === shape) return known;
  const text = copyText(s, start, end);
  texts[at] = text;
  textMantissa[at] = m;
  textShape[at] = shape;
  return text;
}

/** `scanned.text`, read through a call (so a comparison made before a read does not narrow it after). */
export function lastText(): string {
  return scanned.text;
}

/** The index of the first non-whitespace char at or after `i` (JSON whitespace: space, tab, CR, LF). */
export function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `ch` (after whitespace): the index after it, or -1. */
export function expectChar(s: string, i: number, ch: number): number {
  i = skipWs(s, i);
  return s.charCodeAt(i) === ch ? i + 1 : -1;
}

/**
 * A non-empty string without escapes or control characters (after whitespace), its content in
 * `scanned.text`; -1 for anything else (including an escape: the general parser decodes those). With
 * `keep` false the text may be a view into the frame: for values read and dropped (keys, times).
 */
export function readString(s: string, i: number, keep = true): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 34) return -1;
  const start = i + 1;
  const end = s.indexOf('"', start);
  if (end <= start) return -1;
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c < 32 || c === 92) return -1;
  }
  scanned.text = keep ? copyText(s, start, end) : s.slice(start, end);
  return end + 1;
}

/**
 * The key `quoted` (the name with its quotes, e.g. `'"price"'`) and its colon, after whitespace,
 * compared in place (no string built); -1 when the next key is another one or not a plain key.
 */
export function expectKey(s: string, i: number, quoted: string): number {
  if (i < 0) return -1;
  i = skipWs(s, i);
  return s.startsWith(quoted, i) ? expectChar(s, i + quoted.length, 58) : -1;
}

/**
 * A JSON integer `0` or `[1-9][0-9]{0,14}` (after whitespace) in `scanned.value`: always a safe integer.
 * Anything else (a sign, a fraction, an exponent, more digits, a leading zero) is -1.
 */
export function readUint(s: string, i: number): number {
  i = skipWs(s, i);
  const start = i;
  let v = 0;
  for (;;) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) break; // NaN past the end stops too
    v = v * 10 + (c - 48);
    i++;
  }
  const n = i - start;
  if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(start) === 48)) return -1;
  // A number token ends at a delimiter; `1.5`, `1e3` and the like are the general parser's.
  const c = s.charCodeAt(i);
  if (c === 46 || c === 101 || c === 69) return -1;
  scanned.value = v;
  return i;
}

/**
 * A decimal written as a JSON string (`"50000.12"`, after whitespace) that {@link plainDecimalIn} reads:
 * the text in `scanned.text`, the number in `scanned.value`; -1 otherwise.
 */
export function readDecimalString(s: string, i: number): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 34) return -1;
  const start = i + 1;
  const end = s.indexOf('"', start);
  if (end <= start) return -1;
  // Only [-0-9.] pass: no escape, no control character, so the content is the string's value.
  const v = plainDecimalIn(s, start, end);
  if (v === undefined) return -1;
  scanned.value = v;
  scanned.text = decimalText(s, start, end);
  return end + 1;
}

/**
 * A JSON number token `-?(0|[1-9][0-9]*)(\.[0-9]+)?` (after whitespace, no exponent): its exact text in
 * `scanned.text` and `Number(text)` in `scanned.value`; -1 for anything else (an exponent, a leading
 * zero, a bare dot), which the general parser decides.
 */
export function readNumberToken(s: string, i: number): number {
  i = skipWs(s, i);
  const start = i;
  // One pass reads the token and, as plainDecimalIn would, its digits (significant ones counted).
  const neg = s.charCodeAt(i) === 45;
  if (neg) i++;
  const first = i;
  let m = 0;
  let digits = 0;
  let c = s.charCodeAt(i);
  while (c >= 48 && c <= 57) {
    if (m !== 0 || c !== 48) digits++;
    m = m * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  if (i === first || (i - first > 1 && s.charCodeAt(first) === 48)) return -1;
  let frac = 0;
  if (c === 46) {
    const from = ++i;
    c = s.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      if (m !== 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      c = s.charCodeAt(++i);
    }
    frac = i - from;
    if (frac === 0) return -1;
  }
  if (c === 101 || c === 69) return -1;
  if (digits <= 15 && frac <= 22) {
    // Exactly plainDecimalIn's value: the digits as an integer, one exact division.
    decimalParts.mantissa = m;
    decimalParts.frac = frac;
    const v = frac === 0 ? m : m / (POW10[frac] as number);
    scanned.value = neg ? -v : v;
    scanned.text = decimalText(s, start, i);
  } else {
    // More digits than plainDecimalIn reads exactly: `Number` of the text, as the general path does.
    scanned.text = copyText(s, start, i);
    scanned.value = Number(scanned.text);
  }
  return i;
}

/**
 * A list of `["price","size"]` rows (after whitespace), each appended to `out` as a change of `side`
 * with its number and exact text; -1 (with `out` possibly extended: the caller drops it) for anything
 * else, including rows of another length.
 */
export function readPairRows(s: string, i: number, side: BookSideName, out: BookChange[]): number {
  i = expectChar(s, i, 91);
  if (i === -1) return -1;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 93) return i + 1;
  for (;;) {
    i = expectChar(s, i, 91);
    if (i === -1) return -1;
    i = readLevel(s, i, side, out);
    if (i === -1) return -1;
    i = expectChar(s, i, 93);
    if (i === -1) return -1;
    i = skipWs(s, i);
    const c = s.charCodeAt(i);
    if (c === 93) return i + 1;
    if (c !== 44) return -1;
    i++;
  }
}

/**
 * `"price","size"` (two decimal strings and the comma between, after whitespace), appended to `out` as a
 * change of `side` with its numbers and exact texts; -1 for anything else.
 */
export function readLevel(s: string, i: number, side: BookSideName, out: BookChange[]): number {
  i = readDecimalString(s, i);
  if (i === -1) return -1;
  const price = scanned.value;
  const priceText = scanned.text;
  i = expectChar(s, i, 44);
  if (i === -1) return -1;
  i = readDecimalString(s, i);
  if (i === -1) return -1;
  out.push({ side, price, amount: scanned.value, priceText, amountText: scanned.text });
  return i;
}

/** True when only whitespace follows `i`. */
export function atEnd(s: string, i: number): boolean {
  return skipWs(s, i) === s.length;
}
