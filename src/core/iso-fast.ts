/**
 * The fast path of `parseIsoNs` for the one shape live feeds send on every record (Coinbase `time`,
 * Kraken `timestamp`): `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`. It reads the digits by char code (no regex, no
 * substring, no `Date` per call) and keeps the start of the last day seen as a `bigint`, so a record of
 * the same day costs one `BigInt` and one addition. Anything else (another shape, a zone offset,
 * whitespace, an impossible date or time) returns `undefined` and the general parser decides, so errors
 * and every other accepted form stay exactly as they were.
 *
 * @module
 */

/** Powers of ten that scale a fraction of `n` digits to nanoseconds (index = digits). */
const SCALE = [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/** The day last parsed (`y * 10_000 + m * 100 + d`) and its start in epoch ns. */
let cachedDay = -1;
let cachedDayNs = 0n;

/** Two ASCII digits at `i` as a number, or -1 when either is not a digit. */
function two(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Epoch ns of the start of day `y-m-d`, or `undefined` when it is not a calendar date. */
function dayStartNs(y: number, m: number, d: number): bigint | undefined {
  const key = y * 10_000 + m * 100 + d;
  if (key === cachedDay) return cachedDayNs;
  if (m < 1 || m > 12 || d < 1) return undefined;
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== m - 1) return undefined;
  cachedDay = key;
  cachedDayNs = BigInt(ms) * 1_000_000n;
  return cachedDayNs;
}

/**
 * Epoch ns of `text` when it is exactly `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` with a year from 1000 on and a
 * real date and time; `undefined` otherwise (the caller then uses the general parser).
 */
export function parseIsoUtcFast(text: string): bigint | undefined {
  const len = text.length;
  if (len < 20 || len > 30 || len === 21) return undefined;
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(len - 1) !== 90 // Z
  )
    return undefined;
  const y1 = two(text, 0);
  const y2 = two(text, 2);
  const mo = two(text, 5);
  const d = two(text, 8);
  const h = two(text, 11);
  const mi = two(text, 14);
  const s = two(text, 17);
  // Years before 1000 go the general way (Date.UTC reads 0..99 as 1900..1999 there).
  if (y1 < 10 || y2 < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
    return undefined;
  let frac = 0;
  if (len > 20) {
    if (text.charCodeAt(19) !== 46) return undefined; // .
    for (let i = 20; i < len - 1; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      frac = frac * 10 + c;
    }
    frac *= SCALE[len - 21] as number;
  }
  const day = dayStartNs(y1 * 100 + y2, mo, d);
  if (day === undefined) return undefined;
  // At most 86_399_999_999_999 ns into the day: exact in a double.
  return day + BigInt(((h * 60 + mi) * 60 + s) * 1_000_000_000 + frac);
}
