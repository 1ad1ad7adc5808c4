/**
 * Bybit's envelope and error answers. Every v5 answer is `{retCode, retMsg, result, retExtInfo, time}`
 * with HTTP 200, errors included (`retCode` ≠ 0); the one exception is the IP limit: HTTP 403 "access
 * too frequent" bans the IP for at least 10 minutes. The transport's inspect hook retries the throttle
 * codes, turns the ban into a pause of the whole exchange, and fails the rest at once, to be mapped to a
 * typed error by the adapter, which knows the symbol and span.
 *
 * @module
 */
import {
  ExchangeError,
  HTTPError,
  ProtocolError,
  RateLimitedError,
  type TickwireError,
  UnknownSymbolError,
  UnsupportedSpanError,
} from '../../core/errors.js';
import type { HttpResponse, ResponseVerdict } from '../../transport/http/index.js';
import { object, tryJson } from '../values.js';
import { BYBIT_BAN_MS, BYBIT_KLINE_CAPABILITY } from './capabilities.js';

/** What the failing request was about, so the typed error can name it. */
export type ErrorContext = { exchange: string; symbol?: string; span?: number };

/** `retCode`s that mean "slow down": 10006 (too many visits), 10429 (system frequency protection). */
const THROTTLE_CODES = new Set([10006, 10429]);
/** `retCode`s of a transient server fault: 10000 (server timeout), 10016 (server error). */
const SERVER_CODES = new Set([10000, 10016]);

/** Reads `{retCode, retMsg}` of a parsed body; `undefined` when it is no envelope. */
export function bybitCode(body: unknown): { code: number; msg: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  if (typeof o['retCode'] !== 'number') return undefined;
  return { code: o['retCode'], msg: typeof o['retMsg'] === 'string' ? o['retMsg'] : '' };
}

/**
 * The HTTP client's inspect hook: 403 (the IP ban) → a rate-limited retry after the ban's 10 minutes,
 * which the client turns into a pause of the exchange and, above `maxRetryAfter`, a `RateLimitedError`;
 * `retCode` 10006/10429 → a rate-limited retry; 10000/10016 → a plain retry; any other non-zero
 * `retCode` → fail at once (an `HTTPError` with the body, mapped by {@link mapBybitError}).
 */
export function inspectBybit(response: HttpResponse): ResponseVerdict | undefined {
  if (response.status === 403) {
    return {
      kind: 'retry',
      reason: 'Bybit HTTP 403 "access too frequent" (IP ban)',
      retryAfterMs: BYBIT_BAN_MS,
      rateLimited: true,
    };
  }
  if (response.status !== 200) return undefined;
  const c = bybitCode(response.body);
  if (c === undefined || c.code === 0) return undefined;
  if (THROTTLE_CODES.has(c.code)) {
    return { kind: 'retry', reason: `Bybit retCode ${c.code} ${c.msg}`, rateLimited: true };
  }
  if (SERVER_CODES.has(c.code)) return { kind: 'retry', reason: `Bybit retCode ${c.code} ${c.msg}` };
  return { kind: 'fail', error: new HTTPError(200, response.url, JSON.stringify(response.body)) };
}

/**
 * Maps a failed Bybit request to a typed error: the 403 ban → `RateLimitedError` saying the exchange is
 * paused and for how long; `retCode` 10001 about the symbol → `UnknownSymbolError`, about the interval →
 * `UnsupportedSpanError`; another `retCode` → `ExchangeError`; anything else passes through.
 */
export function mapBybitError(error: unknown, ctx: ErrorContext): unknown {
  if (error instanceof RateLimitedError && error.status === 403) {
    return new RateLimitedError(
      `Bybit answered HTTP 403 "access too frequent": it bans this IP for at least 10 minutes. ` +
        `tickwire paused every ${ctx.exchange} request for ${BYBIT_BAN_MS / 60_000} minutes; retry after that, ` +
        'at a lower rate (the limit is 600 requests per 5 s per IP, spot and derivatives together).',
      { exchange: ctx.exchange, status: 403, retryAfterMs: BYBIT_BAN_MS },
      { cause: error },
    );
  }
  if (!(error instanceof HTTPError)) return error;
  const c = bybitCode(tryJson(error.body));
  if (c === undefined) return error;
  return bybitCodeError(c.code, c.msg, ctx, error);
}

/** The typed error for a non-zero `retCode`. */
export function bybitCodeError(code: number, msg: string, ctx: ErrorContext, cause?: unknown): TickwireError {
  if (code === 10001 && /symbol/i.test(msg)) return new UnknownSymbolError(ctx.exchange, ctx.symbol ?? '?');
  if (code === 10001 && /interval/i.test(msg) && ctx.span !== undefined) {
    return new UnsupportedSpanError(ctx.exchange, ctx.span, BYBIT_KLINE_CAPABILITY.spans ?? []);
  }
  if (THROTTLE_CODES.has(code)) {
    return new RateLimitedError(`Bybit throttled the request (retCode ${code}: ${msg}); slow down.`, {
      exchange: ctx.exchange,
    });
  }
  return new ExchangeError(ctx.exchange, String(code), `Bybit error ${code}: ${msg || 'no message'}`, {
    cause,
  });
}

/** The `result` of a successful envelope; a non-zero `retCode` that got here throws its typed error. */
export function bybitResult(body: unknown, ctx: ErrorContext): Record<string, unknown> {
  const c = bybitCode(body);
  if (c === undefined) {
    throw new ProtocolError(
      'Bybit answered without the {retCode, result} envelope',
      JSON.stringify(body) ?? '',
    );
  }
  if (c.code !== 0) throw bybitCodeError(c.code, c.msg, ctx);
  return object((body as Record<string, unknown>)['result'], 'result');
}
