/**
 * Argument checks shared by every public entry point. Each throws a {@link ValidationError} that names
 * the argument and the value.
 *
 * @module
 */
import { ValidationError } from './errors.js';

/** Asserts `value` is a `bigint` (epoch ns). */
export function assertNs(argument: string, value: unknown): asserts value is bigint {
  if (typeof value !== 'bigint') {
    throw new ValidationError(argument, value, 'a bigint of epoch nanoseconds (e.g. 1704067200000000000n)');
  }
}

/** Asserts `startNs < endNs`, both bigints. */
export function assertRange(
  startNs: unknown,
  endNs: unknown,
  names: [string, string] = ['startNs', 'endNs'],
): void {
  assertNs(names[0], startNs);
  assertNs(names[1], endNs);
  if ((startNs as bigint) >= (endNs as bigint)) {
    throw new ValidationError(names[0], startNs, `a time before ${names[1]} (${endNs}n)`);
  }
}

/** Asserts a positive integer (a limit, a count). */
export function assertPositiveInt(argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValidationError(argument, value, 'a positive integer');
  }
}

/** Asserts a positive finite number (a span or window in seconds, a rate). */
export function assertPositiveNumber(argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(argument, value, 'a positive, finite number');
  }
}

/** Asserts a finite number ≥ 0 (a delay, a retry count). */
export function assertNonNegativeNumber(argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(argument, value, 'a finite number ≥ 0');
  }
}

/** Asserts `value` is an `AbortSignal` or undefined. */
export function assertSignal(argument: string, value: unknown): asserts value is AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new ValidationError(argument, value, 'an AbortSignal');
  }
}
