/**
 * tickwire's error classes: one base, a stable `code` per kind, typed fields and `cause`.
 *
 * Messages name the affected argument or range and the next step. They never contain secrets:
 * callers hand URLs through {@link redactUrl} before they reach an error.
 *
 * @module
 */

/** Every stable error code tickwire raises. Tests and callers match on these, not on message text. */
export const ERROR_CODES = [
  'ERR_VALIDATION',
  'ERR_HTTP',
  'ERR_TIMEOUT',
  'ERR_NETWORK',
  'ERR_RATE_LIMITED',
  'ERR_RESPONSE_TOO_LARGE',
  'ERR_PROTOCOL',
  'ERR_INCOMPLETE_RANGE',
  'ERR_ABORTED',
  'ERR_CLOSED',
  'ERR_RECONNECT_EXHAUSTED',
  'ERR_UNKNOWN_EXCHANGE',
  'ERR_UNKNOWN_SYMBOL',
  'ERR_UNSUPPORTED_SPAN',
  'ERR_UNSUPPORTED_RANGE',
  'ERR_UNSUPPORTED_KIND',
  'ERR_EXCHANGE',
  'ERR_LIMITER_UNAVAILABLE',
  'ERR_RESYNC_EXHAUSTED',
  'ERR_POSTGRES',
  'ERR_ARCHIVE_CORRUPT',
  'ERR_ARCHIVE_LOCKED',
] as const;

/** A stable error code: one of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base class of every error tickwire throws on purpose. */
export class TickwireError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TickwireError';
  }
}

/** Bad input: names the argument and the value it got. */
export class ValidationError extends TickwireError {
  override readonly name = 'ValidationError' as const;
  /** The argument (or option) that was rejected, e.g. `"startNs"` or `"options.concurrency"`. */
  readonly argument: string;
  /** The rejected value, as received. */
  readonly value: unknown;

  constructor(argument: string, value: unknown, expectation: string, options?: { cause?: unknown }) {
    super(
      'ERR_VALIDATION',
      `Invalid ${argument}: expected ${expectation}, got ${describeValue(value)}.`,
      options,
    );
    this.argument = argument;
    this.value = value;
  }
}

/** An HTTP request failed with a status that is not retried, or still failed after every retry. */
export class HTTPError extends TickwireError {
  override readonly name = 'HTTPError' as const;
  /** HTTP status code. */
  readonly status: number;
  /** The request URL with secrets redacted. */
  readonly url: string;
  /** The response body, truncated to a few KB. */
  readonly body: string;

  constructor(status: number, url: string, body = '', options?: { cause?: unknown; message?: string }) {
    const safeUrl = redactUrl(url);
    const shown = truncate(body, 300);
    super(
      'ERR_HTTP',
      options?.message ?? `HTTP ${status} from ${safeUrl}${shown ? `: ${shown}` : ''}`,
      options,
    );
    this.status = status;
    this.url = safeUrl;
    this.body = truncate(body, 4096);
  }
}

/** A request or connection took longer than its timeout. */
export class TimeoutError extends TickwireError {
  override readonly name = 'TimeoutError' as const;
  /** The timeout that elapsed, in ms. */
  readonly timeoutMs: number;
  /** The URL (redacted) that timed out, when there is one. */
  readonly url: string | undefined;

  constructor(timeoutMs: number, url?: string, options?: { cause?: unknown }) {
    const safe = url === undefined ? undefined : redactUrl(url);
    super(
      'ERR_TIMEOUT',
      `Timed out after ${timeoutMs} ms${safe ? ` waiting for ${safe}` : ''}. Raise the timeout or check the server.`,
      options,
    );
    this.timeoutMs = timeoutMs;
    this.url = safe;
  }
}

/** The network failed (connection refused, reset, DNS) and retries did not help. */
export class NetworkError extends TickwireError {
  override readonly name = 'NetworkError' as const;
  /** The URL (redacted). */
  readonly url: string;

  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    const safe = redactUrl(url);
    super('ERR_NETWORK', `Network error for ${safe}: ${detail}`, options);
    this.url = safe;
  }
}

/** The exchange said to slow down, and the wait it asked for is longer than the caller allows. */
export class RateLimitedError extends TickwireError {
  override readonly name = 'RateLimitedError' as const;
  /** How long the exchange asked to wait, in ms (undefined when it did not say). */
  readonly retryAfterMs: number | undefined;
  /** The exchange id, when known. */
  readonly exchange: string | undefined;
  /** HTTP status of the throttling answer (429, 418, or 200 for Kraken's in-body throttle). */
  readonly status: number | undefined;

  constructor(
    message: string,
    fields: { retryAfterMs?: number; exchange?: string; status?: number },
    options?: { cause?: unknown },
  ) {
    super('ERR_RATE_LIMITED', message, options);
    this.retryAfterMs = fields.retryAfterMs;
    this.exchange = fields.exchange;
    this.status = fields.status;
  }
}

/** A response was larger than the configured cap. */
export class ResponseTooLargeError extends TickwireError {
  override readonly name = 'ResponseTooLargeError' as const;
  /** The cap in bytes. */
  readonly limitBytes: number;
  /** The URL (redacted). */
  readonly url: string;

  constructor(url: string, limitBytes: number, options?: { cause?: unknown }) {
    const safe = redactUrl(url);
    super(
      'ERR_RESPONSE_TOO_LARGE',
      `Response from ${safe} exceeded the ${limitBytes}-byte cap; raise maxResponseBytes or request a smaller page.`,
      options,
    );
    this.limitBytes = limitBytes;
    this.url = safe;
  }
}

/** The peer sent something that does not follow its protocol (bad JSON, unexpected shape). */
export class ProtocolError extends TickwireError {
  override readonly name = 'ProtocolError' as const;
  /** The first bytes of the offending payload (truncated). */
  readonly snippet: string;

  constructor(message: string, snippet = '', options?: { cause?: unknown }) {
    const shown = truncate(snippet, 200);
    super('ERR_PROTOCOL', shown ? `${message} (starts with: ${JSON.stringify(shown)})` : message, options);
    this.snippet = shown;
  }
}

/** A half-open time range `[startNs, endNs)` in nanoseconds. */
export type NsRange = { readonly startNs: bigint; readonly endNs: bigint };

/**
 * Pagination could not deliver the whole requested range: a cursor repeated, the page cap was hit, or
 * a page failed after its retries. `covered` says what was delivered; `missing` what was not.
 */
export class IncompleteRangeError extends TickwireError {
  override readonly name = 'IncompleteRangeError' as const;
  /** The requested range. */
  readonly requested: NsRange;
  /** Ranges fully delivered before the failure. */
  readonly covered: readonly NsRange[];
  /** Ranges not delivered: fetch these again. */
  readonly missing: readonly NsRange[];

  constructor(
    reason: string,
    fields: { requested: NsRange; covered: readonly NsRange[]; missing: readonly NsRange[] },
    options?: { cause?: unknown },
  ) {
    const miss = fields.missing.map(formatRange).join(', ') || 'none';
    super('ERR_INCOMPLETE_RANGE', `${reason}. Missing: ${miss}. Fetch the missing range(s) again.`, options);
    this.requested = fields.requested;
    this.covered = fields.covered;
    this.missing = fields.missing;
  }
}

/** The operation was aborted through its `AbortSignal`. `cause` holds the signal's reason. */
export class AbortError extends TickwireError {
  override readonly name = 'AbortError' as const;

  constructor(message = 'The operation was aborted.', options?: { cause?: unknown }) {
    super('ERR_ABORTED', message, options);
  }
}

/** A resource was used after it was closed. */
export class ClosedError extends TickwireError {
  override readonly name = 'ClosedError' as const;

  constructor(what: string) {
    super('ERR_CLOSED', `${what} is closed; create or acquire a new one.`);
  }
}

/** A reconnecting feed gave up after its maximum number of attempts. */
export class ReconnectExhaustedError extends TickwireError {
  override readonly name = 'ReconnectExhaustedError' as const;
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(url: string, attempts: number, options?: { cause?: unknown }) {
    super(
      'ERR_RECONNECT_EXHAUSTED',
      `Gave up on ${redactUrl(url)} after ${attempts} connection attempts; raise maxReconnectAttempts or check the server.`,
      options,
    );
    this.attempts = attempts;
  }
}

/**
 * A live order book could not be (re)built: `attempts` sync attempts in a row failed, the last for
 * `reason`, each after a backoff wait, without the book staying valid for the stable period in between.
 * The stream ends with it instead of resubscribing forever (a flood that ends in a rate-limit ban).
 */
export class BookResyncExhaustedError extends TickwireError {
  override readonly name = 'BookResyncExhaustedError' as const;
  /** The exchange id, e.g. `kraken`. */
  readonly exchange: string;
  /** The unified symbol, e.g. `BTC/USD`. */
  readonly symbol: string;
  /** Why the last attempt failed (a `ResyncReason`, e.g. `checksum-mismatch`, `sequence-gap`, `stale-snapshot`). */
  readonly reason: string;
  /** Failed attempts in a row. */
  readonly attempts: number;
  /** What exactly broke on the last attempt (ids, checksums). */
  readonly detail: string;
  /** True when the book never became valid since the stream started. */
  readonly neverValid: boolean;

  constructor(fields: {
    exchange: string;
    symbol: string;
    reason: string;
    attempts: number;
    detail: string;
    neverValid: boolean;
  }) {
    super(
      'ERR_RESYNC_EXHAUSTED',
      `The ${fields.exchange} ${fields.symbol} order book ${fields.neverValid ? 'never became valid' : 'could not be resynced'}: ${fields.attempts} sync attempts in a row failed (last: ${fields.reason}: ${fields.detail}). Check the connection or proxy (a re-serialized number breaks checksums), or raise resync.maxAttempts.`,
    );
    this.exchange = fields.exchange;
    this.symbol = fields.symbol;
    this.reason = fields.reason;
    this.attempts = fields.attempts;
    this.detail = fields.detail;
    this.neverValid = fields.neverValid;
  }
}

/** An exchange id that no adapter (or rate limit) is registered for. */
export class UnknownExchangeError extends TickwireError {
  override readonly name = 'UnknownExchangeError' as const;
  /** The id that was asked for. */
  readonly exchange: string;
  /** The ids that are known. */
  readonly known: readonly string[];

  constructor(exchange: string, known: readonly string[]) {
    super(
      'ERR_UNKNOWN_EXCHANGE',
      `Unknown exchange ${JSON.stringify(exchange)}; known: ${known.join(', ')}.`,
    );
    this.exchange = exchange;
    this.known = known;
  }
}

/** A symbol the exchange does not list. */
export class UnknownSymbolError extends TickwireError {
  override readonly name = 'UnknownSymbolError' as const;
  /** The exchange id. */
  readonly exchange: string;
  /** The symbol as given. */
  readonly symbol: string;
  /** Near matches, best first. */
  readonly suggestions: readonly string[];

  constructor(exchange: string, symbol: string, suggestions: readonly string[] = []) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.slice(0, 5).join(', ')}?` : '';
    super('ERR_UNKNOWN_SYMBOL', `Unknown symbol ${JSON.stringify(symbol)} on ${exchange}.${hint}`);
    this.exchange = exchange;
    this.symbol = symbol;
    this.suggestions = suggestions;
  }
}

/** A candle span the exchange does not offer. */
export class UnsupportedSpanError extends TickwireError {
  override readonly name = 'UnsupportedSpanError' as const;
  /** The exchange id. */
  readonly exchange: string;
  /** The span asked for, in seconds. */
  readonly span: number;
  /** Supported spans, in seconds. */
  readonly supported: readonly number[];

  constructor(exchange: string, span: number, supported: readonly number[]) {
    super(
      'ERR_UNSUPPORTED_SPAN',
      `Span ${span}s is not offered by ${exchange}; supported spans (s): ${supported.join(', ')}.`,
    );
    this.exchange = exchange;
    this.span = span;
    this.supported = supported;
  }
}

/** A time range the exchange cannot serve (e.g. Kraken candles older than its latest 720). */
export class UnsupportedRangeError extends TickwireError {
  override readonly name = 'UnsupportedRangeError' as const;
  /** The range that cannot be served. */
  readonly range: NsRange;

  constructor(message: string, range: NsRange) {
    super('ERR_UNSUPPORTED_RANGE', message);
    this.range = range;
  }
}

/** A data kind the exchange does not serve (over REST, or at all). */
export class UnsupportedKindError extends TickwireError {
  override readonly name = 'UnsupportedKindError' as const;
  /** The exchange id. */
  readonly exchange: string;
  /** The kind asked for. */
  readonly kind: string;
  /** The kinds this exchange serves. */
  readonly supported: readonly string[];

  constructor(exchange: string, kind: string, supported: readonly string[], hint?: string) {
    super(
      'ERR_UNSUPPORTED_KIND',
      `${exchange} does not serve ${kind}${hint ? ` (${hint})` : ''}; it serves: ${supported.join(', ')}.`,
    );
    this.exchange = exchange;
    this.kind = kind;
    this.supported = supported;
  }
}

/** An error answer from the exchange that has no more specific class. */
export class ExchangeError extends TickwireError {
  override readonly name = 'ExchangeError' as const;
  /** The exchange id. */
  readonly exchange: string;
  /** The exchange's own error code or message, e.g. `-1121` or `EQuery:Unknown asset pair`. */
  readonly exchangeCode: string;

  constructor(exchange: string, exchangeCode: string, message: string, options?: { cause?: unknown }) {
    super('ERR_EXCHANGE', message, options);
    this.exchange = exchange;
    this.exchangeCode = exchangeCode;
  }
}

/** A shared (e.g. Redis-backed) rate limiter cannot reach its store and its policy is to fail. */
export class LimiterUnavailableError extends TickwireError {
  override readonly name = 'LimiterUnavailableError' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_LIMITER_UNAVAILABLE', message, options);
  }
}

/** The last record a database sink committed: its time and key (the kind's `key()`, e.g. a trade id). */
export type CommittedRecord = {
  /** Time of the record, epoch ns. */
  tsNs: bigint;
  /** The record's key within its exchange and symbol (trade id; for time-keyed kinds its time). */
  key: string;
};

/**
 * A PostgreSQL sink could not connect, create its table, or commit a batch (the server went away, a
 * permission or disk error). Everything up to {@link PostgresSinkError.lastCommitted} is in the table;
 * nothing after it is (the failed batch's transaction was rolled back). Rerunning resumes from the table.
 */
export class PostgresSinkError extends TickwireError {
  override readonly name = 'PostgresSinkError' as const;
  /** The database URL with its password redacted. */
  readonly target: string;
  /** The table (`schema.table`). */
  readonly table: string;
  /** The last record committed by this sink, or `undefined` when it committed none. */
  readonly lastCommitted: CommittedRecord | undefined;
  /** Rows this sink committed before the failure. */
  readonly committedRows: number;
  /** PostgreSQL's SQLSTATE of the failure (`57P01` admin shutdown, `28P01` bad password...), if any. */
  readonly sqlState: string | undefined;

  constructor(
    detail: string,
    fields: {
      target: string;
      table: string;
      lastCommitted?: CommittedRecord;
      committedRows?: number;
      sqlState?: string;
    },
    options?: { cause?: unknown },
  ) {
    const last = fields.lastCommitted;
    const committed =
      last === undefined
        ? 'nothing from this run was committed'
        : `committed up to ${isoOrRaw(last.tsNs)} (key ${last.key}, ${fields.committedRows ?? 0} rows this run); nothing after it is in the table`;
    super(
      'ERR_POSTGRES',
      `PostgreSQL ${fields.target} (${fields.table}): ${detail}; ${committed}. Rerun to resume.`,
      options,
    );
    this.target = fields.target;
    this.table = fields.table;
    this.lastCommitted = last;
    this.committedRows = fields.committedRows ?? 0;
    this.sqlState = fields.sqlState;
  }
}

/** True when `error` is a {@link TickwireError}, optionally with the given code. */
export function isTickwireError(error: unknown, code?: ErrorCode): error is TickwireError {
  return error instanceof TickwireError && (code === undefined || error.code === code);
}

const SECRET_PARAM =
  /^(api[-_]?key|apikey|key|secret|signature|sig|token|access[-_]?token|auth|authorization|passphrase|password)$/i;

/**
 * Returns `url` with the values of secret-looking query parameters (apiKey, signature, token, ...)
 * and any userinfo replaced by `REDACTED`. Safe to put in logs and error messages.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = 'REDACTED';
      parsed.password = '';
    }
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, 'REDACTED');
    }
    return parsed.toString();
  } catch {
    return url.replace(
      /([?&](?:api[-_]?key|key|secret|signature|sig|token|auth|passphrase)=)[^&#]*/gi,
      '$1REDACTED',
    );
  }
}

/** Formats a nanosecond range as ISO times, for messages. */
export function formatRange(range: NsRange): string {
  return `[${isoOrRaw(range.startNs)}, ${isoOrRaw(range.endNs)})`;
}

function isoOrRaw(ns: bigint): string {
  const ms = ns / 1_000_000n;
  if (ms < -8_640_000_000_000_000n || ms > 8_640_000_000_000_000n) return `${ns}ns`;
  return new Date(Number(ms)).toISOString();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'string') return `${JSON.stringify(truncate(value, 100))} (string)`;
  if (typeof value === 'number') return `${value} (number)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}
