/**
 * The contract between the server and one exchange dialect. A dialect is a pure function of the
 * request (and the market and limiter state): it returns status, headers and body text; the server
 * owns sockets, latency and faults. A WebSocket dialect will sit beside it on the same model.
 *
 * @module
 */
import type { WindowUsage } from '../limits.js';
import type { MarketModel } from '../market/model.js';

/** One parsed HTTP request. */
export type SimRequest = {
  method: string;
  /** Path without the query string, e.g. `/api/v3/klines`. */
  path: string;
  query: URLSearchParams;
  /** Wall clock for rate limits, ms (independent of the market clock). */
  nowMs: number;
  /** The client's address (rate limits are per IP). @default '' */
  ip?: string;
};

/** One response. */
export type SimResponse = {
  status: number;
  headers?: Record<string, string>;
  /** JSON text, or its bytes (UTF-8) for large pages written straight into a buffer. */
  body: string | Uint8Array;
};

/** Rate-limit settings resolved from `SimulatorOptions.rateLimits`. */
export type LimitSettings = {
  enabled: boolean;
  /** Multiplies every allowed rate (shrinks windows, speeds refills). */
  scale: number;
  /** Binance: weight allowed per window instead of the real 6000. */
  weightPerWindow?: number;
};

/** What every dialect is built from. */
export type DialectContext = {
  model: MarketModel;
  limits: LimitSettings;
  /** Wall clock, ms, at construction. */
  nowMs: number;
};

/** One exchange's REST dialect. */
export type Dialect = {
  /** Answers one request. */
  handle(req: SimRequest): SimResponse;
  /** Fixed-window exchanges: what each client IP had counted per window so far. */
  windowUsage?(): WindowUsage[];
  /** The exchange's answer for an injected 5xx. */
  serverError(status: number): SimResponse;
};

/** A JSON response. */
export function json(
  status: number,
  body: string | Uint8Array,
  headers?: Record<string, string>,
): SimResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** Parses a strict decimal integer parameter; undefined when absent, NaN when malformed. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d{1,20}$/.test(v)) return Number.NaN;
  return Number(v);
}
