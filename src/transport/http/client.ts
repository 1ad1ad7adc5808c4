/**
 * {@link HttpClient}: JSON over HTTP on an undici connection pool, with retry/backoff, a size cap, a
 * whole-request timeout, abort, and an optional rate limiter bound to an exchange.
 *
 * The layering is: limiter (`acquire` before every attempt) → retry loop (pure decision in
 * `retry-policy.ts`) → one attempt (`#attempt`: request + capped body read under one timer).
 *
 * @module
 */
import { Agent } from 'undici';
import {
  ClosedError,
  NetworkError,
  RateLimitedError,
  redactUrl,
  TickwireError,
  TimeoutError,
  ValidationError,
} from '../../core/errors.js';
import { assertSignal } from '../../core/validate.js';
import type { LimitGrant, ReportedUsage } from '../rate-limit/types.js';
import { abortErrorFrom, linkSignals, sleep, throwIfAborted } from '../sleep.js';
import { readCappedBody } from './body.js';
import { type ResolvedHttpOptions, resolveHttpOptions, validateHeaders } from './options.js';
import { classifyResponse, finalError, type RawResponse } from './outcome.js';
import { type AttemptFailure, decideRetry } from './retry-policy.js';
import type { HttpClientOptions, HttpResponse, QueryParams, RequestOptions } from './types.js';

/** One attempt's outcome: a response to classify, or a transport failure. */
type AttemptOutcome =
  | { ok: true; response: RawResponse }
  | { ok: false; failure: AttemptFailure; error: TickwireError };

/** Errors that say the request itself is wrong: retrying cannot help. */
const NOT_RETRYABLE_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL']);

/**
 * Builds the request URL: `url` plus `params` (undefined values skipped).
 *
 * @throws ValidationError for a URL that is not absolute http(s) (the value shown is redacted)
 */
export function buildUrl(url: string, params?: QueryParams): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ValidationError(
      'url',
      typeof url === 'string' ? redactUrl(url) : url,
      'an absolute http(s) URL',
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ValidationError('url', redactUrl(url), 'an http: or https: URL');
  }
  if (params !== undefined) {
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) target.searchParams.append(name, String(value));
    }
  }
  return target;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== error) return errorCode(cause);
  }
  return 'unknown';
}

/**
 * HTTP client for JSON APIs with retry/backoff (network errors, timeouts, 5xx, 429, 418, invalid JSON),
 * honouring `Retry-After`; other 4xx fail at once with `HTTPError`. Keeps connections alive in its own
 * undici pool (`connections` per origin). Share one per exchange through {@link HttpClientRegistry}.
 *
 * Errors: `HTTPError`, `TimeoutError`, `NetworkError`, `ProtocolError` (invalid JSON after retries),
 * `RateLimitedError` (throttled after retries, or `Retry-After` above `maxRetryAfter`),
 * `ResponseTooLargeError`, `AbortError`, `ClosedError`, `ValidationError`. None carries a secret: URLs
 * are redacted, bodies truncated.
 */
export class HttpClient {
  readonly #options: ResolvedHttpOptions;
  readonly #agent: Agent;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Aborted by close(), so that requests sleeping in a backoff end at once. */
  readonly #closeController = new AbortController();

  /** @throws ValidationError naming the bad option */
  constructor(options?: HttpClientOptions) {
    this.#options = resolveHttpOptions(options);
    const { connections, localAddress } = this.#options;
    this.#agent = new Agent({
      connections,
      pipelining: 1,
      // A client option in undici (it overrides any `connect.localAddress`).
      ...(localAddress === undefined ? {} : { localAddress }),
    });
  }

  /** True once {@link close} was called; any later request fails with `ClosedError`. */
  get closed(): boolean {
    return this.#closed;
  }

  /** GET `url` with `params` and return the parsed JSON body. */
  async get<T = unknown>(url: string, params?: QueryParams, options?: RequestOptions): Promise<T> {
    const response = await this.request<T>(url, params === undefined ? options : { ...options, params });
    return response.body;
  }

  /** GET with retries; returns status, headers (lower-case) and the parsed body. */
  async request<T = unknown>(
    url: string,
    options: RequestOptions & { params?: QueryParams } = {},
  ): Promise<HttpResponse<T>> {
    if (this.#closed) throw new ClosedError('HttpClient');
    const target = buildUrl(url, options.params);
    const safeUrl = redactUrl(target.href);
    const signal = options.signal;
    assertSignal('options.signal', signal);
    const cost = options.cost ?? 1;
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) {
      throw new ValidationError('options.cost', cost, 'a positive, finite number');
    }
    const headers =
      options.headers === undefined
        ? this.#options.headers
        : { ...this.#options.headers, ...validateHeaders('options.headers', options.headers) };
    const { limiter, exchange } = this.#options;

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      if (this.#closed) throw new ClosedError('HttpClient');
      let grant: LimitGrant | undefined;
      if (limiter !== undefined) {
        // A request on a separate budget (Binance USDⓈ-M fundingRate) acquires that budget only; the
        // server's usage headers count the main limit, so only a main-limit grant is observed.
        const key = options.limiterKey;
        if (key === undefined)
          grant = (await limiter.acquire(exchange as string, cost, { signal })) ?? undefined;
        else if (limiter.has(key)) await limiter.acquire(key, cost, { signal });
      }
      const grantedAt = performance.now();

      const outcome = await this.#attempt(target, headers, safeUrl, signal);
      this.#observe(outcome, grant, performance.now() - grantedAt);
      let failure: AttemptFailure;
      let error: TickwireError | undefined;
      let status: number | undefined;
      let bodyText = '';
      if (outcome.ok) {
        const classified = classifyResponse<T>(
          outcome.response,
          safeUrl,
          this.#options.inspect,
          Date.now(),
          options.decode,
        );
        if (classified.done) return classified.response;
        failure = classified.failure;
        error = classified.error;
        status = outcome.response.status;
        bodyText = classified.bodyText;
      } else {
        failure = outcome.failure;
        error = outcome.error;
      }

      const decision = decideRetry(failure, attempt, this.#options);
      const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
      if (decision.action === 'stop') {
        if (decision.why === 'retry-after-too-long') {
          await this.#pause(retryAfterMs as number, decision.reason);
          throw new RateLimitedError(
            `${decision.reason} from ${safeUrl}: the server asks to wait ${Math.ceil((retryAfterMs as number) / 1000)} s, ` +
              `above maxRetryAfter (${this.#options.maxRetryAfterMs / 1000} s); retry later or raise maxRetryAfter.`,
            { retryAfterMs, exchange, status },
          );
        }
        throw finalError({
          failure,
          why: decision.why,
          attempts: attempt,
          safeUrl,
          status,
          bodyText,
          error,
          exchange,
        });
      }
      if (decision.rateLimited || retryAfterMs !== undefined) {
        await this.#pause(retryAfterMs ?? decision.delayMs, decision.reason);
      }
      this.#options.onRetry?.({
        attempt,
        maxRetries: this.#options.maxRetries,
        reason: decision.reason,
        delayMs: decision.delayMs,
        ...(status === undefined ? {} : { status }),
        url: safeUrl,
        rateLimited: decision.rateLimited,
      });
      await this.#backoff(decision.delayMs, signal);
    }
  }

  /**
   * Closes the connection pool after in-flight attempts finish. Idempotent. Requests waiting in a
   * backoff fail with `ClosedError` at once; later requests too.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closeController.abort();
      this.#closing = this.#agent.close();
    }
    return this.#closing;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #backoff(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const closeSignal = this.#closeController.signal;
    const linked = signal === undefined ? undefined : linkSignals([signal, closeSignal]);
    try {
      await sleep(ms, linked?.signal ?? closeSignal);
    } catch (error) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      if (this.#closed) throw new ClosedError('HttpClient');
      throw error;
    } finally {
      linked?.dispose();
    }
  }

  /** Tells the limiter what the server reported it counted (and how long the round trip took). */
  // biome-ignore lint/suspicious/noConfusingVoidType: what `Limiter.acquire` resolves with (see there).
  #observe(outcome: AttemptOutcome, grant: LimitGrant | undefined | void, elapsedMs: number): void {
    const { limiter, exchange, usage } = this.#options;
    if (limiter?.observe === undefined) return;
    let reported: readonly ReportedUsage[] = [];
    if (outcome.ok && usage !== undefined) {
      try {
        reported = usage(outcome.response.headers) ?? [];
      } catch {
        reported = []; // a malformed header is not the request's failure
      }
    }
    try {
      const pending = limiter.observe(exchange as string, {
        usage: reported,
        grant: grant ?? undefined,
        elapsedMs,
      });
      if (pending instanceof Promise) pending.catch(() => {});
    } catch {
      // Advice only.
    }
  }

  async #pause(ms: number, reason: string): Promise<void> {
    const { limiter, exchange } = this.#options;
    if (limiter === undefined) return;
    try {
      await limiter.pause(exchange as string, ms, reason);
    } catch {
      // A limiter that cannot record the pause must not turn a retryable answer into a failure:
      // this request still waits its own delay.
    }
  }

  /** One request + capped body read, all under one timeout; never throws except for abort/close. */
  async #attempt(
    target: URL,
    headers: Record<string, string>,
    safeUrl: string,
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#options.timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.#agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers,
        signal: controller.signal,
      });
      const contentLength = res.headers['content-length'];
      const bytes = await readCappedBody(
        res.body,
        this.#options.maxResponseBytes,
        safeUrl,
        typeof contentLength === 'string' ? contentLength : undefined,
      );
      return { ok: true, response: { status: res.statusCode, headers: flattenHeaders(res.headers), bytes } };
    } catch (error) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      if (timedOut) {
        return {
          ok: false,
          failure: { kind: 'timeout' },
          error: new TimeoutError(this.#options.timeoutMs, safeUrl, { cause: error }),
        };
      }
      if (error instanceof TickwireError) throw error; // ResponseTooLargeError: not transient
      const code = errorCode(error);
      if (this.#closed && (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED')) {
        throw new ClosedError('HttpClient');
      }
      const detail = `${code}${error instanceof Error && error.message ? ` (${error.message})` : ''}`;
      const networkError = new NetworkError(safeUrl, detail, { cause: error });
      if (NOT_RETRYABLE_CODES.has(code)) throw networkError;
      return { ok: false, failure: { kind: 'network', code }, error: networkError };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
