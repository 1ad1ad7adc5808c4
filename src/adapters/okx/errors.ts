/**
 * OKX error answers → retry decisions and typed errors. OKX puts its own code in the envelope
 * (`{"code":"51001","msg":"Instrument ID doesn't exist.","data":[]}`), with HTTP 200 for many errors and
 * HTTP 429 or 200 for the throttle `50011`, so the body code decides, not the status.
 *
 * @module
 */
import {
  ExchangeError,
  HTTPError,
  RateLimitedError,
  UnknownSymbolError,
  UnsupportedSpanError,
} from '../../core/errors.js';
import type { HttpResponse, ResponseVerdict } from '../../transport/http/index.js';
import { tryJson } from '../values.js';

/** Body codes that mean "too many requests": pause the exchange and retry. */
const THROTTLE_CODES = new Set(['50011', '50061']);
/** Body codes that mean "the service is busy or down": retry. */
const BUSY_CODES = new Set(['50001', '50004', '50013', '50026']);

/** What the failing request was about, so the typed error can name it. */
export type ErrorContext = { symbol?: string; span?: number; spans?: readonly number[] };

function codeOf(body: unknown): { code: string; msg: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  if (typeof o['code'] !== 'string' && typeof o['code'] !== 'number') return undefined;
  return { code: String(o['code']), msg: typeof o['msg'] === 'string' ? o['msg'] : '' };
}

/**
 * The HTTP client's inspect hook: `50011` (on HTTP 429 or 200) is a throttle that pauses every caller of
 * the exchange; busy codes are retried; any other non-zero code on HTTP 200 fails at once (mapped to a
 * typed error by {@link mapOkxError}). `undefined` leaves the default rules in force.
 */
export function inspectOkx(response: HttpResponse): ResponseVerdict | undefined {
  const c = codeOf(response.body);
  if (!c || c.code === '0') return undefined;
  if (THROTTLE_CODES.has(c.code)) {
    return { kind: 'retry', reason: `OKX throttle ${c.code} (HTTP ${response.status})`, rateLimited: true };
  }
  if (BUSY_CODES.has(c.code)) {
    return { kind: 'retry', reason: `OKX busy ${c.code} (HTTP ${response.status})`, rateLimited: false };
  }
  if (response.status === 200) {
    return { kind: 'fail', error: new HTTPError(200, response.url, JSON.stringify(response.body)) };
  }
  return undefined;
}

/** The typed error for an OKX envelope code. */
export function okxCodeError(code: string, msg: string, context: ErrorContext = {}): Error {
  if (THROTTLE_CODES.has(code)) {
    return new RateLimitedError(
      `OKX throttle ${code} (${msg}) outlasted the retries; lower the rate or wait.`,
      {
        exchange: 'okx',
      },
    );
  }
  // 51001: instrument does not exist; 51014/51015: index or instrument type mismatch.
  if (code === '51001' || code === '51014' || code === '51015') {
    return new UnknownSymbolError('okx', context.symbol ?? '?', []);
  }
  if (context.span !== undefined && code === '51000' && /bar|period/i.test(msg)) {
    return new UnsupportedSpanError('okx', context.span, context.spans ?? []);
  }
  return new ExchangeError('okx', code, `OKX error ${code}: ${msg || 'no message'}`);
}

/**
 * Maps a failed OKX request: an `HTTPError` whose body is an envelope with a code becomes the code's
 * typed error ({@link okxCodeError}); a bare 429 → `RateLimitedError`; anything else passes through.
 */
export function mapOkxError(error: unknown, context: ErrorContext = {}): unknown {
  if (!(error instanceof HTTPError)) return error;
  const c = codeOf(tryJson(error.body));
  if (c && c.code !== '0') return okxCodeError(c.code, c.msg, context);
  if (error.status === 429) {
    return new RateLimitedError('OKX rate limit hit (HTTP 429); lower the rate or wait.', {
      exchange: 'okx',
      status: 429,
    });
  }
  return error;
}
