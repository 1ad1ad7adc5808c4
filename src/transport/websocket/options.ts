/**
 * Options of a reconnecting WebSocket feed: one type, each option with its default, resolved and
 * validated once in the constructor.
 *
 * @module
 */
import { type ProtocolError, ValidationError } from '../../core/errors.js';
import {
  assertNonNegativeNumber,
  assertPositiveInt,
  assertPositiveNumber,
  assertSignal,
} from '../../core/validate.js';

/** What the feed reports before it waits to reconnect (see `onReconnectScheduled`). */
export type ReconnectScheduled = {
  /** The endpoint (secrets redacted). */
  readonly url: string;
  /** Failed attempts in a row so far (1 after the first failure); the next attempt is number `failures + 1`. */
  readonly failures: number;
  /** The wait chosen, ms (uniform below `ceilingMs`). */
  readonly delayMs: number;
  /** The backoff ceiling for this failure count, ms. */
  readonly ceilingMs: number;
  /** What ended the last attempt (an `Error` from `ws`, or undefined for a clean remote close). */
  readonly error: unknown;
};

/** Options of `WebSocketBase`. Every field is optional. */
export type WebSocketOptions = {
  /** Largest accepted message, bytes; a bigger one closes the connection with 1009 (then reconnects). @default 16 * 1024 * 1024 */
  maxPayload?: number;
  /** Time allowed for the TCP connect + HTTP upgrade, ms. A server that never answers counts as a failed attempt. @default 10_000 */
  handshakeTimeoutMs?: number;
  /** Extra HTTP headers on the upgrade request (never logged or put in errors). @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Negotiate permessage-deflate. Off: it costs CPU per frame and most market feeds do not need it. @default false */
  perMessageDeflate?: boolean;
  /** Send a ping (see `sendHeartbeat`) this often, ms; 0 disables pings. @default 10_000 */
  pingIntervalMs?: number;
  /**
   * A connection on which nothing at all (data, ping or pong) arrived for this long is dead: it is
   * terminated and reconnected. 0 disables the check (not recommended: a half-open TCP connection
   * then hangs the stream). Suspended while the consumer's backpressure has paused the socket.
   * @default 30_000
   */
  idleTimeoutMs?: number;
  /** Backoff ceiling of the first reconnect, ms (waits are uniform below the ceiling: full jitter). @default 500 */
  initialDelayMs?: number;
  /** Largest backoff ceiling, ms. @default 30_000 */
  maxDelayMs?: number;
  /** Growth of the backoff ceiling per failed attempt in a row (≥ 1). @default 2 */
  factor?: number;
  /**
   * A connection must stay open this long, ms, before the failure count (and thus the backoff) starts
   * again; a server that accepts and drops at once keeps meeting growing delays.
   * @default 10_000
   */
  stableAfterMs?: number;
  /**
   * Failed attempts in a row allowed before the stream throws `ReconnectExhaustedError` (0: never
   * reconnect; the count restarts after a stable connection).
   * @default Infinity
   */
  maxReconnectAttempts?: number;
  /**
   * Frames buffered for a slow consumer before the socket is paused (`ws.pause()`); reading resumes
   * once half have been consumed. Pausing fills the TCP window; an exchange may then drop the client,
   * which shows up as a `disconnected`/`reconnected` pair, never as silent loss inside the client.
   * @default 1024
   */
  maxBufferedFrames?: number;
  /**
   * What to do when `parseMessage` throws: `'skip'` drops the rest of that frame, yields a
   * `parse-error` event and calls `onParseError`; `'fail'` ends the stream with the `ProtocolError`.
   * @default 'skip'
   */
  parseErrors?: 'skip' | 'fail';
  /** Called for each frame `parseMessage` could not parse (with `parseErrors: 'skip'`). @default undefined */
  onParseError?: (error: ProtocolError, raw: string | Buffer) => void;
  /** Called before each backoff wait, e.g. to log or to meter reconnects; if it throws, the stream ends with that error. @default undefined */
  onReconnectScheduled?: (info: ReconnectScheduled) => void;
  /** Aborting it stops every stream of the feed, like `stop()`: the iterator completes. @default undefined */
  signal?: AbortSignal;
};

/** {@link WebSocketOptions} with every default filled in. */
export type ResolvedWebSocketOptions = Required<
  Omit<WebSocketOptions, 'onParseError' | 'onReconnectScheduled' | 'signal'>
> &
  Pick<WebSocketOptions, 'onParseError' | 'onReconnectScheduled' | 'signal'>;

/** The defaults, as documented on {@link WebSocketOptions}. */
export const WEBSOCKET_DEFAULTS = {
  maxPayload: 16 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  headers: {},
  perMessageDeflate: false,
  pingIntervalMs: 10_000,
  idleTimeoutMs: 30_000,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  stableAfterMs: 10_000,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  maxBufferedFrames: 1024,
  parseErrors: 'skip',
} as const satisfies Required<Omit<WebSocketOptions, 'onParseError' | 'onReconnectScheduled' | 'signal'>>;

/** Fills in defaults and validates; throws {@link ValidationError} naming the option. */
export function resolveWebSocketOptions(options: WebSocketOptions = {}): ResolvedWebSocketOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', options, 'an object of WebSocketOptions');
  }
  const o = { ...WEBSOCKET_DEFAULTS, ...stripUndefined(options) } as ResolvedWebSocketOptions;
  assertPositiveInt('options.maxPayload', o.maxPayload);
  assertPositiveNumber('options.handshakeTimeoutMs', o.handshakeTimeoutMs);
  if (typeof o.headers !== 'object' || o.headers === null || Array.isArray(o.headers)) {
    throw new ValidationError('options.headers', o.headers, 'an object of header names to string values');
  }
  for (const [name, value] of Object.entries(o.headers)) {
    // The value may be a secret: never echo it.
    if (typeof value !== 'string') {
      throw new ValidationError(`options.headers[${JSON.stringify(name)}]`, typeof value, 'a string');
    }
  }
  if (typeof o.perMessageDeflate !== 'boolean') {
    throw new ValidationError('options.perMessageDeflate', o.perMessageDeflate, 'a boolean');
  }
  assertNonNegativeNumber('options.pingIntervalMs', o.pingIntervalMs);
  assertNonNegativeNumber('options.idleTimeoutMs', o.idleTimeoutMs);
  assertNonNegativeNumber('options.initialDelayMs', o.initialDelayMs);
  assertNonNegativeNumber('options.maxDelayMs', o.maxDelayMs);
  if (o.maxDelayMs < o.initialDelayMs) {
    throw new ValidationError(
      'options.maxDelayMs',
      o.maxDelayMs,
      `a number ≥ initialDelayMs (${o.initialDelayMs})`,
    );
  }
  if (typeof o.factor !== 'number' || !Number.isFinite(o.factor) || o.factor < 1) {
    throw new ValidationError('options.factor', o.factor, 'a finite number ≥ 1');
  }
  assertNonNegativeNumber('options.stableAfterMs', o.stableAfterMs);
  const max = o.maxReconnectAttempts;
  if (typeof max !== 'number' || !(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 0))) {
    throw new ValidationError('options.maxReconnectAttempts', max, 'an integer ≥ 0 or Infinity');
  }
  assertPositiveInt('options.maxBufferedFrames', o.maxBufferedFrames);
  if (o.parseErrors !== 'skip' && o.parseErrors !== 'fail') {
    throw new ValidationError('options.parseErrors', o.parseErrors, "'skip' or 'fail'");
  }
  for (const name of ['onParseError', 'onReconnectScheduled'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') {
      throw new ValidationError(`options.${name}`, o[name], 'a function');
    }
  }
  assertSignal('options.signal', o.signal);
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
