/**
 * Turning a raw answer into a result or a failure, and a final failure into the error the caller sees
 * (pure: no I/O, no timers).
 *
 * @module
 */
import { HTTPError, type ProtocolError, RateLimitedError, type TickwireError } from '../../core/errors.js';
import { parseJsonBody, parseJsonOrText } from './body.js';
import { parseRetryAfter } from './retry-after.js';
import { type AttemptFailure, isThrottleStatus } from './retry-policy.js';
import type { HttpResponse, ResponseVerdict } from './types.js';

/** A raw answer: status, flattened headers, body bytes. */
export type RawResponse = { status: number; headers: Record<string, string>; bytes: Buffer };

/** What {@link classifyResponse} decided. */
export type Classified<T> =
  | { done: true; response: HttpResponse<T> }
  | { done: false; failure: AttemptFailure; error: TickwireError | undefined; bodyText: string };

/** Bytes of an error body kept for `HTTPError.body`. */
const BODY_KEPT = 4096;

/**
 * Parses a response (JSON for 2xx; JSON-or-text otherwise), asks `inspect` first, then applies the
 * default rules: 2xx is done, anything else is a status failure carrying its `Retry-After`.
 *
 * @throws the verdict's error when `inspect` answers `fail`
 */
export function classifyResponse<T>(
  raw: RawResponse,
  safeUrl: string,
  inspect: ((response: HttpResponse) => ResponseVerdict | undefined) | undefined,
  nowMs: number = Date.now(),
  decode?: (body: Buffer) => unknown,
): Classified<T> {
  const { status, headers, bytes } = raw;
  const success = status >= 200 && status < 300;
  let body: unknown;
  if (success) {
    try {
      body = parseJsonBody(bytes, safeUrl, decode);
    } catch (error) {
      return { done: false, failure: { kind: 'invalid-json' }, error: error as ProtocolError, bodyText: '' };
    }
  } else {
    body = parseJsonOrText(bytes);
  }
  const response: HttpResponse<T> = { status, headers, body: body as T, url: safeUrl };
  const headerWait = parseRetryAfter(headers['retry-after'], nowMs);
  const bodyText = (): string => bytes.subarray(0, BODY_KEPT).toString('utf8');
  const verdict = inspect?.(response as HttpResponse);
  if (verdict !== undefined) {
    if (verdict.kind === 'fail') throw verdict.error;
    const retryAfterMs = verdict.retryAfterMs ?? headerWait;
    return {
      done: false,
      failure: {
        kind: 'verdict',
        reason: verdict.reason,
        rateLimited: verdict.rateLimited ?? false,
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
      error: undefined,
      bodyText: bodyText(),
    };
  }
  if (success) return { done: true, response };
  return {
    done: false,
    failure:
      headerWait === undefined
        ? { kind: 'status', status }
        : { kind: 'status', status, retryAfterMs: headerWait },
    error: undefined,
    bodyText: bodyText(),
  };
}

/** Everything {@link finalError} needs to know about the last attempt. */
export type FinalFailure = {
  failure: AttemptFailure;
  why: 'not-retryable' | 'exhausted';
  attempts: number;
  safeUrl: string;
  status: number | undefined;
  bodyText: string;
  /** The transport error of the last attempt (timeout, network, invalid JSON), when there was one. */
  error: TickwireError | undefined;
  exchange: string | undefined;
};

/**
 * The error thrown when retrying stops: the last transport error (annotated with the attempt count),
 * `RateLimitedError` for a throttle, else `HTTPError` with the truncated body.
 */
export function finalError(f: FinalFailure): TickwireError {
  const after = f.why === 'exhausted' ? ` after ${f.attempts} attempts` : '';
  if (f.error !== undefined) {
    if (f.why === 'exhausted') f.error.message += ` (gave up after ${f.attempts} attempts)`;
    return f.error;
  }
  const { failure } = f;
  const throttled =
    (failure.kind === 'status' && isThrottleStatus(failure.status)) ||
    (failure.kind === 'verdict' && failure.rateLimited);
  const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
  if (throttled) {
    const reason = failure.kind === 'verdict' ? failure.reason : `HTTP ${f.status}`;
    return new RateLimitedError(
      `Rate limited (${reason}) by ${f.safeUrl}${after}; slow down or retry later.`,
      {
        retryAfterMs,
        exchange: f.exchange,
        status: f.status,
      },
    );
  }
  const code = f.status ?? 0;
  const message =
    failure.kind === 'verdict'
      ? `${failure.reason} from ${f.safeUrl}${after}`
      : `HTTP ${code} from ${f.safeUrl}${after}${f.bodyText ? `: ${f.bodyText.slice(0, 300)}` : ''}`;
  return new HTTPError(code, f.safeUrl, f.bodyText, { message });
}
