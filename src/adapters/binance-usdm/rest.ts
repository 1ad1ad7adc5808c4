/**
 * Binance USDⓈ-M futures over REST (`/fapi/v1/*`, `/futures/data/*`): klines and the mark, index and
 * premium-index klines forward by time; trades from `aggTrades` (the first page of a window by
 * `startTime`/`endTime`, which must span less than an hour, then by `fromId`); funding history; and
 * open-interest history, which Binance keeps for the last 30 days only. Every kind is declared in
 * {@link BinanceUsdmAdapter.sources}, so the download API, `sync` and the CLI serve all of them.
 *
 * @module
 */
import { UnsupportedSpanError } from '../../core/errors.js';
import type { FundingRate, OHLCBar, OpenInterest, PriceBar, Trade } from '../../core/records.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { KindSources, PageOptions, TradeCursor, WindowSource } from '../adapter.js';
import {
  BaseAdapter,
  ceilMs,
  floorMs,
  inWindow,
  type Release,
  type RestParams,
  type RestTransport,
} from '../base.js';
import { type ErrorContext, mapBinanceError } from '../binance/errors.js';
import {
  aggTradesInWindow,
  aggTradesPage,
  parseBinanceAggTrades,
  parseBinanceKlines,
  parseBinanceTime,
} from '../binance/parse.js';
import {
  USDM_FUNDING_CAPABILITY,
  USDM_FUNDING_KEY,
  USDM_KLINE_CAPABILITY,
  USDM_OI_CAPABILITY,
  USDM_OI_HISTORY_NS,
  USDM_OI_KEY,
  USDM_TRADES_CAPABILITY,
  USDM_WEIGHTS,
  usdmInterval,
  usdmKlineWeight,
  usdmOiPeriod,
} from './capabilities.js';
import {
  parseUsdmFunding,
  parseUsdmMarkets,
  parseUsdmOpenInterest,
  parseUsdmPriceKlines,
  type UsdmMarket,
} from './parse.js';

/** The real Binance USDⓈ-M futures REST base. */
export const BINANCE_USDM_BASE_URL = 'https://fapi.binance.com';

/** `aggTrades` refuses a `startTime`–`endTime` span of an hour or more (-1127): windows end before it. */
const AGG_WINDOW_MS = 3_600_000 - 1;

/** The price klines besides the last-price `klines`: path, and whether the market is named by `pair`. */
const PRICE_KLINES = {
  'mark-ohlc': { path: '/fapi/v1/markPriceKlines', byPair: false },
  'index-ohlc': { path: '/fapi/v1/indexPriceKlines', byPair: true },
  'premium-ohlc': { path: '/fapi/v1/premiumIndexKlines', byPair: false },
} as const;

/** Binance USDⓈ-M futures over REST. */
export class BinanceUsdmAdapter extends BaseAdapter {
  readonly id = 'binance-usdm' as const;
  readonly ohlcCapability = USDM_KLINE_CAPABILITY;
  readonly tradesCapability = USDM_TRADES_CAPABILITY;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    super(baseUrl, http, rates, release);
  }

  async #get(
    path: string,
    params: RestParams,
    cost: number,
    ctx: ErrorContext,
    options?: PageOptions,
    limiterKey?: string,
  ): Promise<unknown> {
    try {
      return await this.http.get<unknown>(this.url(path), params, {
        cost,
        signal: options?.signal,
        ...(limiterKey === undefined ? {} : { limiterKey }),
      });
    } catch (error) {
      throw mapBinanceError(error, { exchange: 'binance-usdm', ...ctx });
    }
  }

  protected async loadMarkets(options?: PageOptions): Promise<UsdmMarket[]> {
    return parseUsdmMarkets(
      await this.#get('/fapi/v1/exchangeInfo', {}, USDM_WEIGHTS.exchangeInfo, {}, options),
    );
  }

  async #market(symbol: string, options?: PageOptions): Promise<UsdmMarket> {
    return (await this.resolveSymbol(symbol, options)) as UsdmMarket;
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    return parseBinanceTime(await this.#get('/fapi/v1/time', {}, USDM_WEIGHTS.time, {}, options));
  }

  /** Kline query parameters of one page (weight by `limit`). */
  #klineQuery(key: string, market: string, span: number, startNs: bigint, endNs: bigint, limit: number) {
    const interval = usdmInterval(span);
    if (!interval) {
      throw new UnsupportedSpanError('binance-usdm', span, USDM_KLINE_CAPABILITY.spans ?? []);
    }
    const pageLimit = Math.min(limit, USDM_KLINE_CAPABILITY.maxPerRequest);
    const params: RestParams = {
      [key]: market,
      interval,
      startTime: ceilMs(startNs),
      endTime: floorMs(endNs),
      limit: pageLimit,
    };
    return { params, cost: usdmKlineWeight(pageLimit) };
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    const market = await this.#market(symbol, options);
    const q = this.#klineQuery('symbol', market.id, span, startNs, endNs, limit);
    const body = await this.#get('/fapi/v1/klines', q.params, q.cost, { symbol, span }, options);
    return inWindow(parseBinanceKlines(body), startNs, endNs);
  }

  /** Bars of the mark price, the index price (asked by `pair`) or the premium index. */
  async fetchPriceBarsPage(
    kind: keyof typeof PRICE_KLINES,
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<PriceBar[]> {
    const market = await this.#market(symbol, options);
    const { path, byPair } = PRICE_KLINES[kind];
    const q = byPair
      ? this.#klineQuery('pair', market.pair, span, startNs, endNs, limit)
      : this.#klineQuery('symbol', market.id, span, startNs, endNs, limit);
    const body = await this.#get(path, q.params, q.cost, { symbol, span }, options);
    return inWindow(parseUsdmPriceKlines(body, path.slice(path.lastIndexOf('/') + 1)), startNs, endNs);
  }

  /**
   * The first page of a window asks by time: `startTime` and an `endTime` less than an hour later (the
   * exchange's rule). An empty hour moves the time cursor (`t<ms>`) on by an hour; once a trade is
   * seen, every later page follows `fromId` = last aggregate id + 1. The window is drained when a page
   * passes `endNs`, or a page by id comes back short (no newer trades exist).
   */
  async fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]> {
    const market = await this.#market(symbol, options);
    const pageLimit = Math.min(limit, USDM_TRADES_CAPABILITY.maxPerRequest);
    const endMs = floorMs(endNs);
    const byTime = cursor === null || cursor.startsWith('t');
    let toMs = endMs;
    let params: RestParams;
    if (byTime) {
      const fromMs = cursor === null ? floorMs(startNs) : Number(cursor.slice(1));
      toMs = Math.min(endMs, fromMs + AGG_WINDOW_MS);
      params = { symbol: market.id, startTime: fromMs, endTime: toMs, limit: pageLimit };
    } else {
      params = { symbol: market.id, fromId: cursor, limit: pageLimit };
    }
    const rows = parseBinanceAggTrades(
      await this.#get('/fapi/v1/aggTrades', params, USDM_WEIGHTS.aggTrades, { symbol }, options),
    );
    const last = rows.at(-1);
    if (last === undefined) {
      // An empty hour: look at the next one. By id: nothing newer exists.
      return [[], byTime && toMs < endMs ? `t${toMs + 1}` : null];
    }
    const short = rows.length < pageLimit;
    const done = last.tsNs > endNs || (short && (!byTime || toMs >= endMs));
    return [
      aggTradesInWindow(aggTradesPage(rows).trades, startNs, endNs),
      done ? null : String(last.aggId + 1),
    ];
  }

  /** The trade cursor of a known id is the next aggregate id (`fromId`). */
  tradeIdCursor(fromId: number, _toId: number): TradeCursor {
    return String(fromId);
  }

  /** Funding rates with funding time in `[startNs, endNs]`, ascending. */
  async fetchFundingPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<FundingRate[]> {
    const market = await this.#market(symbol, options);
    const params: RestParams = {
      symbol: market.id,
      startTime: ceilMs(startNs),
      endTime: floorMs(endNs),
      limit: Math.min(limit, USDM_FUNDING_CAPABILITY.maxPerRequest),
    };
    const body = await this.#get(
      '/fapi/v1/fundingRate',
      params,
      USDM_WEIGHTS.fundingRate,
      { symbol },
      options,
      USDM_FUNDING_KEY,
    );
    return inWindow(parseUsdmFunding(body), startNs, endNs);
  }

  /** Open-interest samples every `periodS` with time in `[startNs, endNs]`, ascending (last 30 days only). */
  async fetchOpenInterestPage(
    symbol: string,
    periodS: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OpenInterest[]> {
    const period = usdmOiPeriod(periodS);
    if (!period) throw new UnsupportedSpanError('binance-usdm', periodS, USDM_OI_CAPABILITY.spans ?? []);
    const market = await this.#market(symbol, options);
    const params: RestParams = {
      symbol: market.id,
      period,
      startTime: ceilMs(startNs),
      endTime: floorMs(endNs),
      limit: Math.min(limit, USDM_OI_CAPABILITY.maxPerRequest),
    };
    const body = await this.#get(
      '/futures/data/openInterestHist',
      params,
      USDM_WEIGHTS.openInterestHist,
      { symbol, span: periodS, spans: USDM_OI_CAPABILITY.spans ?? [] },
      options,
      USDM_OI_KEY,
    );
    return inWindow(parseUsdmOpenInterest(body), startNs, endNs);
  }

  protected override extraSources(): KindSources {
    const price = (kind: keyof typeof PRICE_KLINES): WindowSource<PriceBar> => ({
      paging: 'window',
      capability: USDM_KLINE_CAPABILITY,
      fetchPage: (id, s, e, limit, ctx) => this.fetchPriceBarsPage(kind, id, ctx.span ?? 0, s, e, limit, ctx),
    });
    return {
      funding: {
        paging: 'window',
        capability: USDM_FUNDING_CAPABILITY,
        // Funding is at most hourly: a window of 1000 hours never holds more than a page.
        windowS: USDM_FUNDING_CAPABILITY.maxPerRequest * 3600,
        fetchPage: (id, s, e, limit, ctx) => this.fetchFundingPage(id, s, e, limit, ctx),
      },
      'open-interest': {
        paging: 'window',
        capability: USDM_OI_CAPABILITY,
        historyNs: USDM_OI_HISTORY_NS,
        historyReason:
          'Binance USDⓈ-M keeps open-interest history (/futures/data/openInterestHist) for the last 30 days only',
        fetchPage: (id, s, e, limit, ctx) => this.fetchOpenInterestPage(id, ctx.span ?? 0, s, e, limit, ctx),
      },
      'mark-ohlc': price('mark-ohlc'),
      'index-ohlc': price('index-ohlc'),
      'premium-ohlc': price('premium-ohlc'),
    };
  }
}
