/**
 * Coinbase Exchange page fetchers. Candles: at most 300 buckets per request, inclusive end. Trades: the
 * endpoint only pages newest-first by trade id (`after=X` returns ids below X). Walking back from now to
 * a window in the past would cost one request per 1000 trades since then, so the adapter bisects on
 * trade ids to find the window's first trade (O(log n) one-row probes) and then pages FORWARD: the page
 * covering ids `[c, c + limit)` is `after = c + limit`, whatever gaps the ids have.
 *
 * @module
 */
import { UnsupportedSpanError } from '../../core/errors.js';
import type { OHLCBar, Trade } from '../../core/records.js';
import { formatIsoNs } from '../../core/time.js';
import type { RateSpec } from '../../transport/rate-limit/types.js';
import type { PageOptions, TradeCursor } from '../adapter.js';
import { BaseAdapter, type Release, type RestParams, type RestTransport } from '../base.js';
import type { Market } from '../symbols.js';
import {
  COINBASE_GRANULARITIES,
  COINBASE_OHLC_CAPABILITY,
  COINBASE_TRADES_CAPABILITY,
} from './capabilities.js';
import { type ErrorContext, mapCoinbaseError } from './errors.js';
import { type CoinbaseTrade, parseCoinbaseCandles, parseCoinbaseTime, parseCoinbaseTrades } from './parse.js';
import { parseCoinbaseMarkets } from './symbols.js';

/** The real Coinbase Exchange REST base. */
export const COINBASE_BASE_URL = 'https://api.exchange.coinbase.com';

const NS_PER_S = 1_000_000_000n;

/** The forward trade cursor: the next id wanted, and the newest id known when it was made. */
type Cursor = { next: number; head: number };

function encode(c: Cursor): string {
  return `${c.next}:${c.head}`;
}

function decode(cursor: string): Cursor {
  const [next, head] = cursor.split(':').map(Number);
  return { next: next ?? 0, head: head ?? 0 };
}

/** Coinbase Exchange over REST. */
export class CoinbaseAdapter extends BaseAdapter {
  readonly id = 'coinbase' as const;
  readonly ohlcCapability = COINBASE_OHLC_CAPABILITY;
  readonly tradesCapability = COINBASE_TRADES_CAPABILITY;

  constructor(baseUrl: string, http: RestTransport, rates: RateSpec, release?: Release) {
    super(baseUrl, http, rates, release);
  }

  async #get(path: string, params: RestParams, ctx: ErrorContext, options?: PageOptions) {
    try {
      return await this.http.get<unknown>(this.url(path), params, { cost: 1, signal: options?.signal });
    } catch (error) {
      throw mapCoinbaseError(error, ctx);
    }
  }

  protected async loadMarkets(options?: PageOptions): Promise<Market[]> {
    return parseCoinbaseMarkets(await this.#get('/products', {}, {}, options));
  }

  async serverTimeNs(options?: PageOptions): Promise<bigint> {
    return parseCoinbaseTime(await this.#get('/time', {}, {}, options));
  }

  async fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]> {
    if (!(COINBASE_GRANULARITIES as readonly number[]).includes(span)) {
      throw new UnsupportedSpanError('coinbase', span, COINBASE_GRANULARITIES);
    }
    const market = await this.resolveSymbol(symbol, options);
    const spanNs = BigInt(span) * NS_PER_S;
    // Both ends are inclusive and more than 300 buckets is a 400: cap the end at start + (n - 1)·g.
    const n = BigInt(Math.min(limit, COINBASE_OHLC_CAPABILITY.maxPerRequest));
    const lastOpen = startNs + (n - 1n) * spanNs;
    const end = endNs < lastOpen ? endNs : lastOpen;
    const body = await this.#get(
      `/products/${encodeURIComponent(market.id)}/candles`,
      { granularity: span, start: formatIsoNs(startNs), end: formatIsoNs(end) },
      { symbol, span },
      options,
    );
    return parseCoinbaseCandles(body, span, { startNs, endNs: end });
  }

  async #trades(productId: string, params: RestParams, symbol: string, options?: PageOptions) {
    return parseCoinbaseTrades(
      await this.#get(`/products/${encodeURIComponent(productId)}/trades`, params, { symbol }, options),
    );
  }

  /**
   * The id of the first trade at or after `startNs` (or newest + 1 when there is none), and the newest
   * id. Bisects with one-row probes until the candidate interval fits in one page.
   */
  async #locate(productId: string, symbol: string, startNs: bigint, limit: number, options?: PageOptions) {
    const [newest] = await this.#trades(productId, { limit: 1 }, symbol, options);
    if (!newest) return undefined;
    const head = newest.tradeId;
    if (newest.tsNs < startNs) return { first: head + 1, head };
    // Invariant: every id ≤ lo is before startNs (or absent); id `hi` is at or after it.
    let lo = 0;
    let hi = head;
    for (let probes = 0; hi - lo > limit && probes < 64; probes++) {
      const mid = Math.floor((lo + hi) / 2);
      const [row]: CoinbaseTrade[] = await this.#trades(
        productId,
        { after: mid + 1, limit: 1 },
        symbol,
        options,
      );
      if (row && row.tsNs >= startNs) hi = row.tradeId;
      else lo = mid;
    }
    return { first: lo + 1, head };
  }

  async fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]> {
    const market = await this.resolveSymbol(symbol, options);
    const size = Math.min(limit, COINBASE_TRADES_CAPABILITY.maxPerRequest);
    let c: Cursor;
    if (cursor === null) {
      const found = await this.#locate(market.id, symbol, startNs, size, options);
      if (!found) return [[], null];
      c = { next: found.first, head: found.head };
    } else {
      c = decode(cursor);
    }
    if (c.next > c.head) {
      // Past the newest id seen so far: look again, the exchange may have traded since.
      const [newest] = await this.#trades(market.id, { limit: 1 }, symbol, options);
      if (!newest || newest.tradeId < c.next) return [[], null];
      c = { next: c.next, head: newest.tradeId };
    }
    const rows = await this.#trades(market.id, { after: c.next + size, limit: size }, symbol, options);
    const trades: Trade[] = [];
    let passedEnd = false;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      if (r.tradeId < c.next) continue;
      if (r.tsNs > endNs) {
        passedEnd = true;
        continue;
      }
      if (r.tsNs >= startNs)
        trades.push({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side });
    }
    if (passedEnd) return [trades, null];
    return [trades, encode({ next: c.next + size, head: c.head })];
  }

  /** Coinbase's forward cursor is the next id wanted and the newest id known. */
  tradeIdCursor(fromId: number, toId: number): TradeCursor {
    return encode({ next: fromId, head: toId });
  }
}
