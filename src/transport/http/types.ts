/**
 * Public types of the HTTP client: options, request options, responses, retry observations and the
 * adapter's response-inspection hook.
 *
 * @module
 */
import type { Limiter, ReportedUsage } from '../rate-limit/types.js';

/** Query parameters; `undefined` values are skipped, others are stringified (`true` → `"true"`). */
export type QueryParams = Record<string, string | number | bigint | boolean | undefined>;

/** A response with its status and headers (Coinbase puts its cursors in headers). */
export type HttpResponse<T = unknown> = {
  /** HTTP status code. */
  status: number;
  /** Response headers, lower-case names; repeated headers are joined with `", "`. */
  headers: Record<string, string>;
  /** Parsed JSON for a 2xx (null for an empty body); for other statuses parsed JSON if it parses, else the text. */
  body: T;
  /** The request URL with secrets redacted. */
  url: string;
};

/**
 * What an {@link HttpClientOptions.inspect} hook decides about a response.
 * - `retry`: treat as transient (e.g. Kraken's HTTP 200 `"EGeneral:Too many requests"`); with
 *   `rateLimited`, the bound limiter is paused too.
 * - `fail`: throw `error` at once, no retry.
 */
export type ResponseVerdict =
  | { kind: 'retry'; reason: string; retryAfterMs?: number; rateLimited?: boolean }
  | { kind: 'fail'; error: Error };

/** One retry about to happen, as reported to {@link HttpClientOptions.onRetry}. */
export type RetryInfo = {
  /** The attempt that failed, 1-based: the first retry reports `attempt: 1`. */
  attempt: number;
  /** The configured `maxRetries`. */
  maxRetries: number;
  /** Why, e.g. `"HTTP 503"`, `"timeout"`, `"network: ECONNRESET"`, `"invalid JSON"`. */
  reason: string;
  /** The wait before the next attempt, in ms. */
  delayMs: number;
  /** HTTP status of the failed attempt, when there was a response. */
  status?: number;
  /** The request URL with secrets redacted. */
  url: string;
  /** Whether the failure was a throttle (429, 418, or an inspect verdict with `rateLimited`). */
  rateLimited: boolean;
};

/** Options of an {@link HttpClient}. Validated once, in the constructor. */
export type HttpClientOptions = {
  /** Retries after the first attempt, for transient failures (network, timeout, 5xx, 429, 418, bad JSON). @default 5 */
  maxRetries?: number;
  /**
   * Backoff base in seconds: retry n waits `min(maxBackoff, backoffBase * 2^(n-1))`, jittered down to
   * no less than half of it.
   * @default 2
   */
  backoffBase?: number;
  /** Longest backoff between attempts, in seconds (before jitter). @default 60 */
  maxBackoff?: number;
  /** Timeout of one attempt in seconds, from sending the request to the last body byte. @default 30 */
  timeout?: number;
  /** Headers sent with every request (per-request headers override them). @default {} */
  headers?: Record<string, string>;
  /** Largest response body accepted, in bytes; beyond it `ResponseTooLargeError`. @default 67_108_864 (64 MiB) */
  maxResponseBytes?: number;
  /**
   * Longest `Retry-After` honoured, in seconds. A longer one fails at once with `RateLimitedError`
   * carrying `retryAfterMs`, rather than sleeping for minutes in silence.
   * @default 60
   */
  maxRetryAfter?: number;
  /** Rate limiter: `acquire(exchange, cost)` before every attempt, `pause` on throttling. Needs `exchange`. @default undefined */
  limiter?: Limiter;
  /** The exchange id used with `limiter` (and in errors). Required when `limiter` is set. @default undefined */
  exchange?: string;
  /** Called before each retry's wait (attempt, reason, delay) — e.g. for "retrying in 4 s (503)". @default undefined */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Classifies a response before the default rules (2xx ok, 5xx/429/418 retried, other 4xx fail).
   * Receives the parsed 2xx body, or for other statuses the parsed-or-text body. Return `undefined`
   * to apply the default rules.
   * @default undefined
   */
  inspect?: (response: HttpResponse) => ResponseVerdict | undefined;
  /**
   * Reads the usage the server reports on a response (any status) from its headers, e.g. Binance's
   * `X-MBX-USED-WEIGHT-1M`; the client hands it to `limiter.observe` after every attempt, so the limiter
   * follows the server's count. Return `undefined` or `[]` when the response reports nothing.
   * @default undefined
   */
  usage?: (headers: Readonly<Record<string, string>>) => readonly ReportedUsage[] | undefined;
  /** Keep-alive connections per origin. @default 16 */
  connections?: number;
  /**
   * Local (source) IP address of every connection, e.g. `'127.0.0.2'` or one of the machine's public
   * addresses: exchanges count limits per client IP, so a process bound to another address has its own
   * allowance. @default the operating system's choice
   */
  localAddress?: string;
};

/** Options of one request. */
export type RequestOptions = {
  /** Cancels the in-flight attempt or the backoff wait at once (`AbortError`). */
  signal?: AbortSignal;
  /** Cost taken from the bound limiter before every attempt (e.g. Binance request weight). @default 1 */
  cost?: number;
  /**
   * The limiter key this request is charged to instead of the client's exchange: an endpoint with a budget
   * of its own (Binance USDⓈ-M `fundingRate`: 500 per 5 min per IP). When the bound limiter has no limits
   * for the key, nothing is acquired (the server's throttle answers still pause the exchange).
   * @default the client's exchange
   */
  limiterKey?: string;
  /** Extra headers for this request; they override the client's. @default undefined */
  headers?: Record<string, string>;
  /**
   * A faster decoder of a success body of a known shape (a page of a few thousand values, where
   * `JSON.parse`'s intermediate strings and arrays cost more than the values): returns the decoded body, or
   * `undefined` for anything it does not recognise, which then goes through `JSON.parse` as usual (and
   * fails, or is validated, exactly as without it). Never called for error statuses. @default undefined
   */
  decode?: (body: Buffer) => unknown;
};
