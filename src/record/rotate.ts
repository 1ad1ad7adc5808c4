/**
 * The recorder's rotation period, parsed: a module of its own so the CLI can check `--rotate` while it
 * parses its arguments without loading the configuration reader (and its YAML parser).
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import { parseSpan } from '../core/time.js';

/** Parses a rotation period (seconds or a span) and checks it divides a day. */
export function parseRotate(value: unknown, argument = 'rotate'): number {
  let s: number;
  if (typeof value === 'number') s = value;
  else if (typeof value === 'string' && /^\d+$/.test(value)) s = Number(value);
  else if (typeof value === 'string') {
    try {
      s = parseSpan(value);
    } catch {
      throw new ValidationError(argument, value, 'seconds or a span such as 1h, 15m');
    }
  } else throw new ValidationError(argument, value, 'seconds or a span such as 1h, 15m');
  if (!Number.isInteger(s) || s <= 0 || 86_400 % s !== 0) {
    throw new ValidationError(
      argument,
      value,
      'a whole number of seconds that divides a day (1h, 15m, 1d...)',
    );
  }
  return s;
}
