/**
 * A byte writer for the simulator's large JSON bodies (kline pages): integers and fixed-point decimals
 * are written into one `Buffer` through a `DataView`, four digits per store from a table, with no
 * intermediate strings, and the page is handed to the socket as is. Output is byte-for-byte what the
 * string formatters in `format.ts` produce (values they would not format exactly fall back to them).
 * Bodies are ASCII: one byte per character.
 *
 * @module
 */
import { fixedWidth } from './format.js';

const POW10 = Array.from({ length: 17 }, (_, i) => 10 ** i);
/** "0000".."9999" as little-endian uint32s of their four ASCII codes. */
const D4 = new Uint32Array(10_000);
for (let i = 0; i < 10_000; i++) {
  const s = String(i).padStart(4, '0');
  D4[i] =
    (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
}
const ZERO = 48;
const ZEROS4 = 0x30303030;
const DOT = 46;
const EMPTY = Buffer.alloc(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** Number of decimal digits of an integer in [0, 2^32). */
function digits(v: number): number {
  if (v < 100_000) return v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
  return v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
}

/**
 * The buffer a page is written into. Reserve room for a run of writes with {@link ByteWriter.reserve},
 * then write with the `put*` functions on `view` from `pos` (they return the new position and do not
 * check bounds: each needs at most 40 bytes, plus the padding of {@link putFixedWidth}, and may store
 * up to 3 bytes of scratch past it), store `pos` back, and {@link ByteWriter.take} the page.
 */
export class ByteWriter {
  /** The bytes; valid up to {@link ByteWriter.pos}. */
  buf: Buffer = EMPTY;
  /** A view of {@link ByteWriter.buf}, for the `put*` functions. */
  view: DataView = EMPTY_VIEW;
  /** Bytes written. */
  pos = 0;

  /** Makes room for `n` more bytes (grows by doubling, keeping what was written). */
  reserve(n: number): void {
    if (this.pos + n + 4 <= this.buf.length) return;
    let cap = Math.max(256, this.buf.length * 2);
    while (cap < this.pos + n + 4) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  /**
   * The bytes written so far (no copy: they now belong to the caller); the writer starts again empty.
   * Reserve the next page's size up front to avoid regrowth.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = 0;
    return out;
  }
}

/** Writes an ASCII string at `p`; returns the new position. */
export function putAscii(v: DataView, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) v.setUint8(p++, s.charCodeAt(i));
  return p;
}

/** Writes `n` zero digits; returns the new position (may store up to 3 scratch bytes past it). */
export function putZeros(v: DataView, p: number, n: number): number {
  for (let i = 0; i < n; i += 4) v.setUint32(p + i, ZEROS4, true);
  return p + n;
}

/** Writes exactly `width` digits of `x` (an integer in [0, 10^width) below 2^32), zero-padded. */
function putPadded(v: DataView, p: number, x: number, width: number): number {
  let e = p + width;
  let w = width;
  while (w >= 4) {
    const q = (x / 10_000) >>> 0;
    e -= 4;
    v.setUint32(e, D4[x - q * 10_000]!, true);
    x = q;
    w -= 4;
  }
  while (w > 0) {
    const q = (x / 10) >>> 0;
    v.setUint8(--e, ZERO + x - q * 10);
    x = q;
    w--;
  }
  return p + width;
}

/** Writes a number as `String(n)` does (fast for non-negative safe integers); returns the new position. */
export function putUint(v: DataView, p: number, n: number): number {
  if (n >>> 0 === n) return putPadded(v, p, n, digits(n));
  if (n > 0 && Number.isSafeInteger(n)) {
    const hi = Math.floor(n / 1e8);
    return putPadded(v, putPadded(v, p, hi, digits(hi)), n - hi * 1e8, 8);
  }
  return putAscii(v, p, String(n));
}

/**
 * Writes `fixedWidth(int, decimals, width)` of `format.ts`: `int` × 10^-decimals with `decimals`
 * digits, right-padded with zeros to `width` decimals. Returns the new position.
 */
export function putFixedWidth(v: DataView, p: number, int: number, decimals: number, width: number): number {
  if (int >>> 0 === int && decimals !== 0 && decimals <= 9) {
    // Common case (prices, sizes): exact integer division, all digits from int32 arithmetic.
    const pow = POW10[decimals]!;
    const whole = (int / pow) >>> 0;
    p = putPadded(v, p, whole, digits(whole));
    v.setUint8(p++, DOT);
    p = putPadded(v, p, int - whole * pow, decimals);
    return width > decimals ? putZeros(v, p, width - decimals) : p;
  }
  if (decimals !== 0 && decimals <= 16 && int >= 0 && Number.isSafeInteger(int)) {
    const pow = POW10[decimals]!;
    const whole = Math.floor(int / pow);
    const frac = int - whole * pow;
    // (A fraction out of range means float rounding in the division: the string formatter decides.)
    if (frac >= 0 && frac < pow) {
      p = putUint(v, p, whole);
      v.setUint8(p++, DOT);
      if (decimals <= 9) p = putPadded(v, p, frac, decimals);
      else {
        const fh = Math.floor(frac / 1e9);
        p = putPadded(v, putPadded(v, p, fh, decimals - 9), frac - fh * 1e9, 9);
      }
      return width > decimals ? putZeros(v, p, width - decimals) : p;
    }
  }
  return putAscii(v, p, fixedWidth(int, decimals, width));
}

/** Writes `fixed(int, decimals)` of `format.ts`; returns the new position. */
export function putFixed(v: DataView, p: number, int: number, decimals: number): number {
  return decimals === 0 ? putUint(v, p, int) : putFixedWidth(v, p, int, decimals, decimals);
}
