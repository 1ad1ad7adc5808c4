/**
 * What differs per exchange behind `stream.book`: the feed, the synchroniser, and how to get back in
 * sync after a failure. The waiting between attempts is not here: every driver's failures go through
 * the one resync backoff in `book.ts` (`resync-backoff.ts`), so no venue can loop without pause.
 *
 * A new venue adds a case that returns a {@link BookDriver}: a feed, a `BookSync`, and, if getting back
 * in sync needs an action, `pause` (stop the flow while the backoff waits) and `resume` (ask for a new
 * snapshot), or `catchUp` for a REST snapshot procedure.
 *
 * @module
 */
import type { AdapterOptions, ExchangeId } from '../adapters/adapter.js';
import { BinanceBookSync, binanceDepthWeight } from '../adapters/binance/book.js';
import { BINANCE_RATE } from '../adapters/binance/capabilities.js';
import { BINANCE_BASE_URL } from '../adapters/binance/rest.js';
import { BinanceFeed, binanceDepthStream } from '../adapters/binance/ws.js';
import { parseBinanceDepthSnapshot } from '../adapters/binance/ws-parse.js';
import { BINANCE_USDM_RATE, USDM_BUDGETS, usdmDepthWeight } from '../adapters/binance-usdm/capabilities.js';
import { BINANCE_USDM_BASE_URL } from '../adapters/binance-usdm/rest.js';
import { UsdmFeed, usdmDepthStream } from '../adapters/binance-usdm/ws.js';
import type { BookSync, SyncOutcome } from '../adapters/book-sync.js';
import { BybitBookSync, bybitBookDepth, bybitResync } from '../adapters/bybit/book.js';
import { BybitFeed, bybitTopics } from '../adapters/bybit/ws.js';
import { CoinbaseBookSync } from '../adapters/coinbase/book.js';
import { CoinbaseFeed } from '../adapters/coinbase/ws.js';
import { connect } from '../adapters/connect.js';
import { KRAKEN_BOOK_DEPTHS, KrakenBookSync } from '../adapters/kraken/book.js';
import { KrakenFeed } from '../adapters/kraken/ws.js';
import type { LiveRecord } from '../adapters/live.js';
import { OkxBookSync } from '../adapters/okx/book.js';
import { contractSizes, OkxFeed } from '../adapters/okx/ws.js';
import type { Market } from '../adapters/symbols.js';
import type { WebSocketBase, WebSocketOptions } from '../transport/websocket/index.js';
import type { BookStreamOptions } from './book.js';

/** One exchange's way of keeping a book. */
export type BookDriver = {
  readonly feed: WebSocketBase<LiveRecord>;
  readonly sync: BookSync;
  /**
   * Binance: fetch REST snapshots while the book needs one; yields each outcome (`snapshot`, or a
   * `resync` when a snapshot could not be lined up). The caller waits the resync backoff after each
   * `resync` before pulling the next outcome, i.e. before the next fetch.
   */
  catchUp?(): AsyncGenerator<SyncOutcome, void, undefined>;
  /** With `catchUp`: whether it has anything to do now (else no generator is started for the message). */
  needsCatchUp?(): boolean;
  /** Right after a resync, before the backoff wait: stop the broken flow (Kraken: unsubscribe). */
  pause?(): void;
  /** After the backoff wait: ask for a new snapshot (Kraken: subscribe again). */
  resume?(): void;
  /** Binance: the book's update id now. */
  updateId?(): number;
  release(): Promise<void>;
};

/** What a driver is built from. */
export type DriverInput = {
  readonly exchange: ExchangeId;
  readonly url: string;
  readonly market: Market;
  readonly wire: string;
  readonly depth: number;
  readonly snapshotDepth: number;
  readonly ws: WebSocketOptions;
  readonly options: BookStreamOptions;
};

/** The driver of `input.exchange`. */
export function makeDriver(input: DriverInput): BookDriver {
  const { exchange, url, market, wire, depth, ws } = input;
  switch (exchange) {
    case 'binance':
    case 'binance-usdm':
      return binanceDriver(exchange, input);
    case 'coinbase':
      // No sequence or checksum: the only resync is a reconnect, paced by the reconnect backoff.
      return {
        feed: new CoinbaseFeed(url, [market.id], ['level2_batch', 'heartbeat'], ws),
        sync: new CoinbaseBookSync(),
        release: async () => {},
      };
    case 'okx': {
      const args = [{ channel: 'books', instId: market.id }];
      const feed = new OkxFeed(url, 'public', args, contractSizes([market]), ws);
      return {
        feed,
        sync: new OkxBookSync(),
        // A seqId gap or a bad checksum: after the backoff, unsubscribe and subscribe for a fresh snapshot.
        resume: () => {
          feed.resubscribe(args);
        },
        release: async () => {},
      };
    }
    case 'bybit':
    case 'bybit-linear': {
      const subDepth = bybitBookDepth(depth);
      const topic = bybitTopics.book(subDepth, market.id);
      const feed = new BybitFeed(url, exchange === 'bybit' ? 'spot' : 'linear', [topic], ws);
      const sync = new BybitBookSync();
      return {
        feed,
        sync,
        updateId: () => sync.updateId,
        // A non-increasing `u`: after the backoff, unsubscribe and subscribe again for a fresh snapshot.
        resume: () => {
          bybitResync(feed, topic);
        },
        release: async () => {},
      };
    }
    case 'kraken': {
      const subDepth = KRAKEN_BOOK_DEPTHS.find((d) => d >= depth) ?? 1000;
      const feed = new KrakenFeed(url, { channel: 'book', symbols: [wire], depth: subDepth }, ws);
      return {
        feed,
        sync: new KrakenBookSync(subDepth),
        pause: () => {
          feed.unsubscribe([wire]);
        },
        resume: () => {
          feed.subscribe([wire]);
        },
        release: async () => {},
      };
    }
  }
}

/** The REST side of a Binance book: snapshot path, valid depth, weight, and the connection to make. */
const BINANCE_BOOKS = {
  binance: {
    path: '/api/v3/depth',
    limit: (n: number) => n,
    weight: binanceDepthWeight,
    connect: (o: AdapterOptions) => connect('binance', BINANCE_BASE_URL, BINANCE_RATE, o),
    feed: (url: string, id: string, ws: WebSocketOptions) =>
      new BinanceFeed(url, [binanceDepthStream(id)], ws),
    rule: 'spot',
  },
  'binance-usdm': {
    path: '/fapi/v1/depth',
    // USDⓈ-M takes only 5, 10, 20, 50, 100, 500 or 1000 levels.
    limit: (n: number) => [5, 10, 20, 50, 100, 500, 1000].find((l) => l >= n) ?? 1000,
    weight: usdmDepthWeight,
    connect: (o: AdapterOptions) =>
      connect(
        'binance-usdm',
        BINANCE_USDM_BASE_URL,
        BINANCE_USDM_RATE,
        o,
        undefined,
        undefined,
        USDM_BUDGETS,
      ),
    feed: (url: string, id: string, ws: WebSocketOptions) => new UsdmFeed(url, [usdmDepthStream(id)], ws),
    rule: 'futures',
  },
} as const;

/**
 * Binance spot and USDⓈ-M: buffer the diff stream, fetch REST snapshots until one lines up (spot: `U` ≤
 * id + 1; futures: `U` ≤ lastUpdateId ≤ `u`, then the `pu` chain). Each snapshot that does not line up is
 * yielded as a `resync`, so the caller's resync backoff paces the next fetch.
 */
function binanceDriver(exchange: 'binance' | 'binance-usdm', input: DriverInput): BookDriver {
  const { url, market, wire, depth, snapshotDepth, ws, options } = input;
  const rest = BINANCE_BOOKS[exchange];
  const limit = rest.limit(snapshotDepth);
  const sync = new BinanceBookSync(undefined, { depth, snapshotLimit: limit }, rest.rule);
  const c = rest.connect({
    ...options.adapterOptions,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
  const signal = options.signal;
  return {
    feed: rest.feed(url, market.id, ws),
    sync,
    updateId: () => sync.updateId,
    needsCatchUp: () => sync.needsSnapshot,
    async *catchUp() {
      while (sync.needsSnapshot) {
        const body = await c.transport.get<unknown>(
          `${c.baseUrl.replace(/\/+$/, '')}${rest.path}`,
          { symbol: market.id, limit },
          { cost: rest.weight(limit), ...(signal ? { signal } : {}) },
        );
        const r = sync.onSnapshot(parseBinanceDepthSnapshot(body, wire));
        if (r.type === 'snapshot') {
          yield r;
          return;
        }
        // Either way another snapshot is needed; the caller's backoff paces the fetches.
        yield r.type === 'refetch'
          ? { type: 'resync', reason: 'stale-snapshot', detail: r.detail }
          : { type: 'resync', reason: r.reason, detail: r.detail };
      }
    },
    release: async () => {
      await c.release();
    },
  };
}
