/**
 * Wires an adapter to the transport: resolves its rates (documented, scaled, or replaced), picks the
 * limiter (the caller's, or one shared per exchange and rates), and leases the shared HTTP client for
 * that exchange, base URL and limiter.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import {
  type HttpClientOptions,
  type HttpResponse,
  httpClients,
  type ResponseVerdict,
} from '../transport/http/index.js';
import { RateLimiter } from '../transport/rate-limit/limiter.js';
import type { Limiter, RateLimit, RateSpec, ReportedUsage } from '../transport/rate-limit/types.js';
import type { AdapterOptions, ExchangeId } from './adapter.js';
import type { Release, RestTransport } from './base.js';
import { scaleLimit } from './values.js';

/** What an adapter needs to exist: its base URL, rates, transport and how to let go of it. */
export type Connection = {
  baseUrl: string;
  rates: RateSpec;
  transport: RestTransport;
  release: Release;
};

/** The rates an adapter runs at: `options.rates`, else the documented ones times `options.rateScale`. */
export function resolveRates(documented: RateLimit, options: AdapterOptions): RateSpec {
  if (options.rates !== undefined) return options.rates;
  const scale = options.rateScale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new ValidationError('options.rateScale', scale, 'a positive, finite number');
  }
  return scaleLimit(documented, scale);
}

const sharedLimiters = new Map<string, RateLimiter>();
const limiterIds = new WeakMap<Limiter, number>();
let nextLimiterId = 1;

/** One in-process limiter per exchange and rates, shared by every adapter that does not bring its own. */
function sharedLimiter(
  exchange: ExchangeId,
  rates: RateSpec,
  budgets: Readonly<Record<string, RateSpec>> = {},
): Limiter {
  const key = `${exchange} ${JSON.stringify(rates)} ${JSON.stringify(budgets)}`;
  let limiter = sharedLimiters.get(key);
  if (!limiter) {
    limiter = new RateLimiter({ ...budgets, [exchange]: rates });
    sharedLimiters.set(key, limiter);
  }
  return limiter;
}

const callbackIds = new WeakMap<object, number>();

function callbackId(fn: object): number {
  let id = callbackIds.get(fn);
  if (id === undefined) {
    id = nextLimiterId++;
    callbackIds.set(fn, id);
  }
  return id;
}

function limiterId(limiter: Limiter): number {
  let id = limiterIds.get(limiter);
  if (id === undefined) {
    id = nextLimiterId++;
    limiterIds.set(limiter, id);
  }
  return id;
}

/** Reads the usage an exchange reports in its response headers, for the limiter (see `HttpClientOptions.usage`). */
export type UsageReader = (headers: Readonly<Record<string, string>>) => readonly ReportedUsage[] | undefined;

/**
 * Leases the shared HTTP client for `exchange` at `baseUrl` with the chosen limiter. Two adapters with
 * the same exchange, base URL, limiter and HTTP options share one client (and one connection pool).
 * `usage`, when the exchange reports its count on every response (Binance's `X-MBX-USED-WEIGHT-1M`),
 * feeds that count to the limiter after every response.
 */
export function connect(
  exchange: ExchangeId,
  defaultBaseUrl: string,
  documented: RateLimit,
  options: AdapterOptions,
  inspect?: (response: HttpResponse) => ResponseVerdict | undefined,
  usage?: UsageReader,
  budgets: Readonly<Record<string, RateLimit>> = {},
): Connection {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', options, 'an object');
  const baseUrl = options.baseUrl ?? defaultBaseUrl;
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ValidationError('options.baseUrl', baseUrl, 'an http(s) URL such as "http://127.0.0.1:8080"');
  }
  const rates = resolveRates(documented, options);
  // Endpoints with budgets of their own (limiter keys besides the exchange's), scaled like the rates.
  const scaledBudgets: Record<string, RateSpec> = {};
  for (const [name, limit] of Object.entries(budgets)) {
    scaledBudgets[name] = scaleLimit(limit, options.rateScale ?? 1);
  }
  const limiter = options.limiter ?? sharedLimiter(exchange, rates, scaledBudgets);
  const http = options.http ?? {};
  const clientOptions: HttpClientOptions = {
    ...(http.maxRetries === undefined ? {} : { maxRetries: http.maxRetries }),
    ...(http.backoffBase === undefined ? {} : { backoffBase: http.backoffBase }),
    ...(http.timeout === undefined ? {} : { timeout: http.timeout }),
    ...(http.maxRetryAfter === undefined ? {} : { maxRetryAfter: http.maxRetryAfter }),
    ...(http.onRetry === undefined ? {} : { onRetry: http.onRetry }),
    ...(http.localAddress === undefined ? {} : { localAddress: http.localAddress }),
    headers: { 'user-agent': 'tickwire', ...(http.headers ?? {}) },
    limiter,
    exchange,
    ...(inspect ? { inspect } : {}),
    ...(usage ? { usage } : {}),
  };
  const httpKey = JSON.stringify({
    ...http,
    headers: Object.keys(http.headers ?? {}).sort(),
    // A callback is part of the client: adapters with different ones must not share it.
    onRetry: http.onRetry === undefined ? undefined : callbackId(http.onRetry),
  });
  const lease = httpClients.acquire(
    `adapter ${exchange} ${baseUrl} limiter#${limiterId(limiter)} ${httpKey}`,
    clientOptions,
  );
  const transport: RestTransport = {
    get: <T>(
      url: string,
      params?: Readonly<Record<string, string | number | undefined>>,
      o?: { signal?: AbortSignal; cost?: number; limiterKey?: string },
    ) => lease.client.get<T>(url, { ...params }, o),
  };
  return { baseUrl, rates, transport, release: () => lease.release() };
}
