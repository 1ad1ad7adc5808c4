/**
 * Argument checks shared by the paginators. Each throws a {@link ValidationError} naming the argument and
 * the value; paginators run them synchronously, before returning their iterator.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import type { Capability } from '../../core/records.js';
import { assertPositiveInt, assertPositiveNumber, assertSignal } from '../../core/validate.js';

/** Asserts `value` is a function. */
export function assertFunction(argument: string, value: unknown): void {
  if (typeof value !== 'function') throw new ValidationError(argument, value, 'a function');
}

/** Asserts `value` is a function or undefined. */
export function assertOptionalFunction(argument: string, value: unknown): void {
  if (value !== undefined) assertFunction(argument, value);
}

/** Asserts `value` is an options object or undefined. */
export function assertOptions(argument: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new ValidationError(argument, value, 'an options object or undefined');
  }
}

/** Asserts a positive integer, or undefined. */
export function assertOptionalPositiveInt(argument: string, value: unknown): void {
  if (value !== undefined) assertPositiveInt(argument, value);
}

/** Asserts a positive finite number, or undefined. */
export function assertOptionalPositiveNumber(argument: string, value: unknown): void {
  if (value !== undefined) assertPositiveNumber(argument, value);
}

/** Asserts an `AbortSignal`, or undefined. */
export function assertOptionalSignal(argument: string, value: unknown): void {
  assertSignal(argument, value);
}

/** Asserts `cap` is a {@link Capability} with a positive integer `maxPerRequest`. */
export function assertCapability(argument: string, cap: unknown): asserts cap is Capability {
  if (typeof cap !== 'object' || cap === null) {
    throw new ValidationError(argument, cap, 'a Capability object with maxPerRequest');
  }
  assertPositiveInt(`${argument}.maxPerRequest`, (cap as { maxPerRequest?: unknown }).maxPerRequest);
}
