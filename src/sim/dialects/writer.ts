/**
 * A byte writer for the simulator's large JSON bodies (kline pages): integers and fixed-point decimals
 * are written digit by digit into one `Buffer`, with no intermediate strings, and the page is handed
 * to the socket as is. Output is byte-for-byte what the string formatters in `format.ts` produce
 * (values they would not format exactly fall back to them). Bodies are ASCII: one byte per character.
 *
 * @module
 */
import { fixedWidth } from './format.js';

const POW10 = Array.from({ length: 17 }, (_, i) => 10 ** i);
// Two-digit pairs "00".."99" as char codes: DIGITS2[2i], DIGITS2[2i + 1].
const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[2 * i] = 48 + Math.floor(i / 10);
  DIGITS2[2 * i + 1] = 48 + (i % 10);
}
const ZERO = 48;
const EMPTY = Buffer.alloc(0);
const DOT = 46;

/** Number of decimal digits of an integer in [0, 2^32). */
function digits(v: number): number {
  if (v < 100_000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
  return v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
}

/**
 * The buffer a page is written into. Reserve room for a run of writes with {@link ByteWriter.reserve},
 * then write with the `put*` functions on `buf` from `pos` (they return the new position and do not
 * check bounds: each needs at most 40 bytes, plus the padding of {@link putFixedWidth}), store `pos`
 * back, and {@link ByteWriter.take} the page.
 */
export class ByteWriter {
  /** The bytes; valid up to {@link ByteWriter.pos}. */
  buf: Buffer = EMPTY;
  /** Bytes written. */
  pos = 0;

  /** Makes room for `n` more bytes (grows by doubling, keeping what was written). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = Math.max(256, this.buf.length * 2);
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * The bytes written so far (no copy: they now belong to the caller); the writer starts again empty.
   * Reserve the next page's size up front to avoid regrowth.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }
}

/** Writes an ASCII string at `p` (unchecked); returns the new position. */
export function putAscii(b: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  return p;
}

/** Writes exactly `width` digits of `v` (an integer in [0, 10^width) below 2^32), zero-padded. */
function putPadded(b: Uint8Array, p: number, v: number, width: number): number {
  const end = p + width;
  let e = end;
  let x = v;
  let w = width;
  while (w >= 4) {
    const q = (x / 10_000) >>> 0;
    const r = x - q * 10_000;
    const hi = ((r / 100) >>> 0) << 1;
    const lo = (r << 1) - hi * 100;
    b[--e] = DIGITS2[lo + 1]!;
    b[--e] = DIGITS2[lo]!;
    b[--e] = DIGITS2[hi + 1]!;
    b[--e] = DIGITS2[hi]!;
    x = q;
    w -= 4;
  }
  if (w >= 2) {
    const q = (x / 100) >>> 0;
    const r = (x - q * 100) << 1;
    b[--e] = DIGITS2[r + 1]!;
    b[--e] = DIGITS2[r]!;
    x = q;
    w -= 2;
  }
  if (w === 1) b[--e] = ZERO + x;
  return end;
}

/** Writes a number as `String(v)` does (fast for non-negative safe integers); returns the new position. */
export function putUint(b: Uint8Array, p: number, v: number): number {
  if (v >>> 0 === v) return putPadded(b, p, v, digits(v));
  if (v > 0 && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / 1e8);
    return putPadded(b, putPadded(b, p, hi, digits(hi)), v - hi * 1e8, 8);
  }
  return putAscii(b, p, String(v));
}

/**
 * Writes `fixedWidth(int, decimals, width)` of `format.ts`: `int` × 10^-decimals with `decimals`
 * digits, right-padded with zeros to `width` decimals. Returns the new position.
 */
export function putFixedWidth(
  b: Uint8Array,
  p: number,
  int: number,
  decimals: number,
  width: number,
): number {
  if (int >>> 0 === int && decimals !== 0 && decimals <= 9) {
    // Common case (prices, sizes): exact integer division, all digits from int32 arithmetic.
    const pow = POW10[decimals]!;
    const whole = (int / pow) >>> 0;
    p = putPadded(b, p, whole, digits(whole));
    b[p++] = DOT;
    p = putPadded(b, p, int - whole * pow, decimals);
    for (let i = decimals; i < width; i++) b[p++] = ZERO;
    return p;
  }
  if (decimals !== 0 && decimals <= 16 && int >= 0 && Number.isSafeInteger(int)) {
    const pow = POW10[decimals]!;
    const whole = Math.floor(int / pow);
    const frac = int - whole * pow;
    // (A fraction out of range means float rounding in the division: the string formatter decides.)
    if (frac >= 0 && frac < pow) {
      p = putUint(b, p, whole);
      b[p++] = DOT;
      if (decimals <= 9) p = putPadded(b, p, frac, decimals);
      else {
        const fh = Math.floor(frac / 1e9);
        p = putPadded(b, putPadded(b, p, fh, decimals - 9), frac - fh * 1e9, 9);
      }
      for (let i = decimals; i < width; i++) b[p++] = ZERO;
      return p;
    }
  }
  return putAscii(b, p, fixedWidth(int, decimals, width));
}

/** Writes `fixed(int, decimals)` of `format.ts`; returns the new position. */
export function putFixed(b: Uint8Array, p: number, int: number, decimals: number): number {
  return decimals === 0 ? putUint(b, p, int) : putFixedWidth(b, p, int, decimals, decimals);
}
