/**
 * What every adapter shares: the REST transport it calls through, the market list fetched once and
 * cached, and the exchange's clock.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { Capability, OHLCBar, Trade } from '../core/records.js';
import type { RateSpec } from '../transport/rate-limit/types.js';
import type { ExchangeAdapter, ExchangeId, KindSources, PageOptions, TradeCursor } from './adapter.js';
import { type Market, MarketIndex } from './symbols.js';

/** Query parameters; `undefined` values are left out. */
export type RestParams = Readonly<Record<string, string | number | undefined>>;

/** Options of one REST call. */
export type RestCallOptions = {
  /** Aborts the call and any wait for the limiter. */
  signal?: AbortSignal;
  /** Rate-limit cost (request weight). @default 1 */
  cost?: number;
  /** Charge this limiter key instead of the exchange's (an endpoint with its own budget). @default the exchange */
  limiterKey?: string;
};

/**
 * The one call adapters make: a GET returning parsed JSON, with retries, rate limiting and error
 * classification done underneath (the shared `HttpClient` satisfies it).
 */
export interface RestTransport {
  /** GETs `url` with `params` and returns the parsed JSON body; throws `HTTPError` for a failing status. */
  get<T>(url: string, params?: RestParams, options?: RestCallOptions): Promise<T>;
}

/** Releases what an adapter holds (its HTTP lease, its private limiter). */
export type Release = () => void | Promise<void>;

/**
 * The parts of {@link ExchangeAdapter} every exchange implements the same way: symbol resolution over
 * a cached market list and closing.
 */
export abstract class BaseAdapter implements ExchangeAdapter {
  abstract readonly id: ExchangeId;
  abstract readonly ohlcCapability: Capability;
  abstract readonly tradesCapability: Capability;
  readonly ohlcHistoryBars: number | undefined = undefined;
  /** The already scaled rates this adapter acquires against. */
  readonly rates: RateSpec;
  /** The REST base URL, without a trailing slash. */
  protected readonly baseUrl: string;
  /** The transport every call goes through. */
  protected readonly http: RestTransport;
  #markets: Promise<MarketIndex> | undefined;
  #loaded: MarketIndex | undefined;
  #sources: KindSources | undefined;
  #release: Release | undefined;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.http = http;
    this.rates = rates;
    this.#release = release;
  }

  /**
   * `ohlc` and `trades` from {@link fetchOhlcPage} and {@link fetchTradesPage}, plus
   * {@link extraSources}. Built once, on first use.
   */
  get sources(): KindSources {
    if (!this.#sources) {
      this.#sources = {
        ohlc: {
          paging: 'window',
          capability: this.ohlcCapability,
          fetchPage: (id, s, e, limit, ctx) => this.fetchOhlcPage(id, ctx.span ?? 0, s, e, limit, ctx),
        },
        trades: {
          paging: 'cursor',
          capability: this.tradesCapability,
          fetchPage: (id, s, e, limit, cursor, ctx) => this.fetchTradesPage(id, s, e, limit, cursor, ctx),
        },
        ...this.extraSources(),
      };
    }
    return this.#sources;
  }

  /** The history kinds beyond candles and trades (derivatives adapters override it). @default {} */
  protected extraSources(): KindSources {
    return {};
  }

  /** Fetches and parses the exchange's market list (called once; the result is cached). */
  protected abstract loadMarkets(options?: PageOptions): Promise<Market[]>;

  /** The exchange's markets, fetched once; a failed fetch is retried on the next call. */
  markets(options?: PageOptions): Promise<MarketIndex> {
    if (!this.#markets) {
      const loading = this.loadMarkets(options).then((list) => {
        const index = new MarketIndex(this.id, list);
        this.#loaded = index;
        return index;
      });
      this.#markets = loading;
      loading.catch(() => {
        if (this.#markets === loading) this.#markets = undefined;
      });
    }
    return this.#markets;
  }

  /** The market `symbol` names when the market list has already been loaded (no request), else `undefined`. */
  knownMarket(symbol: string): Market | undefined {
    return this.#loaded?.find(symbol);
  }

  async resolveSymbol(symbol: string, options?: PageOptions): Promise<Market> {
    const known = options?.market;
    if (known !== undefined) {
      if (typeof known !== 'object' || known === null || typeof known.id !== 'string') {
        throw new ValidationError('options.market', known, 'a Market (an object with a string id)');
      }
      if (known.id === symbol) return known;
    }
    return (await this.markets(options)).resolve(symbol);
  }

  abstract serverTimeNs(options?: PageOptions): Promise<bigint>;

  abstract fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]>;

  abstract fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]>;

  async close(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await release?.();
  }

  /** A full URL for `path` under the base URL. */
  protected url(path: string): string {
    return `${this.baseUrl}${path}`;
  }
}

/** Keeps the bars with open time in `[startNs, endNs]`. */
export function inWindow<T extends { tsNs: bigint }>(items: T[], startNs: bigint, endNs: bigint): T[] {
  return items.filter((b) => b.tsNs >= startNs && b.tsNs <= endNs);
}

/** Epoch ns → epoch ms, rounded up (the first ms at or after `ns`). */
export function ceilMs(ns: bigint): number {
  const ms = ns / 1_000_000n;
  return Number(ns % 1_000_000n > 0n ? ms + 1n : ms);
}

/** Epoch ns → epoch ms, rounded down. */
export function floorMs(ns: bigint): number {
  const ms = ns / 1_000_000n;
  return Number(ns % 1_000_000n < 0n ? ms - 1n : ms);
}
