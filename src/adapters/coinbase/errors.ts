/**
 * Coinbase error answers → typed errors. Coinbase answers `{"message": "..."}` with an HTTP 4xx/5xx.
 *
 * @module
 */
import {
  ExchangeError,
  HTTPError,
  RateLimitedError,
  type TickwireError,
  UnknownSymbolError,
  UnsupportedSpanError,
} from '../../core/errors.js';
import { tryJson } from '../values.js';
import { COINBASE_GRANULARITIES } from './capabilities.js';

/** What the failing request was about, so the typed error can name it. */
export type ErrorContext = { symbol?: string; span?: number };

/**
 * Maps a failed Coinbase request: 404 / `NotFound` / `Product not found` → `UnknownSymbolError`;
 * `Unsupported granularity` → `UnsupportedSpanError`; 429 → `RateLimitedError`; another 4xx with a
 * message → `ExchangeError`; 5xx stays the `HTTPError`.
 */
export function coinbaseError(error: HTTPError, context: ErrorContext = {}): TickwireError {
  const parsed = tryJson(error.body);
  const message =
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof (parsed as { message?: unknown }).message === 'string'
      ? (parsed as { message: string }).message
      : '';
  if (error.status === 404 || /not\s*found/i.test(message)) {
    return new UnknownSymbolError('coinbase', context.symbol ?? '?', []);
  }
  if (/granularity/i.test(message) && !/exceeds/i.test(message)) {
    return new UnsupportedSpanError('coinbase', context.span ?? Number.NaN, COINBASE_GRANULARITIES);
  }
  if (error.status === 429 || /rate limit/i.test(message)) {
    return new RateLimitedError(
      `Coinbase rate limit hit (HTTP ${error.status}${message ? `: ${message}` : ''}); lower the rate or wait.`,
      { exchange: 'coinbase', status: error.status },
      { cause: error },
    );
  }
  if (error.status < 500 && message) {
    return new ExchangeError('coinbase', message, `Coinbase error (HTTP ${error.status}): ${message}`, {
      cause: error,
    });
  }
  return error;
}

/** {@link coinbaseError} for any thrown value: non-`HTTPError`s pass through unchanged. */
export function mapCoinbaseError(error: unknown, context: ErrorContext = {}): unknown {
  return error instanceof HTTPError ? coinbaseError(error, context) : error;
}
