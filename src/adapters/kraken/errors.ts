/**
 * Kraken error strings → typed errors and retry decisions. Kraken answers errors with HTTP 200 and a
 * non-empty `error` array of `<Severity><Category>:<msg>` strings, throttling included.
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
import { KRAKEN_OHLC_CAPABILITY } from './capabilities.js';

/** What the failing request was about, so the typed error can name it. */
export type ErrorContext = { symbol?: string; span?: number };

/** What to do with a Kraken answer whose `error` array is not empty. */
export type KrakenErrorDecision =
  | { kind: 'retry'; reason: string; rateLimited: boolean }
  | { kind: 'fail'; error: TickwireError };

/**
 * Decides on Kraken's `error` strings: the public throttle (`EGeneral:Too many requests`), the
 * per-key counter (`EAPI:Rate limit exceeded`) and `EService:` unavailability are retried (the first two
 * pause the exchange); `EQuery:Unknown asset pair` fails with `UnknownSymbolError`; `EGeneral:Invalid
 * arguments` on a candle request fails with `UnsupportedSpanError`; anything else with `ExchangeError`.
 */
export function classifyKrakenErrors(
  errors: readonly string[],
  context: ErrorContext = {},
): KrakenErrorDecision {
  const joined = errors.join('; ');
  if (errors.some((e) => /^EGeneral:Too many requests|^EAPI:Rate limit exceeded/i.test(e))) {
    return { kind: 'retry', reason: `Kraken throttle: ${joined}`, rateLimited: true };
  }
  if (errors.some((e) => /^EService:\s*Throttled/i.test(e))) {
    return { kind: 'retry', reason: `Kraken throttle: ${joined}`, rateLimited: true };
  }
  if (errors.some((e) => /^EService:/i.test(e))) {
    return { kind: 'retry', reason: `Kraken service: ${joined}`, rateLimited: false };
  }
  if (errors.some((e) => /^EQuery:Unknown asset pair/i.test(e))) {
    return { kind: 'fail', error: new UnknownSymbolError('kraken', context.symbol ?? '?', []) };
  }
  if (context.span !== undefined && errors.some((e) => /^EGeneral:Invalid arguments/i.test(e))) {
    return {
      kind: 'fail',
      error: new UnsupportedSpanError('kraken', context.span, KRAKEN_OHLC_CAPABILITY.spans ?? []),
    };
  }
  const first = errors[0] ?? 'EGeneral:Unknown error';
  return { kind: 'fail', error: new ExchangeError('kraken', first, `Kraken error: ${joined}`) };
}

/** The typed error for a Kraken throttle that outlasted the retries. */
export function krakenRateLimited(reason: string): RateLimitedError {
  return new RateLimitedError(`${reason}; lower the rate or wait.`, { exchange: 'kraken', status: 200 });
}

/**
 * Maps a failed Kraken request: an `HTTPError` whose body is an envelope with errors is decided by
 * {@link classifyKrakenErrors}; 429 → `RateLimitedError`; anything else passes through.
 */
export function mapKrakenError(error: unknown, context: ErrorContext = {}): unknown {
  if (!(error instanceof HTTPError)) return error;
  const parsed = tryJson(error.body) as { error?: unknown } | undefined;
  if (parsed && Array.isArray(parsed.error) && parsed.error.length > 0) {
    const decision = classifyKrakenErrors(parsed.error.map(String), context);
    return decision.kind === 'fail' ? decision.error : krakenRateLimited(decision.reason);
  }
  if (error.status === 429) {
    return new RateLimitedError('Kraken rate limit hit (HTTP 429); lower the rate or wait.', {
      exchange: 'kraken',
      status: 429,
    });
  }
  return error;
}
