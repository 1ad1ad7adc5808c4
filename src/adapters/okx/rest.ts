/**
 * OKX v5 page fetchers for spot (`BTC-USDT`) and linear perpetual swaps (`BTC-USDT-SWAP`). Every
 * series is newest-first: each window is reversed here (`window.ts`), trades page forward by id ranges
 * (`trades.ts`). Candles use `/market/candles` for windows inside the newest 1,440 bars and
 * `/market/history-candles` beyond (the same for mark and index candles). Sizes of swaps are in
 * contracts and come out in base units (`ctVal × ctMult`): trade `amount`, candle `volume`, open-interest
 * `amount`.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { UnsupportedKindError, UnsupportedSpanError } from '../../core/errors.js';
import type { KindId } from '../../core/kinds.js';
import type { FundingRate, OHLCBar, OpenInterest, PriceBar, Trade } from '../../core/records.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { KindFetchContext, KindSources, PageOptions, TradeCursor } from '../adapter.js';
import { BaseAdapter, type Release, type RestParams, type RestTransport } from '../base.js';
import type { Market } from '../symbols.js';
import {
  OKX_BARS,
  OKX_HISTORY_NS,
  OKX_OHLC_CAPABILITY,
  OKX_OI_HISTORY_PERIODS,
  OKX_OI_PERIODS,
  OKX_PRICE_BAR_SPANS,
  OKX_RECENT_BARS,
  OKX_TRADES_CAPABILITY,
  okxCost,
} from './capabilities.js';
import { type ErrorContext, mapOkxError, okxCodeError } from './errors.js';
import {
  type OkxCandle,
  okxEnvelope,
  parseOkxCandles,
  parseOkxFunding,
  parseOkxOpenInterest,
  parseOkxPriceCandles,
  parseOkxTime,
  parseOkxTrades,
} from './parse.js';
import { type OkxMarket, parseOkxInstruments } from './symbols.js';
import { encodeCursor, historyTradesPage } from './trades.js';
import { oldestInWindow } from './window.js';

/** The real OKX REST base (paths start with `/api/v5`). */
export const OKX_BASE_URL = 'https://www.okx.com';

const NS_PER_S = 1_000_000_000n;
/** Funding every 8 h: a window of 100 events (shorter intervals are walked back within it). */
const FUNDING_WINDOW_S = 100 * 8 * 3600;
/** Bars of margin kept below the 1,440 of `/market/candles` (the exchange's clock moves on). */
const RECENT_MARGIN_BARS = 240;
/** How long a server-time observation is trusted for choosing recent vs history candles, ms. */
const CLOCK_TTL_MS = 30_000;

type BarEndpoints = { recent: string; history: string };
const CANDLES: BarEndpoints = { recent: '/market/candles', history: '/market/history-candles' };
const MARK: BarEndpoints = {
  recent: '/market/mark-price-candles',
  history: '/market/history-mark-price-candles',
};
const INDEX: BarEndpoints = { recent: '/market/index-candles', history: '/market/history-index-candles' };

/** OKX (spot and linear perpetual swaps) over REST. */
export class OkxAdapter extends BaseAdapter {
  readonly id = 'okx' as const;
  readonly ohlcCapability = OKX_OHLC_CAPABILITY;
  readonly tradesCapability = OKX_TRADES_CAPABILITY;
  #clock: { ns: bigint; at: number } | undefined;
  #okxSources: KindSources | undefined;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    super(baseUrl, http, rates, release);
  }

  /** GETs `/api/v5<path>` and returns the envelope's `data`; a non-zero code becomes a typed error. */
  async #get(path: string, params: RestParams, ctx: ErrorContext, options?: PageOptions) {
    let body: unknown;
    try {
      body = await this.http.get<unknown>(this.url(`/api/v5${path}`), params, {
        cost: okxCost(path),
        signal: options?.signal,
      });
    } catch (error) {
      throw mapOkxError(error, ctx);
    }
    const env = okxEnvelope(body);
    if (env.code !== '0') throw okxCodeError(env.code, env.msg, ctx);
    return env.data;
  }

  protected async loadMarkets(options?: PageOptions): Promise<Market[]> {
    const out: Market[] = [];
    for (const instType of ['SPOT', 'SWAP']) {
      out.push(...parseOkxInstruments(await this.#get('/public/instruments', { instType }, {}, options)));
    }
    return out;
  }

  async #market(symbol: string, options?: PageOptions): Promise<OkxMarket> {
    return (await this.resolveSymbol(symbol, options)) as OkxMarket;
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    const ns = parseOkxTime(await this.#get('/public/time', {}, {}, options));
    this.#clock = { ns, at: performance.now() };
    return ns;
  }

  /** The exchange's time now, from an observation at most {@link CLOCK_TTL_MS} old. */
  async #nowNs(options?: PageOptions): Promise<bigint> {
    const c = this.#clock;
    if (c && performance.now() - c.at < CLOCK_TTL_MS) {
      return c.ns + BigInt(Math.round((performance.now() - c.at) * 1e6));
    }
    return this.serverTimeNs(options);
  }

  /**
   * The recent endpoint when the whole window lies inside its newest 1,440 bars (with a margin), else
   * the history endpoint, which serves every bar.
   */
  async #endpoint(e: BarEndpoints, span: number, startNs: bigint, options?: PageOptions): Promise<string> {
    const now = await this.#nowNs(options);
    const spanNs = BigInt(span) * NS_PER_S;
    const earliest = now - BigInt(OKX_RECENT_BARS - RECENT_MARGIN_BARS) * spanNs;
    return startNs >= earliest ? e.recent : e.history;
  }

  async #bars<B extends { tsNs: bigint }>(
    endpoints: BarEndpoints,
    instId: string,
    span: number,
    spans: readonly number[],
    startNs: bigint,
    endNs: bigint,
    limit: number,
    parse: (data: unknown[]) => OkxCandle<B>[],
    ctx: ErrorContext,
    options?: PageOptions,
  ): Promise<B[]> {
    const bar = spans.includes(span) ? OKX_BARS.get(span) : undefined;
    if (bar === undefined) throw new UnsupportedSpanError('okx', span, spans);
    const path = await this.#endpoint(endpoints, span, startNs, options);
    const n = Math.min(limit, 100);
    return oldestInWindow(
      async (after, before, lim) => {
        const data = await this.#get(path, { instId, bar, after, before, limit: lim }, ctx, options);
        // The first row may be the bar still forming (`confirm` "0"): only finished bars are served.
        return parse(data)
          .filter((c) => c.confirmed)
          .map((c) => c.bar);
      },
      startNs,
      endNs,
      n,
      span * 1000,
    );
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    const spans = OKX_OHLC_CAPABILITY.spans ?? [];
    if (!spans.includes(span)) throw new UnsupportedSpanError('okx', span, spans);
    const m = await this.#market(symbol, options);
    const ctx = { symbol, span, spans };
    return this.#bars(
      CANDLES,
      m.id,
      span,
      spans,
      startNs,
      endNs,
      limit,
      (d) => parseOkxCandles(d, m.contract),
      ctx,
      options,
    );
  }

  async #priceBars(
    kind: 'mark-ohlc' | 'index-ohlc',
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    context: KindFetchContext,
  ): Promise<PriceBar[]> {
    const span = context.span ?? 0;
    const m = await this.#market(symbol, context);
    if (kind === 'mark-ohlc') this.#derivativesOnly(m, kind);
    const instId = kind === 'mark-ohlc' ? m.id : m.indexId;
    const ctx = { symbol, span, spans: OKX_PRICE_BAR_SPANS };
    return this.#bars(
      kind === 'mark-ohlc' ? MARK : INDEX,
      instId,
      span,
      OKX_PRICE_BAR_SPANS,
      startNs,
      endNs,
      limit,
      parseOkxPriceCandles,
      ctx,
      context,
    );
  }

  #derivativesOnly(m: OkxMarket, kind: KindId): void {
    if (m.instType !== 'SWAP') {
      throw new UnsupportedKindError(
        'okx',
        kind,
        ['ohlc', 'trades', 'index-ohlc'],
        `${m.symbol} is spot; use its -SWAP`,
      );
    }
  }

  async fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]> {
    const m = await this.#market(symbol, options);
    const size = Math.min(limit, OKX_TRADES_CAPABILITY.maxPerRequest);
    const get = async (params: Record<string, string | number>) =>
      parseOkxTrades(
        await this.#get('/market/history-trades', { instId: m.id, ...params }, { symbol }, options),
        m.contract,
      );
    return historyTradesPage(get, startNs, endNs, size, cursor);
  }

  /** OKX trade ids rise by one per trade of an instrument: a gap of ids is refilled by id. */
  tradeIdCursor(fromId: number, toId: number): TradeCursor {
    return encodeCursor(fromId, toId);
  }

  async #funding(symbol: string, startNs: bigint, endNs: bigint, limit: number, context: KindFetchContext) {
    const m = await this.#market(symbol, context);
    this.#derivativesOnly(m, 'funding');
    return oldestInWindow<FundingRate>(
      async (after, before, lim) =>
        parseOkxFunding(
          await this.#get(
            '/public/funding-rate-history',
            { instId: m.id, after, before, limit: lim },
            { symbol },
            context,
          ),
        ),
      startNs,
      endNs,
      Math.min(limit, 100),
    );
  }

  /** Rubik open-interest history: `begin`/`end` in ms (both inclusive), newest first, 100 a page. */
  async #openInterest(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    context: KindFetchContext,
  ) {
    const span = context.span ?? 0;
    const period = OKX_OI_PERIODS.get(span);
    if (period === undefined) throw new UnsupportedSpanError('okx', span, [...OKX_OI_PERIODS.keys()]);
    const m = await this.#market(symbol, context);
    this.#derivativesOnly(m, 'open-interest');
    const ctx = { symbol, span, spans: [...OKX_OI_PERIODS.keys()] };
    return oldestInWindow<OpenInterest>(
      async (after, before, lim) =>
        parseOkxOpenInterest(
          await this.#get(
            '/rubik/stat/contracts/open-interest-history',
            { instId: m.id, period, begin: before + 1, end: after - 1, limit: lim },
            ctx,
            context,
          ),
          m.contract,
        ),
      startNs,
      endNs,
      Math.min(limit, 100),
      span * 1000,
    );
  }

  /**
   * `ohlc`, `trades` (history-trades keeps three months), `funding` (three months), `open-interest`
   * (the newest 1,440 periods), `mark-ohlc` and `index-ohlc`.
   */
  override get sources(): KindSources {
    if (!this.#okxSources) {
      const base = super.sources;
      const trades = base.trades;
      const dayMs = 'OKX keeps only the last 3 months';
      this.#okxSources = {
        ...base,
        ...(trades
          ? {
              trades: {
                ...trades,
                historyNs: OKX_HISTORY_NS,
                historyReason: `${dayMs} of trades (history-trades)`,
              },
            }
          : {}),
        funding: {
          paging: 'window',
          capability: {
            maxPerRequest: 100,
            pageDirection: 'forward',
            cost: okxCost('/public/funding-rate-history'),
          },
          windowS: FUNDING_WINDOW_S,
          historyNs: OKX_HISTORY_NS,
          historyReason: `${dayMs} of funding rates`,
          fetchPage: (id, s, e, limit, ctx) => this.#funding(id, s, e, limit, ctx),
        },
        'open-interest': {
          paging: 'window',
          capability: {
            maxPerRequest: 100,
            pageDirection: 'forward',
            spans: [...OKX_OI_PERIODS.keys()],
            cost: okxCost('/rubik/stat/contracts/open-interest-history'),
          },
          historyPeriods: OKX_OI_HISTORY_PERIODS,
          historyReason: 'OKX keeps only the newest 1,440 open-interest periods',
          fetchPage: (id, s, e, limit, ctx) => this.#openInterest(id, s, e, limit, ctx),
        },
        'mark-ohlc': {
          paging: 'window',
          capability: {
            maxPerRequest: 100,
            pageDirection: 'forward',
            spans: OKX_PRICE_BAR_SPANS,
            cost: okxCost(MARK.history),
          },
          fetchPage: (id, s, e, limit, ctx) => this.#priceBars('mark-ohlc', id, s, e, limit, ctx),
        },
        'index-ohlc': {
          paging: 'window',
          capability: {
            maxPerRequest: 100,
            pageDirection: 'forward',
            spans: OKX_PRICE_BAR_SPANS,
            cost: okxCost(INDEX.history),
          },
          fetchPage: (id, s, e, limit, ctx) => this.#priceBars('index-ohlc', id, s, e, limit, ctx),
        },
      };
    }
    return this.#okxSources;
  }
}
