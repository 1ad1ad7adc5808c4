/**
 * Exact decimal products for contract sizes: OKX counts derivatives sizes in contracts, and
 * `sz × ctVal × ctMult` computed in floating point drifts (`0.37 * 0.01` is not `0.0037`). The product
 * is formed on integer mantissas and parsed once, so the result is the double nearest the exact value.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';

/** A decimal as an integer mantissa and a count of fraction digits. */
export type Decimal = { mantissa: bigint; scale: number };

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string (`"0.01"`, `"-12.5"`, `"3"`). */
export function parseDecimal(text: string, field: string): Decimal {
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new ProtocolError(`Expected a decimal in ${field}`, JSON.stringify(text));
  const frac = m[3] ?? '';
  const mantissa = BigInt(`${m[2]}${frac}`);
  return { mantissa: m[1] === '-' ? -mantissa : mantissa, scale: frac.length };
}

/** The exact product of decimals. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return { mantissa: a.mantissa * b.mantissa, scale: a.scale + b.scale };
}

/** The double nearest the decimal. */
export function toNumber(d: Decimal): number {
  return Number(d.scale === 0 ? d.mantissa.toString() : `${d.mantissa}e-${d.scale}`);
}

/** `text × factor` exactly, as the nearest double; `factor` undefined means 1 (spot sizes). */
export function scaled(text: string, factor: Decimal | undefined, field: string): number {
  const d = parseDecimal(text, field);
  return toNumber(factor ? multiply(d, factor) : d);
}
