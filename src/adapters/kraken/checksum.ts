/**
 * Kraken's WebSocket v2 book checksum: IEEE CRC-32 over the top 10 asks then the top 10 bids, each
 * level written as price then quantity with the `.` removed and leading zeros stripped.
 *
 * CRC-32 is written here (table-driven, the zlib polynomial) because `zlib.crc32` only exists from
 * Node 20.15 / 22.2, and a dependency for 20 lines is not worth it.
 *
 * @module
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * Standard IEEE CRC-32 (as zlib's `crc32`) of an ASCII/Latin-1 string, as an unsigned 32-bit integer.
 * Characters above U+00FF are not expected (checksum input is digits only) and are truncated to a byte.
 */
export function crc32(text: string, seed = 0): number {
  let c = ~seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    c = (TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  }
  return ~c >>> 0;
}

/** One level as its exact wire strings. */
export type ChecksumLevel = { readonly priceText: string; readonly qtyText: string };

/** `"0.00100000"` → `"100000"`: the dot removed, then leading zeros stripped. */
export function checksumToken(decimal: string): string {
  // Hot path (40 tokens per book message): one scan, no regex. A value that is all zeros strips to the
  // empty string, as Kraken's reference code does.
  let start = 0;
  while (start < decimal.length && (decimal.charCodeAt(start) === 48 || decimal.charCodeAt(start) === 46))
    start++;
  const dot = decimal.indexOf('.', start);
  return dot === -1 ? decimal.slice(start) : decimal.slice(start, dot) + decimal.slice(dot + 1);
}

/**
 * The checksum Kraken sends with a book message: `crc32(asks + bids)` over the top 10 of each side.
 * @param asks best (lowest) first
 * @param bids best (highest) first
 */
export function krakenBookChecksum(asks: Iterable<ChecksumLevel>, bids: Iterable<ChecksumLevel>): number {
  // The CRC runs over the tokens as they are read: no token or joined string is built.
  return ~side(bids, side(asks, 0xffffffff)) >>> 0;
}

/** A book side by rank (0 = best), as `BookSide.levelAt` reads it: no array or iterator per message. */
export type RankedLevels = { levelAt(i: number): ChecksumLevel | undefined };

/** {@link krakenBookChecksum} of two book sides read by rank (the synchroniser's check on every message). */
export function krakenSidesChecksum(asks: RankedLevels, bids: RankedLevels): number {
  return ~rankedSide(bids, rankedSide(asks, 0xffffffff)) >>> 0;
}

/** Feeds the best 10 levels of `levels` into the running CRC register `c`. */
function rankedSide(levels: RankedLevels, c: number): number {
  for (let i = 0; i < 10; i++) {
    const l = levels.levelAt(i);
    if (l === undefined) break;
    c = crcToken(l.priceText, c);
    c = crcToken(l.qtyText, c);
  }
  return c;
}

/** Feeds the top 10 levels of one side into the running CRC register `c`. */
function side(levels: Iterable<ChecksumLevel>, c: number): number {
  let n = 0;
  for (const l of levels) {
    if (n++ === 10) break;
    c = crcToken(l.priceText, c);
    c = crcToken(l.qtyText, c);
  }
  return c;
}

/** Feeds {@link checksumToken}`(decimal)` into the CRC register `c`, char by char. */
function crcToken(decimal: string, c: number): number {
  let i = 0;
  const len = decimal.length;
  while (i < len && (decimal.charCodeAt(i) === 48 || decimal.charCodeAt(i) === 46)) i++;
  let dot = false; // only the first dot after the stripped prefix is dropped, as in checksumToken
  for (; i < len; i++) {
    const ch = decimal.charCodeAt(i);
    if (ch === 46 && !dot) {
      dot = true;
      continue;
    }
    c = (TABLE[(c ^ ch) & 0xff] as number) ^ (c >>> 8);
  }
  return c;
}
