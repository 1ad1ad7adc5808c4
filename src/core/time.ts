/**
 * Time on tickwire's public API: `bigint` nanoseconds since the Unix epoch. Spans and windows are
 * `number` seconds. Exchanges speak seconds, milliseconds or nanoseconds; adapters convert once, at
 * their edge, with the helpers here.
 *
 * @module
 */
import { ValidationError } from './errors.js';
import { parseIsoUtcFast } from './iso-fast.js';

/** Nanoseconds in one microsecond. */
export const NS_PER_US = 1_000n;
/** Nanoseconds in one millisecond. */
export const NS_PER_MS = 1_000_000n;
/** Nanoseconds in one second. */
export const NS_PER_S = 1_000_000_000n;

/** Something that names an instant: epoch ns (`bigint`), a `Date`, an ISO 8601 string, or `"now"`. */
export type TimeInput = bigint | Date | string;

/** Epoch milliseconds (integer or fractional `number`) → epoch nanoseconds. */
export function msToNs(ms: number): bigint {
  if (!Number.isFinite(ms)) throw new ValidationError('ms', ms, 'a finite number of milliseconds');
  const whole = Math.floor(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

/** Epoch nanoseconds → epoch milliseconds, rounded down. */
export function nsToMs(ns: bigint): number {
  return Number(floorDiv(ns, NS_PER_MS));
}

/** Epoch seconds (integer or fractional, e.g. Kraken's `1688669597.8277369`) → epoch nanoseconds. */
export function secondsToNs(seconds: number): bigint {
  if (!Number.isFinite(seconds)) throw new ValidationError('seconds', seconds, 'a finite number of seconds');
  const whole = Math.floor(seconds);
  // Round the fraction to microseconds: a float cannot hold more digits than that at today's epoch.
  return BigInt(whole) * NS_PER_S + BigInt(Math.round((seconds - whole) * 1e6)) * NS_PER_US;
}

/** Epoch nanoseconds → epoch seconds, rounded down. */
export function nsToSeconds(ns: bigint): number {
  return Number(floorDiv(ns, NS_PER_S));
}

/** A span in seconds → nanoseconds. */
export function spanToNs(spanS: number): bigint {
  assertPositiveSeconds('span', spanS);
  return BigInt(Math.round(spanS * 1e9));
}

/** Rounds `ns` down to a multiple of `spanS` seconds since the epoch (bar open time). */
export function alignDown(ns: bigint, spanS: number): bigint {
  const span = spanToNs(spanS);
  return ns - mod(ns, span);
}

/** Rounds `ns` up to a multiple of `spanS` seconds since the epoch. */
export function alignUp(ns: bigint, spanS: number): bigint {
  const span = spanToNs(spanS);
  const r = mod(ns, span);
  return r === 0n ? ns : ns + (span - r);
}

/** Current wall-clock time in epoch nanoseconds (millisecond resolution). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601 date or date-time into epoch ns, keeping up to nine fractional digits.
 * A value with no zone is UTC. Accepts `2024-01-01`, `2024-01-01T10:30`, `2024-01-01T10:30:00.123456789Z`,
 * `2024-01-01T10:30:00+02:00`.
 *
 * @param argument name used in the error message when the text is not a date
 */
export function parseIsoNs(text: string, argument = 'time'): bigint {
  // Live feeds send `YYYY-MM-DDTHH:MM:SS.ffffffZ` on every record: read that shape without a regex.
  return (typeof text === 'string' ? parseIsoUtcFast(text) : undefined) ?? parseIsoNsGeneral(text, argument);
}

/**
 * {@link parseIsoNs} without its fast path: the regex parser every form goes through (exported for the
 * tests that check the fast path agrees with it; not part of the public API).
 * @internal
 */
export function parseIsoNsGeneral(text: string, argument = 'time'): bigint {
  const m = ISO_RE.exec(text.trim());
  if (!m)
    throw new ValidationError(
      argument,
      text,
      'an ISO 8601 date such as "2024-01-01" or "2024-01-01T10:30:00Z"',
    );
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (
    Number.isNaN(ms) ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new ValidationError(argument, text, 'a real calendar date and time');
  }
  let ns = BigInt(ms) * NS_PER_MS + BigInt(frac.padEnd(9, '0') || '0');
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    ns -= sign * offsetMin * 60n * NS_PER_S;
  }
  return ns;
}

/**
 * Turns a {@link TimeInput} into epoch ns: a `bigint` is taken as ns, a `Date` as its instant, a string as
 * ISO 8601 or `"now"`. A `number` is refused (ambiguous unit, and epoch ns does not fit one).
 *
 * @param argument name used in the error message, e.g. `"start"`
 */
export function toNs(value: TimeInput, argument = 'time'): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) throw new ValidationError(argument, value, 'a valid Date');
    return BigInt(t) * NS_PER_MS;
  }
  if (typeof value === 'string') {
    if (value.trim().toLowerCase() === 'now') return nowNs();
    return parseIsoNs(value, argument);
  }
  throw new ValidationError(argument, value, 'a bigint of epoch nanoseconds, a Date, or an ISO 8601 string');
}

/** Formats epoch ns as ISO 8601 UTC with as many fractional digits as needed (0, 3, 6 or 9). */
export function formatIsoNs(ns: bigint): string {
  // Fast path for the years 1970–9999: the date and time of day are reused while the second is the same
  // (a file of trades formats several per second), the fraction is built from one number.
  if (ns >= 0n && ns < FAST_ISO_END_NS) {
    const second = Number(ns / NS_PER_S);
    const frac = Number(ns % NS_PER_S);
    if (second !== isoSecond) {
      isoHead = new Date(second * 1000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
      isoSecond = second;
    }
    if (frac === 0) return `${isoHead}Z`;
    if (frac % 1_000_000 === 0) return `${isoHead}.${String(1000 + frac / 1_000_000).slice(1)}Z`;
    if (frac % 1000 === 0) return `${isoHead}.${String(1_000_000 + frac / 1000).slice(1)}Z`;
    return `${isoHead}.${String(1_000_000_000 + frac).slice(1)}Z`;
  }
  return formatIsoNsSlow(ns);
}

/** End of the fast path of {@link formatIsoNs}: 10000-01-01T00:00:00Z (later years print as `+01...`). */
const FAST_ISO_END_NS = 253_402_300_800_000_000_000n;
let isoSecond = Number.NaN;
let isoHead = '';

/** {@link formatIsoNs} for any time, without the fast path (exported for its property test). */
export function formatIsoNsSlow(ns: bigint): string {
  const ms = floorDiv(ns, NS_PER_MS);
  const subMs = mod(ns, NS_PER_MS);
  const base = new Date(Number(ms)).toISOString(); // …SS.mmmZ
  if (subMs === 0n) return base.endsWith('.000Z') ? `${base.slice(0, -5)}Z` : base;
  const sub = subMs.toString().padStart(6, '0');
  const digits = sub.endsWith('000') ? sub.slice(0, 3) : sub;
  return `${base.slice(0, -1)}${digits}Z`;
}

const SPAN_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a span such as `"1m"`, `"15m"`, `"1h"`, `"4h"`, `"1d"`, `"1w"` or `"30s"` into seconds.
 * A positive number is taken as seconds already.
 *
 * @param argument name used in the error message, e.g. `"span"`
 */
export function parseSpan(value: string | number, argument = 'span'): number {
  if (typeof value === 'number') {
    assertPositiveSeconds(argument, value);
    return value;
  }
  if (typeof value !== 'string')
    throw new ValidationError(argument, value, 'a span such as "1m", "1h" or "1d"');
  const m = /^(\d+)\s*([smhdw])$/i.exec(value.trim());
  const unit = m ? SPAN_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new ValidationError(argument, value, 'a span such as "30s", "1m", "15m", "1h", "1d" or "1w"');
  }
  return Number(m[1]) * unit;
}

/** Formats seconds as the shortest span string (`3600` → `"1h"`). */
export function formatSpan(spanS: number): string {
  for (const [unit, size] of Object.entries(SPAN_UNITS).reverse()) {
    if (spanS % size === 0) return `${spanS / size}${unit}`;
  }
  return `${spanS}s`;
}

function assertPositiveSeconds(argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(argument, value, 'a positive, finite number of seconds');
  }
}

function mod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}

function floorDiv(a: bigint, b: bigint): bigint {
  return (a - mod(a, b)) / b;
}
