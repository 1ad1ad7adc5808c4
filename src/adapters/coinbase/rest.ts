/**
 * Coinbase Exchange page fetchers. Candles: at most 300 buckets per request, inclusive end. Trades: the
 * endpoint only pages newest-first by trade id (`after=X` returns ids below X). Walking back from now to
 * a window in the past would cost one request per 1000 trades since then, so the adapter searches trade
 * ids for the window's first trade (one-row probes, interpolating from the nearest trades already seen,
 * with bisection as the fallback: O(log n) at worst, a few when a download's slices start near each
 * other) and then pages FORWARD: the page
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
import { guessSpotMarket, type Market } from '../symbols.js';
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

/** A trade seen: its id and time. */
type Anchor = { id: number; tsNs: bigint };

/** Most anchors kept per product; beyond it every other one is dropped. */
const MAX_ANCHORS = 512;

function insertAnchor(list: Anchor[], a: Anchor): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((list[m] as Anchor).id < a.id) lo = m + 1;
    else hi = m;
  }
  if (list[lo]?.id !== a.id) list.splice(lo, 0, a);
}

function thin(list: Anchor[]): Anchor[] {
  return list.filter((_, i) => i % 2 === 0 || i === list.length - 1);
}

/** The newest anchor before `startNs` and the oldest at or after it (anchors sorted by id). */
export function bracket(list: readonly Anchor[], startNs: bigint): { lo?: Anchor; hi?: Anchor } {
  let lo: Anchor | undefined;
  for (const a of list) {
    if (a.tsNs >= startNs) return lo ? { lo, hi: a } : { hi: a };
    lo = a;
  }
  return lo ? { lo } : {};
}

/**
 * The id to probe next while looking for the first trade at or after `startNs` in `(lo, hi]`: pure, so the
 * search rule is tested on its own. Ids are dense and grow with time, so once the time at `lo` is known it
 * interpolates, aiming 0.4 page below the estimate on one probe and 0.4 page above it on the next (two
 * probes usually close the interval to one page); every third probe bisects, so a skewed interval still
 * halves.
 */
export function probeId(
  lo: number,
  tLo: bigint | undefined,
  hi: number,
  tHi: bigint,
  startNs: bigint,
  limit: number,
  probe: number,
): number {
  let mid = Math.floor((lo + hi) / 2);
  if (tLo !== undefined && tHi > tLo && probe % 3 !== 2) {
    const frac = Number(startNs - tLo) / Number(tHi - tLo);
    const estimate = lo + frac * (hi - lo);
    const margin = limit * 0.4;
    mid = Math.round(probe % 3 === 0 ? estimate - margin : estimate + margin);
  }
  return Math.min(hi - 1, Math.max(lo + 1, mid));
}

/** Coinbase Exchange over REST. */
export class CoinbaseAdapter extends BaseAdapter {
  readonly id = 'coinbase' as const;
  readonly ohlcCapability = COINBASE_OHLC_CAPABILITY;
  readonly tradesCapability = COINBASE_TRADES_CAPABILITY;
  /** Per product: trades seen, sorted by id, to start lookups close to their target. */
  readonly #anchors = new Map<string, Anchor[]>();
  /** Per product: the newest trade id seen by a head probe. */
  readonly #head = new Map<string, number>();

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

  /** Coinbase ids are the two asset codes joined by a dash: `BTC/USD` → `BTC-USD`. */
  guessMarket(symbol: string): Market | undefined {
    return guessSpotMarket(symbol, '-');
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

  /** Remembers trades seen (probes, first and last rows of pages) as anchors for later lookups. */
  #note(productId: string, rows: readonly CoinbaseTrade[]): void {
    let list = this.#anchors.get(productId);
    if (!list) {
      list = [];
      this.#anchors.set(productId, list);
    }
    const first = rows[0];
    const last = rows.at(-1);
    if (first) insertAnchor(list, { id: first.tradeId, tsNs: first.tsNs });
    if (last && last !== first) insertAnchor(list, { id: last.tradeId, tsNs: last.tsNs });
    if (list.length > MAX_ANCHORS) this.#anchors.set(productId, thin(list));
  }

  /**
   * The id of the first trade at or after `startNs` (or newest + 1 when there is none), and the newest
   * id. Starts from the closest trades already seen on either side (anchors, so the slices of one
   * download find their starts in a few probes) and narrows the interval with one-row probes until it
   * fits in one page; see {@link probeId}.
   */
  async #locate(productId: string, symbol: string, startNs: bigint, limit: number, options?: PageOptions) {
    const b = bracket(this.#anchors.get(productId) ?? [], startNs);
    let head = this.#head.get(productId);
    let hiAnchor = b.hi;
    if (hiAnchor === undefined || head === undefined) {
      const [newest] = await this.#trades(productId, { limit: 1 }, symbol, options);
      if (!newest) return undefined;
      head = newest.tradeId;
      this.#head.set(productId, head);
      if (newest.tsNs < startNs) return { first: head + 1, head };
      if (hiAnchor === undefined || newest.tradeId < hiAnchor.id) {
        hiAnchor = { id: newest.tradeId, tsNs: newest.tsNs };
      }
    }
    // Invariant: every id ≤ lo is before startNs (or absent); id `hi` is at or after it.
    let lo = b.lo?.id ?? 0;
    let tLo = b.lo?.tsNs;
    let hi = hiAnchor.id;
    let tHi = hiAnchor.tsNs;
    for (let probes = 0; hi - lo > limit && probes < 64; probes++) {
      const mid = probeId(lo, tLo, hi, tHi, startNs, limit, probes);
      const [row]: CoinbaseTrade[] = await this.#trades(
        productId,
        { after: mid + 1, limit: 1 },
        symbol,
        options,
      );
      if (row) this.#note(productId, [row]);
      if (row && row.tsNs >= startNs) {
        hi = row.tradeId;
        tHi = row.tsNs;
      } else {
        lo = mid;
        if (row) tLo = row.tsNs;
      }
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
      if (newest) this.#head.set(market.id, newest.tradeId);
      if (!newest || newest.tradeId < c.next) return [[], null];
      c = { next: c.next, head: newest.tradeId };
    }
    const rows = await this.#trades(market.id, { after: c.next + size, limit: size }, symbol, options);
    this.#note(market.id, rows);
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
