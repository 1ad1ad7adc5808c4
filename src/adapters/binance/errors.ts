/**
 * Binance error answers → typed errors. Binance answers `{"code": -1121, "msg": "Invalid symbol."}` with
 * an HTTP 4xx; throttling is 429 / 418 with code `-1003`.
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
import type { ExchangeId } from '../adapter.js';
import { object, tryJson } from '../values.js';
import { BINANCE_OHLC_CAPABILITY } from './capabilities.js';

/** What the failing request was about, so the typed error can name it. */
export type ErrorContext = {
  symbol?: string;
  span?: number;
  /** The exchange the error is reported for (Binance USDⓈ-M speaks the same error bodies). @default 'binance' */
  exchange?: ExchangeId;
  /** The spans the endpoint offers, for `UnsupportedSpanError`. @default the spot kline intervals */
  spans?: readonly number[];
};

/**
 * Maps a failed Binance request to a typed error: `-1121` → `UnknownSymbolError`, `-1120` →
 * `UnsupportedSpanError`, `-1003` / 429 / 418 → `RateLimitedError`, another coded 4xx body →
 * `ExchangeError`; a 5xx (the outcome is unknown, Binance says) or an uncoded body stays the `HTTPError`.
 */
export function binanceError(error: HTTPError, context: ErrorContext = {}): TickwireError {
  const parsed = tryJson(error.body);
  let code: number | undefined;
  let msg = '';
  if (parsed !== undefined) {
    try {
      const o = object(parsed, 'error');
      if (typeof o['code'] === 'number') code = o['code'];
      if (typeof o['msg'] === 'string') msg = o['msg'];
    } catch {
      // not an object: fall through to the status
    }
  }
  const exchange = context.exchange ?? 'binance';
  const name = exchange === 'binance' ? 'Binance' : 'Binance USDⓈ-M';
  if (code === -1121) return new UnknownSymbolError(exchange, context.symbol ?? '?', []);
  if (code === -1120) {
    return new UnsupportedSpanError(
      exchange,
      context.span ?? Number.NaN,
      context.spans ?? BINANCE_OHLC_CAPABILITY.spans ?? [],
    );
  }
  if (code === -1003 || error.status === 429 || error.status === 418) {
    return new RateLimitedError(
      `${name} rate limit hit (HTTP ${error.status}${msg ? `: ${msg}` : ''}); lower the rate or wait.`,
      { exchange, status: error.status },
      { cause: error },
    );
  }
  if (code !== undefined && error.status < 500) {
    return new ExchangeError(exchange, String(code), `${name} error ${code}: ${msg || error.message}`, {
      cause: error,
    });
  }
  return error;
}

/** {@link binanceError} for any thrown value: non-`HTTPError`s pass through unchanged. */
export function mapBinanceError(error: unknown, context: ErrorContext = {}): unknown {
  return error instanceof HTTPError ? binanceError(error, context) : error;
}
