/**
 * Kraken spot page fetchers. Every answer is an envelope with HTTP 200, errors included, so the
 * envelope is checked first. Trades page by the `since`/`last` nanosecond cursor, whose pages overlap at
 * their edges: the overlap is removed here by trade id. Candles exist only for the newest 720 bars; an
 * older window is refused with `UnsupportedRangeError`, never returned partial.
 *
 * @module
 */
import { UnsupportedRangeError, UnsupportedSpanError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import { formatIsoNs, formatSpan } from '../../core/time.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { PageOptions, TradeCursor } from '../adapter.js';
import { BaseAdapter, inWindow, type Release, type RestParams, type RestTransport } from '../base.js';
import type { Market } from '../symbols.js';
import {
  KRAKEN_OHLC_CAPABILITY,
  KRAKEN_OHLC_HISTORY_BARS,
  KRAKEN_TRADES_CAPABILITY,
} from './capabilities.js';
import { classifyKrakenErrors, type ErrorContext, krakenRateLimited, mapKrakenError } from './errors.js';
import { krakenEnvelope, parseKrakenOhlc, parseKrakenTime, parseKrakenTrades } from './parse.js';
import { parseKrakenMarkets } from './symbols.js';

/** The real Kraken REST base (paths start with `/0/public`). */
export const KRAKEN_BASE_URL = 'https://api.kraken.com';

const NS_PER_S = 1_000_000_000n;

/** Kraken spot over REST. */
export class KrakenAdapter extends BaseAdapter {
  readonly id = 'kraken' as const;
  readonly ohlcCapability = KRAKEN_OHLC_CAPABILITY;
  readonly tradesCapability = KRAKEN_TRADES_CAPABILITY;
  override readonly ohlcHistoryBars = KRAKEN_OHLC_HISTORY_BARS;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    super(baseUrl, http, rates, release);
  }

  /** GETs a public method and returns its `result`; an `error` array becomes a typed error. */
  async #call(method: string, params: RestParams, ctx: ErrorContext, options?: PageOptions) {
    let body: unknown;
    try {
      body = await this.http.get<unknown>(this.url(`/0/public/${method}`), params, {
        cost: 1,
        signal: options?.signal,
      });
    } catch (error) {
      throw mapKrakenError(error, ctx);
    }
    const { errors, result } = krakenEnvelope(body);
    if (errors.length > 0) {
      // The transport's inspect hook normally retries these; one that reaches here is final.
      const decision = classifyKrakenErrors(errors, ctx);
      throw decision.kind === 'fail' ? decision.error : krakenRateLimited(decision.reason);
    }
    return result ?? {};
  }

  protected async loadMarkets(options?: PageOptions): Promise<Market[]> {
    return parseKrakenMarkets(await this.#call('AssetPairs', {}, {}, options));
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    return parseKrakenTime(await this.#call('Time', {}, {}, options));
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    _limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    if (!(KRAKEN_OHLC_CAPABILITY.spans ?? []).includes(span)) {
      throw new UnsupportedSpanError('kraken', span, KRAKEN_OHLC_CAPABILITY.spans ?? []);
    }
    const market = await this.resolveSymbol(symbol, options);
    const startS = startNs / NS_PER_S;
    const result = await this.#call(
      'OHLC',
      { pair: market.id, interval: span / 60, since: String(startS - 1n) },
      { symbol, span },
      options,
    );
    const { bars } = parseKrakenOhlc(result, span);
    const first = bars[0];
    // A full answer that starts after the window means the 720-bar cap cut the window's start off.
    if (first && first.tsNs > startNs && bars.length >= KRAKEN_OHLC_HISTORY_BARS - 1) {
      throw krakenHistoryError(span, startNs, first.tsNs);
    }
    return inWindow(bars, startNs, endNs);
  }

  /**
   * The cursor is `"<since ns>|<highest trade id delivered>"`: `since` is the response's `last`, sent
   * back unchanged; rows at or below the id are the overlap of the previous page and are dropped.
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
    const count = Math.min(limit, KRAKEN_TRADES_CAPABILITY.maxPerRequest);
    const [since, seenRaw] = cursor === null ? [String(startNs), ''] : cursor.split('|');
    const seen = seenRaw ? Number(seenRaw) : -1;
    const result = await this.#call('Trades', { pair: market.id, since, count }, { symbol }, options);
    const { trades: rows, last } = parseKrakenTrades(result);
    const trades: Trade[] = [];
    let maxId = seen;
    let passedEnd = false;
    for (const r of rows) {
      if (r.tradeId !== undefined) {
        if (r.tradeId <= seen) continue;
        maxId = Math.max(maxId, r.tradeId);
      }
      if (r.tsNs > endNs) {
        passedEnd = true;
        continue;
      }
      if (r.tsNs >= startNs)
        trades.push({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side });
    }
    const stalled = last === since;
    const done = passedEnd || rows.length === 0 || rows.length < count || stalled;
    return [trades, done ? null : `${last}|${maxId}`];
  }
}

/** The refusal for candles older than Kraken's newest 720 bars, saying what to do instead. */
export function krakenHistoryError(span: number, startNs: bigint, earliestNs: bigint): UnsupportedRangeError {
  return new UnsupportedRangeError(
    `Kraken serves only its newest ${KRAKEN_OHLC_HISTORY_BARS} ${formatSpan(span)} candles; the earliest now is ` +
      `${formatIsoNs(earliestNs)}, after the requested start ${formatIsoNs(startNs)}. Start at or after ` +
      `${formatIsoNs(earliestNs)}, or build older bars from trades (download.ohlc({ ..., ohlcFromTrades: true })).`,
    { startNs, endNs: earliestNs },
  );
}
