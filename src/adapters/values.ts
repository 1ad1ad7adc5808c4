/**
 * Small readers every exchange parser shares: a decimal string or number to a finite number, an
 * integer, an array, with a `ProtocolError` naming the field when the payload has another shape.
 *
 * @module
 */
import { ProtocolError } from '../core/errors.js';
import type { RateLimit } from '../transport/rate-limit/types.js';

/** A decimal string (`"0.01634790"`) or JSON number → finite number. */
export function decimal(value: unknown, field: string): number {
  if (typeof value === 'string') {
    const fast = plainDecimal(value);
    if (fast !== undefined) return fast;
  }
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n))
    throw new ProtocolError(`Expected a decimal in ${field}`, JSON.stringify(value) ?? '');
  return n;
}

/** A safe integer given as a number or a digit string → number. */
export function integer(value: unknown, field: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n))
    throw new ProtocolError(`Expected an integer in ${field}`, JSON.stringify(value) ?? '');
  return n;
}

/** Asserts an array. */
export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new ProtocolError(`Expected an array in ${field}`, JSON.stringify(value) ?? '');
  return value;
}

/** Asserts a plain object. */
export function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(`Expected an object in ${field}`, JSON.stringify(value) ?? '');
  }
  return value as Record<string, unknown>;
}

/** Asserts a non-empty string. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ProtocolError(`Expected a string in ${field}`, JSON.stringify(value) ?? '');
  }
  return value;
}

/**
 * The readers above for element `i` of a list, named `${list}[${i}]${suffix}` in errors. The name is
 * only built when the value is wrong: per-level and per-trade loops allocate nothing for it.
 */
export function decimalAt(value: unknown, list: string, i: number, suffix: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const fast = plainDecimal(value);
    if (fast !== undefined) return fast;
    const n = Number(value);
    // Number('') and Number('  ') are 0: the same blank check as `decimal`.
    if (Number.isFinite(n) && (n !== 0 || value.trim() !== '')) return n;
  }
  return decimal(value, `${list}[${i}]${suffix}`);
}

/** Exact powers of ten as doubles (10^0 .. 10^22). */
/** 10^k for k in [0, 22]: every one exact in a double. */
export const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `Number(text)` for the plain decimals exchanges send (`"50000.12"`, `"0.00100000"`, `"-3"`), read by
 * char code; `undefined` for anything else (then `Number` decides). With at most 15 significant digits
 * the digits form an integer below 2^53 and the scale is an exact power of ten, so the one division is
 * correctly rounded: the same double `Number` gives.
 */
export function plainDecimal(text: string): number | undefined {
  return plainDecimalIn(text, 0, text.length);
}

/** The digits of the last decimal {@link plainDecimalIn} read: as an integer, and how many follow the dot. */
export const decimalParts = { mantissa: 0, frac: 0 };

/**
 * {@link plainDecimal} of `text.slice(start, end)`, read in place (the frame scanners read the digits of
 * a level where they lie in the frame, without slicing first).
 */
export function plainDecimalIn(text: string, start: number, end: number): number | undefined {
  let i = start;
  let neg = false;
  if (text.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  if (i >= end) return undefined;
  const first = i;
  let m = 0;
  let digits = 0;
  let dot = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (m !== 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
    } else if (c === 46 && dot === -1) {
      dot = i;
    } else return undefined;
  }
  const frac = dot === -1 ? 0 : end - dot - 1;
  // "." alone, "5." or ".5" and more digits than a double holds exactly: left to Number.
  if (digits > 15 || frac > 22 || dot === end - 1 || dot === first) return undefined;
  decimalParts.mantissa = m;
  decimalParts.frac = frac;
  const v = frac === 0 ? m : m / (POW10[frac] as number);
  return neg ? -v : v;
}

/** {@link integer} for element `i` of `list` (see {@link decimalAt}). */
export function integerAt(value: unknown, list: string, i: number, suffix: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return integer(value, `${list}[${i}]${suffix}`);
}

/** {@link text} for element `i` of `list` (see {@link decimalAt}). */
export function textAt(value: unknown, list: string, i: number, suffix: string): string {
  if (typeof value === 'string' && value !== '') return value;
  return text(value, `${list}[${i}]${suffix}`);
}

/** {@link array} for element `i` of `list` (see {@link decimalAt}). */
export function arrayAt(value: unknown, list: string, i: number, suffix = ''): unknown[] {
  if (Array.isArray(value)) return value;
  return array(value, `${list}[${i}]${suffix}`);
}

/** {@link object} for element `i` of `list` (see {@link decimalAt}). */
export function objectAt(value: unknown, list: string, i: number, suffix = ''): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  return object(value, `${list}[${i}]${suffix}`);
}

/** Parses a JSON error body, returning `undefined` when it is not JSON. */
export function tryJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Scales a limit's sustained rate by `scale`, as a simulator with the same `rateLimits.scale` does: a
 * token bucket refills `scale` times faster and keeps its burst; a fixed window becomes `scale` times
 * shorter and keeps its limit (and margin), so the client's windows line up with the simulator's.
 */
export function scaleLimit(limit: RateLimit, scale: number): RateLimit {
  if (limit.kind === 'fixed-window') return { ...limit, windowMs: limit.windowMs / scale };
  return { ...limit, limit: limit.limit * scale };
}
