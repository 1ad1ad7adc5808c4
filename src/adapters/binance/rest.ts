/**
 * Binance spot page fetchers: klines forward by time, trades via `aggTrades` (the window's first id by
 * `startTime`, then `fromId`).
 *
 * @module
 */
import { UnsupportedSpanError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { PageOptions, TradeCursor } from '../adapter.js';
import {
  BaseAdapter,
  ceilMs,
  floorMs,
  inWindow,
  type Release,
  type RestParams,
  type RestTransport,
} from '../base.js';
import { guessSpotMarket, type Market } from '../symbols.js';
import {
  BINANCE_OHLC_CAPABILITY,
  BINANCE_TRADES_CAPABILITY,
  BINANCE_WEIGHTS,
  binanceInterval,
} from './capabilities.js';
import { DecodedAggTrades, DecodedKlines, decodeBinanceAggTrades, decodeBinanceKlines } from './decode.js';
import { type ErrorContext, mapBinanceError } from './errors.js';
import {
  aggTradesInWindow,
  aggTradesPage,
  parseBinanceAggTrades,
  parseBinanceKlines,
  parseBinanceTime,
} from './parse.js';
import { parseBinanceMarkets } from './symbols.js';

/** The real Binance spot REST base. */
export const BINANCE_BASE_URL = 'https://api.binance.com';

/** Binance spot over REST. */
export class BinanceAdapter extends BaseAdapter {
  readonly id = 'binance' as const;
  readonly ohlcCapability = BINANCE_OHLC_CAPABILITY;
  readonly tradesCapability = BINANCE_TRADES_CAPABILITY;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    super(baseUrl, http, rates, release);
  }

  async #get(
    path: string,
    params: RestParams,
    cost: number,
    ctx: ErrorContext,
    options?: PageOptions,
    decode?: (body: Buffer) => unknown,
  ) {
    try {
      return await this.http.get<unknown>(this.url(path), params, {
        cost,
        signal: options?.signal,
        ...(decode ? { decode } : {}),
      });
    } catch (error) {
      throw mapBinanceError(error, ctx);
    }
  }

  /** Binance spot ids are the two asset codes joined: `BTC/USDT` → `BTCUSDT`. */
  guessMarket(symbol: string): Market | undefined {
    return guessSpotMarket(symbol, '');
  }

  protected async loadMarkets(options?: PageOptions): Promise<Market[]> {
    return parseBinanceMarkets(
      await this.#get('/api/v3/exchangeInfo', {}, BINANCE_WEIGHTS.exchangeInfo, {}, options),
    );
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    return parseBinanceTime(await this.#get('/api/v3/time', {}, BINANCE_WEIGHTS.time, {}, options));
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    const interval = binanceInterval(span);
    if (!interval) throw new UnsupportedSpanError('binance', span, BINANCE_OHLC_CAPABILITY.spans ?? []);
    const market = await this.resolveSymbol(symbol, options);
    const body = await this.#get(
      '/api/v3/klines',
      {
        symbol: market.id,
        interval,
        startTime: ceilMs(startNs),
        endTime: floorMs(endNs),
        limit: Math.min(limit, BINANCE_OHLC_CAPABILITY.maxPerRequest),
      },
      BINANCE_WEIGHTS.klines,
      { symbol, span },
      options,
      decodeBinanceKlines,
    );
    const bars = body instanceof DecodedKlines ? body.bars : parseBinanceKlines(body);
    return inWindow(bars, startNs, endNs);
  }

  /**
   * The first page asks for the window by time (`startTime`/`endTime`, oldest first); every later page
   * follows `fromId` = last aggregate id + 1. The cursor is that next id. The window is drained when a
   * page passes `endNs` or comes back short.
   */
  async fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]> {
    const market = await this.resolveSymbol(symbol, options);
    const pageLimit = Math.min(limit, BINANCE_TRADES_CAPABILITY.maxPerRequest);
    const params: RestParams =
      cursor === null
        ? { symbol: market.id, startTime: floorMs(startNs), endTime: floorMs(endNs), limit: pageLimit }
        : { symbol: market.id, fromId: cursor, limit: pageLimit };
    const body = await this.#get(
      '/api/v3/aggTrades',
      params,
      BINANCE_WEIGHTS.aggTrades,
      { symbol },
      options,
      decodeBinanceAggTrades,
    );
    const page = body instanceof DecodedAggTrades ? body : aggTradesPage(parseBinanceAggTrades(body));
    const rows = page.trades;
    const last = rows.at(-1);
    const done = last === undefined || rows.length < pageLimit || last.tsNs > endNs;
    return [aggTradesInWindow(rows, startNs, endNs), done ? null : String((page.lastAggId as number) + 1)];
  }

  /** Binance's trade cursor is the next aggregate id (`fromId`). */
  tradeIdCursor(fromId: number, _toId: number): TradeCursor {
    return String(fromId);
  }
}
