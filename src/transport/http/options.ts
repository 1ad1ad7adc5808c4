/**
 * Resolves and validates {@link HttpClientOptions} once, into ms-based settings.
 *
 * @module
 */
import { isIP } from 'node:net';
import { ValidationError } from '../../core/errors.js';
import type { Limiter, ReportedUsage } from '../rate-limit/types.js';
import type { RetryPolicyOptions } from './retry-policy.js';
import type { HttpClientOptions, HttpResponse, ResponseVerdict, RetryInfo } from './types.js';

/** {@link HttpClientOptions} with defaults applied and spans in ms. */
export type ResolvedHttpOptions = RetryPolicyOptions & {
  timeoutMs: number;
  headers: Record<string, string>;
  maxResponseBytes: number;
  limiter: Limiter | undefined;
  exchange: string | undefined;
  onRetry: ((info: RetryInfo) => void) | undefined;
  inspect: ((response: HttpResponse) => ResponseVerdict | undefined) | undefined;
  usage: ((headers: Readonly<Record<string, string>>) => readonly ReportedUsage[] | undefined) | undefined;
  connections: number;
  localAddress: string | undefined;
};

/** Default {@link HttpClientOptions.maxResponseBytes}: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

function nonNegative(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`options.${name}`, value, 'a finite number ≥ 0');
  }
  return value;
}

function positiveInt(name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ValidationError(`options.${name}`, value, allowZero ? 'an integer ≥ 0' : 'a positive integer');
  }
  return value;
}

function optionalFunction<F>(name: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ValidationError(`options.${name}`, value, 'a function');
  }
  return value as F | undefined;
}

function localAddressOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || isIP(value) === 0) {
    throw new ValidationError('options.localAddress', value, 'an IPv4 or IPv6 address such as "127.0.0.2"');
  }
  return value;
}

/** Validates `headers` (an object of string values); names the offending header. */
export function validateHeaders(argument: string, headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ValidationError(argument, headers, 'an object of header name → string');
  }
  for (const [name, value] of Object.entries(headers)) {
    // The value is not echoed: headers carry secrets.
    if (typeof value !== 'string') throw new ValidationError(`${argument}.${name}`, typeof value, 'a string');
  }
  return headers as Record<string, string>;
}

/** Applies defaults and validates every option, naming the bad one. */
export function resolveHttpOptions(options: HttpClientOptions = {}): ResolvedHttpOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', options, 'an object');
  }
  const timeout = options.timeout ?? 30;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new ValidationError('options.timeout', timeout, 'a positive, finite number of seconds');
  }
  const limiter = options.limiter;
  if (limiter !== undefined) {
    if (typeof limiter !== 'object' || limiter === null || typeof limiter.acquire !== 'function') {
      throw new ValidationError('options.limiter', limiter, 'a Limiter (acquire, pause, has, close)');
    }
    if (typeof options.exchange !== 'string' || options.exchange === '') {
      throw new ValidationError('options.exchange', options.exchange, 'an exchange id when a limiter is set');
    }
    if (!limiter.has(options.exchange)) {
      throw new ValidationError(
        'options.exchange',
        options.exchange,
        'an exchange the limiter has limits for',
      );
    }
  }
  if (options.exchange !== undefined && typeof options.exchange !== 'string') {
    throw new ValidationError('options.exchange', options.exchange, 'a string');
  }
  return {
    maxRetries: positiveInt('maxRetries', options.maxRetries, 5, true),
    backoffBaseMs: nonNegative('backoffBase', options.backoffBase, 2) * 1000,
    maxBackoffMs: nonNegative('maxBackoff', options.maxBackoff, 60) * 1000,
    maxRetryAfterMs: nonNegative('maxRetryAfter', options.maxRetryAfter, 60) * 1000,
    timeoutMs: timeout * 1000,
    headers: validateHeaders('options.headers', options.headers),
    maxResponseBytes: positiveInt('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    limiter,
    exchange: options.exchange,
    onRetry: optionalFunction('onRetry', options.onRetry),
    inspect: optionalFunction('inspect', options.inspect),
    usage: optionalFunction('usage', options.usage),
    connections: positiveInt('connections', options.connections, 16),
    localAddress: localAddressOf(options.localAddress),
  };
}
