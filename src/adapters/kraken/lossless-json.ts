/**
 * A JSON reader that keeps number tokens exactly as sent.
 *
 * Why: Kraken's v2 book checksum is computed over the price and quantity *strings* at full precision,
 * trailing zeros included. `JSON.parse` turns `0.00100000` into `0.001`, and the checksum built from
 * that never matches. This scanner returns every number as a {@link LosslessNumber} holding its token
 * text; everything else (objects, arrays, strings, booleans, null) comes out as `JSON.parse` would give
 * it. It is a strict RFC 8259 reader; malformed input throws a `ProtocolError` with the offset.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';

/** A JSON number kept as its token text (`"0.10"` stays `"0.10"`). */
export class LosslessNumber {
  /** The number token exactly as it appeared in the JSON text. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** The token as a JS number (may lose precision, as `JSON.parse` would). */
  valueOf(): number {
    return Number(this.text);
  }
  /** The token text. */
  toString(): string {
    return this.text;
  }
}

/** What {@link parseLosslessJson} returns. */
export type LosslessValue =
  | null
  | boolean
  | string
  | LosslessNumber
  | LosslessValue[]
  | { [key: string]: LosslessValue };

/** The index after the run of ASCII digits starting at `i`. */
function digits(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return i; // NaN past the end stops too
    i++;
  }
}

/** Parses `text` like `JSON.parse`, except that numbers become {@link LosslessNumber}s. */
export function parseLosslessJson(text: string): LosslessValue {
  const r = new Reader(text);
  r.ws();
  const value = r.value(0);
  r.ws();
  if (r.i !== text.length) r.fail('unexpected trailing characters');
  return value;
}

/** Reads a field that must be a JSON number token; throws a `ProtocolError` naming `field` otherwise. */
export function numberText(value: LosslessValue | undefined, field: string): string {
  if (value instanceof LosslessNumber) return value.text;
  throw new ProtocolError(`Expected a JSON number in ${field}`, String(value));
}

const MAX_DEPTH = 64;

class Reader {
  i = 0;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  fail(what: string): never {
    throw new ProtocolError(`Invalid JSON at offset ${this.i}: ${what}`, this.s.slice(0, 200));
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): LosslessValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.s.charCodeAt(this.i);
    if (c === 123) return this.object(depth); // {
    if (c === 91) return this.array(depth); // [
    if (c === 34) return this.string(); // "
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (this.s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (this.s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (this.s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    return this.fail('unexpected character');
  }

  /** A number token by the RFC 8259 grammar, scanned by char code (no regex match object per number). */
  number(): LosslessNumber {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 45) i++; // -
    const first = s.charCodeAt(i);
    if (first === 48) i++;
    else if (first >= 49 && first <= 57) i = digits(s, i + 1);
    else this.fail('bad number');
    if (s.charCodeAt(i) === 46) {
      const end = digits(s, i + 1);
      // A dot needs a digit after it; without one the token ends before the dot (and the caller fails).
      if (end > i + 1) i = end;
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = s.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      const end = digits(s, j);
      if (end > j) i = end;
    }
    this.i = i;
    return new LosslessNumber(s.slice(start, i));
  }

  string(): string {
    const s = this.s;
    const start = this.i + 1;
    let i = start;
    // Fast path: no escapes.
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 34) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === 92 || c < 32) break;
      i++;
    }
    // Slow path: let JSON.parse decode the escapes of this one string token.
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c < 32) {
        this.i = i;
        this.fail('control character in string');
      }
      if (c === 92) i += 2;
      else if (c === 34) break;
      else i++;
    }
    const token = s.slice(start - 1, i + 1);
    this.i = i + 1;
    try {
      return JSON.parse(token) as string;
    } catch {
      return this.fail('bad escape in string');
    }
  }

  array(depth: number): LosslessValue[] {
    this.i++;
    const out: LosslessValue[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 44) continue;
      if (c === 93) return out;
      this.i--;
      this.fail("expected ',' or ']'");
    }
  }

  object(depth: number): { [key: string]: LosslessValue } {
    this.i++;
    const out: { [key: string]: LosslessValue } = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 34) this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i++) !== 58) {
        this.i--;
        this.fail("expected ':'");
      }
      this.ws();
      const v = this.value(depth + 1);
      // Own property even for "__proto__", as JSON.parse does (a plain assignment would set the prototype).
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 44) continue;
      if (c === 125) return out;
      this.i--;
      this.fail("expected ',' or '}'");
    }
  }
}
