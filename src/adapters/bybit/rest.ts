/**
 * Bybit v5 market data over REST, one adapter per category: `bybit` (spot) and `bybit-linear` (USDT/USDC
 * perpetuals). Every history endpoint answers newest first with both ends inclusive; windows are
 * reversed in `windows.ts`. Trades have no REST history at all: `recent-trade` returns the newest 1000
 * (60 on spot), so the trades source declares how far back that reaches right now (`reach`) and refuses
 * anything older.
 *
 * @module
 */
import { ProtocolError, UnsupportedRangeError, UnsupportedSpanError } from '../../core/errors.js';
import type { Capability, FundingRate, OHLCBar, OpenInterest, PriceBar, Trade } from '../../core/records.js';
import { formatIsoNs, NS_PER_S } from '../../core/time.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { KindSources, PageOptions, SourceReach, TradeCursor } from '../adapter.js';
import { BaseAdapter, ceilMs, floorMs, type Release, type RestParams, type RestTransport } from '../base.js';
import type { Market } from '../symbols.js';
import {
  BYBIT_FUNDING_CAPABILITY,
  BYBIT_INSTRUMENTS_PAGE,
  BYBIT_KLINE_CAPABILITY,
  BYBIT_LINEAR_TRADES_CAPABILITY,
  BYBIT_MAX_INSTRUMENT_PAGES,
  BYBIT_MIN_FUNDING_INTERVAL_S,
  BYBIT_OI_CAPABILITY,
  BYBIT_SPOT_TRADES_CAPABILITY,
  type BybitCategory,
  bybitInterval,
  bybitOiInterval,
} from './capabilities.js';
import { bybitResult, type ErrorContext, mapBybitError } from './errors.js';
import {
  parseBybitFunding,
  parseBybitKlines,
  parseBybitOpenInterest,
  parseBybitPriceKlines,
  parseBybitRecentTrades,
  parseBybitTime,
} from './parse.js';
import { parseBybitInstruments } from './symbols.js';
import { oldestByCursor, oldestFirst } from './windows.js';

/** The real Bybit REST base. */
export const BYBIT_BASE_URL = 'https://api.bybit.com';

/** Which price a mark/index/premium kline source reads. */
type PricePath = 'mark-price-kline' | 'index-price-kline' | 'premium-index-price-kline';

/** Internal settings (tests shrink the instrument page to walk the cursor). */
export type BybitAdapterSettings = {
  /** Instruments per page on linear. @default 1000 */
  instrumentsPage?: number;
};

const MS = 1_000_000n;

/** Bybit over REST for one category. */
export class BybitAdapter extends BaseAdapter {
  readonly id: 'bybit' | 'bybit-linear';
  /** The v5 `category` every request names. */
  readonly category: BybitCategory;
  readonly ohlcCapability = BYBIT_KLINE_CAPABILITY;
  readonly tradesCapability: Capability;
  readonly #instrumentsPage: number;
  #kindSources: KindSources | undefined;

  constructor(
    category: BybitCategory,
    baseUrl: string,
    http: RestTransport,
    rates: RateSpec,
    release?: Release,
    settings: BybitAdapterSettings = {},
  ) {
    super(baseUrl, http, rates, release);
    this.category = category;
    this.id = category === 'spot' ? 'bybit' : 'bybit-linear';
    this.tradesCapability =
      category === 'spot' ? BYBIT_SPOT_TRADES_CAPABILITY : BYBIT_LINEAR_TRADES_CAPABILITY;
    this.#instrumentsPage = settings.instrumentsPage ?? BYBIT_INSTRUMENTS_PAGE;
  }

  /** GETs `/v5/market/<path>` with the category and returns the envelope's `result`. */
  async #get(path: string, params: RestParams, ctx: Omit<ErrorContext, 'exchange'>, options?: PageOptions) {
    const context: ErrorContext = { exchange: this.id, ...ctx };
    let body: unknown;
    try {
      body = await this.http.get<unknown>(
        this.url(`/v5/market/${path}`),
        { category: this.category, ...params },
        { cost: 1, signal: options?.signal },
      );
    } catch (error) {
      throw mapBybitError(error, context);
    }
    return bybitResult(body, context);
  }

  /** Instruments, following `nextPageCursor` (linear has several hundred; spot ignores paging). */
  protected async loadMarkets(options?: PageOptions): Promise<Market[]> {
    const out: Market[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < BYBIT_MAX_INSTRUMENT_PAGES; page++) {
      const params: RestParams =
        this.category === 'spot' ? {} : { limit: this.#instrumentsPage, ...(cursor ? { cursor } : {}) };
      const result = await this.#get('instruments-info', params, {}, options);
      const p = parseBybitInstruments(result, this.category);
      out.push(...p.markets);
      if (p.cursor === undefined || this.category === 'spot') return out;
      if (seen.has(p.cursor)) break;
      seen.add(p.cursor);
      cursor = p.cursor;
    }
    throw new ProtocolError(
      `Bybit's ${this.category} instrument list did not end within ${BYBIT_MAX_INSTRUMENT_PAGES} pages (or repeated a cursor)`,
    );
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    return parseBybitTime(await this.#get('time', {}, {}, options));
  }

  #interval(span: number): string {
    const interval = bybitInterval(span);
    if (!interval) throw new UnsupportedSpanError(this.id, span, BYBIT_KLINE_CAPABILITY.spans ?? []);
    return interval;
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    return this.#bars('kline', parseBybitKlines, symbol, span, startNs, endNs, limit, options);
  }

  /** Mark, index or premium-index bars of `span`, oldest first inside the window. */
  #priceBars(
    path: PricePath,
    marketId: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<PriceBar[]> {
    return this.#bars(path, parseBybitPriceKlines, marketId, span, startNs, endNs, limit, options);
  }

  /** Bars of `span` from a kline-shaped endpoint (`kline`, `mark-price-kline`, ...), oldest first. */
  async #bars<B extends { tsNs: bigint }>(
    path: 'kline' | PricePath,
    parse: (result: Record<string, unknown>) => B[],
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<B[]> {
    const interval = this.#interval(span);
    const market = await this.resolveSymbol(symbol, options);
    const cap = BYBIT_KLINE_CAPABILITY.maxPerRequest;
    return oldestFirst(
      async (from, to) =>
        parse(
          await this.#get(
            path,
            { symbol: market.id, interval, start: ceilMs(from), end: floorMs(to), limit: cap },
            { symbol, span },
            options,
          ),
        ),
      startNs,
      endNs,
      limit,
      BigInt(span) * NS_PER_S,
      cap,
    );
  }

  async #funding(
    marketId: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<FundingRate[]> {
    const market = await this.resolveSymbol(marketId, options);
    const cap = BYBIT_FUNDING_CAPABILITY.maxPerRequest;
    // `endTime` is required whenever `startTime` is sent: both always go out.
    return oldestFirst(
      async (from, to) =>
        parseBybitFunding(
          await this.#get(
            'funding/history',
            { symbol: market.id, startTime: ceilMs(from), endTime: floorMs(to), limit: cap },
            { symbol: marketId },
            options,
          ),
        ),
      startNs,
      endNs,
      limit,
      BigInt(BYBIT_MIN_FUNDING_INTERVAL_S) * NS_PER_S,
      cap,
    );
  }

  async #openInterest(
    marketId: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OpenInterest[]> {
    const intervalTime = bybitOiInterval(span);
    if (!intervalTime) throw new UnsupportedSpanError(this.id, span, BYBIT_OI_CAPABILITY.spans ?? []);
    const market = await this.resolveSymbol(marketId, options);
    const pageSize = Math.min(limit, BYBIT_OI_CAPABILITY.maxPerRequest);
    const samples = Number((endNs - startNs) / (BigInt(span) * NS_PER_S)) + 1;
    return oldestByCursor(
      async (cursor) =>
        parseBybitOpenInterest(
          await this.#get(
            'open-interest',
            {
              symbol: market.id,
              intervalTime,
              startTime: ceilMs(startNs),
              endTime: floorMs(endNs),
              limit: pageSize,
              ...(cursor === undefined ? {} : { cursor }),
            },
            { symbol: marketId, span },
            options,
          ),
        ),
      startNs,
      endNs,
      limit,
      Math.ceil(samples / pageSize) + 2,
    );
  }

  /** The newest trades `recent-trade` returns (its cap), ascending by time. */
  async #recentTrades(marketId: string, options?: PageOptions): Promise<Trade[]> {
    const market = await this.resolveSymbol(marketId, options);
    const rows = parseBybitRecentTrades(
      await this.#get(
        'recent-trade',
        { symbol: market.id, limit: this.tradesCapability.maxPerRequest },
        { symbol: marketId },
        options,
      ),
    );
    // Newest first on the wire; a stable sort keeps the order of trades in one ms.
    return rows.reverse().sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  }

  /**
   * How far back the newest trades reach: when `recent-trade` comes back full, trades in the oldest ms
   * it shows may continue beyond it, so the reach starts one ms later; a short answer is the symbol's
   * whole history.
   */
  #reachOf(trades: readonly Trade[], marketId: string): SourceReach {
    const cap = this.tradesCapability.maxPerRequest;
    const oldest = trades[0];
    const earliestNs = trades.length < cap || oldest === undefined ? 0n : (oldest.tsNs / MS + 1n) * MS;
    return {
      earliestNs,
      reason:
        `Bybit keeps no trade history over REST: recent-trade returns only the newest ${cap} ${marketId} trades on ${this.category}` +
        (earliestNs > 0n ? `, reaching back to ${formatIsoNs(earliestNs)}` : '') +
        "; record older trades live with `tickwire record` (or take them from Bybit's daily files at public.bybit.com)",
    };
  }

  /**
   * The trades of `[startNs, endNs]` from `recent-trade`, in one page (`cursor` is always `null`).
   *
   * @throws UnsupportedRangeError when `startNs` is older than the newest trades reach
   */
  async fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    _limit: number,
    _cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]> {
    const trades = await this.#recentTrades(symbol, options);
    const reach = this.#reachOf(trades, symbol);
    if (startNs < reach.earliestNs) {
      throw new UnsupportedRangeError(`${reach.reason}; trades from ${formatIsoNs(startNs)} are older.`, {
        startNs,
        endNs: endNs + 1n < reach.earliestNs ? endNs + 1n : reach.earliestNs,
      });
    }
    return [trades.filter((t) => t.tsNs >= startNs && t.tsNs <= endNs), null];
  }

  override get sources(): KindSources {
    if (this.#kindSources) return this.#kindSources;
    const base: KindSources = {
      ohlc: {
        paging: 'window',
        capability: this.ohlcCapability,
        fetchPage: (id, s, e, limit, ctx) => this.fetchOhlcPage(id, ctx.span ?? 0, s, e, limit, ctx),
      },
      trades: {
        paging: 'cursor',
        capability: this.tradesCapability,
        reach: async (id, ctx) => this.#reachOf(await this.#recentTrades(id, ctx), id),
        fetchPage: (id, s, e, limit, cursor, ctx) => this.fetchTradesPage(id, s, e, limit, cursor, ctx),
      },
    };
    if (this.category === 'linear') {
      const price = (path: PricePath) =>
        ({
          paging: 'window',
          capability: BYBIT_KLINE_CAPABILITY,
          fetchPage: (
            id: string,
            s: bigint,
            e: bigint,
            limit: number,
            ctx: { span?: number; signal?: AbortSignal },
          ) => this.#priceBars(path, id, ctx.span ?? 0, s, e, limit, ctx),
        }) as const;
      Object.assign(base, {
        'mark-ohlc': price('mark-price-kline'),
        'index-ohlc': price('index-price-kline'),
        'premium-ohlc': price('premium-index-price-kline'),
        funding: {
          paging: 'window',
          capability: BYBIT_FUNDING_CAPABILITY,
          windowS: BYBIT_FUNDING_CAPABILITY.maxPerRequest * BYBIT_MIN_FUNDING_INTERVAL_S,
          fetchPage: (id, s, e, limit, ctx) => this.#funding(id, s, e, limit, ctx),
        },
        'open-interest': {
          paging: 'window',
          capability: BYBIT_OI_CAPABILITY,
          fetchPage: (id, s, e, limit, ctx) => this.#openInterest(id, ctx.span ?? 0, s, e, limit, ctx),
        },
      } satisfies KindSources);
    }
    this.#kindSources = base;
    return base;
  }
}
