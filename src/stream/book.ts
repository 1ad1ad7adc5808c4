/**
 * `stream.book`: one market's local order book, kept in sync by the exchange's own rules and yielded as
 * a `snapshot` event whenever it is (re)built and an `update` event per applied message. Each event
 * carries the changes and a live view of the book, so a consumer can follow the deltas, the book, or both.
 *
 * - Binance: buffer `depthUpdate`s, fetch `GET /api/v3/depth`, line them up by `U`/`u`; a skipped id
 *   clears the book and starts again (`resync`, reason `sequence-gap`).
 * - Coinbase: `level2_batch` snapshot then `l2update`s; a reconnect resubscribes and waits for a new
 *   snapshot (`resync`, reason `reconnect`).
 * - Kraken: `book` snapshot then updates, each checked with the CRC32 checksum over the top 10 levels at
 *   the exact wire precision; a mismatch resubscribes (`resync`, reason `checksum-mismatch`).
 *
 * @module
 */
import type { AdapterOptions, ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import { BinanceBookSync, binanceDepthWeight } from '../adapters/binance/book.js';
import { BINANCE_RATE } from '../adapters/binance/capabilities.js';
import { BINANCE_BASE_URL } from '../adapters/binance/rest.js';
import { BinanceFeed, binanceDepthStream } from '../adapters/binance/ws.js';
import { parseBinanceDepthSnapshot } from '../adapters/binance/ws-parse.js';
import { BINANCE_USDM_RATE, USDM_BUDGETS, usdmDepthWeight } from '../adapters/binance-usdm/capabilities.js';
import { BINANCE_USDM_BASE_URL } from '../adapters/binance-usdm/rest.js';
import { UsdmFeed, usdmDepthStream } from '../adapters/binance-usdm/ws.js';
import type { BookSync, SyncOutcome } from '../adapters/book-sync.js';
import { CoinbaseBookSync } from '../adapters/coinbase/book.js';
import { CoinbaseFeed } from '../adapters/coinbase/ws.js';
import { connect } from '../adapters/connect.js';
import { KRAKEN_BOOK_DEPTHS, KrakenBookSync } from '../adapters/kraken/book.js';
import { KrakenFeed } from '../adapters/kraken/ws.js';
import type { LiveBookMessage, LiveRecord } from '../adapters/live.js';
import type { BookLevel, BookView, OrderBook } from '../adapters/order-book.js';
import { createAdapter } from '../adapters/registry.js';
import type { Market } from '../adapters/symbols.js';
import { ExchangeError, ProtocolError, ValidationError } from '../core/errors.js';
import { nowNs } from '../core/time.js';
import { sleep } from '../transport/sleep.js';
import { isFeedEvent, type WebSocketBase, type WebSocketOptions } from '../transport/websocket/index.js';
import type { BookStreamItem } from './events.js';
import { LIVE } from './exchanges.js';
import { checkLiveOptions, type LiveOptions } from './options.js';

/** Options of {@link streamBook}. */
export type BookStreamOptions = LiveOptions & {
  /** The market, in any accepted spelling. */
  symbol: string;
  /**
   * Levels per side the book views show by default. Kraken subscribes at the smallest allowed depth at
   * least this large (10, 25, 100, 500, 1000); Binance's REST snapshot asks for `snapshotDepth` levels.
   * @default 10
   */
  depth?: number;
  /**
   * Binance: levels per side of the REST snapshot (1..5000; weight 5 up to 100, 25 to 500, 50 to 1000,
   * 250 above). Levels deeper than it stay unknown until they change, so when the price moves far enough
   * that the `depth` levels shown reach past it, the book resyncs (reason `depth-exhausted`).
   * @default max(depth, 1000)
   */
  snapshotDepth?: number;
  /** Binance: snapshot fetches in a row that may fail to line up with the diff stream before giving up. @default 10 */
  maxSnapshotAttempts?: number;
};

/** A view of the book whose `bids()`/`asks()` default to the stream's depth. */
class DepthView implements BookView {
  readonly #book: OrderBook;
  readonly #depth: number;
  constructor(book: OrderBook, depth: number) {
    this.#book = book;
    this.#depth = depth;
  }
  bids(n = this.#depth): BookLevel[] {
    return this.#book.bids(n);
  }
  asks(n = this.#depth): BookLevel[] {
    return this.#book.asks(n);
  }
  bestBid(): BookLevel | undefined {
    return this.#book.bestBid();
  }
  bestAsk(): BookLevel | undefined {
    return this.#book.bestAsk();
  }
  get depth(): { bids: number; asks: number } {
    return this.#book.depth;
  }
}

/** What differs per exchange: the feed, the synchroniser, and how to get back in sync. */
type Driver = {
  readonly feed: WebSocketBase<LiveRecord>;
  readonly sync: BookSync;
  /** Binance: fetch snapshots until the book is in sync; yields the outcomes. */
  catchUp?(): AsyncGenerator<SyncOutcome, void, undefined>;
  /** Kraken: resubscribe after a checksum mismatch. */
  afterResync?(): void;
  /** Binance: the book's update id now. */
  updateId?(): number;
  release(): Promise<void>;
};

/**
 * The local book of `symbol` on `exchange`, with `snapshot`, `update` and `resync` events plus the
 * WebSocket's connection events. Break out of the loop, call `return()`, or abort `signal` to stop.
 *
 * @example
 * for await (const ev of stream.book({ exchange: 'kraken', symbol: 'BTC/USD', depth: 10 })) {
 *   if (ev.kind === 'update') console.log(ev.book.bestBid(), ev.book.bestAsk());
 *   if (ev.kind === 'resync') console.error('resync', ev.reason, ev.detail);
 * }
 */
export async function* streamBook(
  options: BookStreamOptions,
): AsyncGenerator<BookStreamItem, void, undefined> {
  checkLiveOptions(options);
  if (typeof options.symbol !== 'string' || options.symbol === '') {
    throw new ValidationError('options.symbol', options.symbol, 'a symbol such as "BTC/USDT"');
  }
  const depth = options.depth ?? 10;
  if (!Number.isInteger(depth) || depth < 1 || depth > 5000) {
    throw new ValidationError('options.depth', depth, 'an integer in [1, 5000]');
  }
  if (options.exchange === 'kraken' && depth > 1000) {
    throw new ValidationError('options.depth', depth, 'at most 1000 on Kraken');
  }
  const snapshotDepth = options.snapshotDepth ?? Math.max(depth, 1000);
  if (!Number.isInteger(snapshotDepth) || snapshotDepth < 1 || snapshotDepth > 5000) {
    throw new ValidationError('options.snapshotDepth', snapshotDepth, 'an integer in [1, 5000]');
  }
  const maxAttempts = options.maxSnapshotAttempts ?? 10;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ValidationError('options.maxSnapshotAttempts', maxAttempts, 'a positive integer');
  }
  const exchange: ExchangeId = options.exchange;
  const signal = options.signal;
  const spec = LIVE[exchange];
  const owned = options.adapter === undefined;
  const adapter: ExchangeAdapter =
    options.adapter ??
    createAdapter(exchange, {
      ...options.adapterOptions,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
  let driver: Driver | undefined;
  try {
    const market = await adapter.resolveSymbol(options.symbol, signal ? { signal } : {});
    const wire = spec.wireName(market);
    const ws: WebSocketOptions = { ...options.websocket, ...(signal ? { signal } : {}) };
    const url = options.wsUrl ?? spec.wsUrl;
    driver = makeDriver(exchange, url, market, wire, depth, snapshotDepth, maxAttempts, ws, options);
    const d = driver;
    const view = new DepthView(d.sync.book, depth);
    const at = (m?: LiveBookMessage): bigint => m?.tsNs ?? nowNs();
    const toItem = (o: SyncOutcome, m?: LiveBookMessage): BookStreamItem | undefined => {
      switch (o.type) {
        case 'snapshot':
          return {
            kind: 'snapshot',
            exchange,
            symbol: market.symbol,
            book: view,
            tsNs: at(m),
            ...(d.updateId ? { updateId: d.updateId() } : {}),
          };
        case 'update':
          return {
            kind: 'update',
            exchange,
            symbol: market.symbol,
            changes: o.changes,
            book: view,
            tsNs: at(m),
            ...(d.updateId ? { updateId: d.updateId() } : {}),
          };
        case 'resync':
          d.afterResync?.();
          return {
            kind: 'resync',
            exchange,
            symbol: market.symbol,
            reason: o.reason,
            detail: o.detail,
            atNs: nowNs(),
          };
        default:
          return undefined;
      }
    };
    const it = d.feed.stream();
    try {
      for await (const item of it) {
        if (isFeedEvent(item)) {
          yield item;
          if (item.kind === 'reconnected') {
            d.sync.reset();
            yield {
              kind: 'resync',
              exchange,
              symbol: market.symbol,
              reason: 'reconnect',
              detail: `connection lost for ${Math.round(item.downtimeMs)} ms`,
              atNs: item.untilNs,
            };
          }
          continue;
        }
        if (item.kind === 'error') {
          throw new ExchangeError(
            exchange,
            'ws',
            `${item.message} (the book stream cannot continue as asked)`,
          );
        }
        if ((item.kind !== 'book-snapshot' && item.kind !== 'book-update') || item.market !== wire) continue;
        const out = toItem(d.sync.onMessage(item), item);
        if (out) yield out;
        if (d.catchUp) {
          for await (const o of d.catchUp()) {
            const x = toItem(o);
            if (x) yield x;
          }
        }
      }
    } finally {
      await it.return();
    }
  } catch (error) {
    if (signal?.aborted && (error as { code?: string } | undefined)?.code === 'ERR_ABORTED') return;
    throw error;
  } finally {
    await driver?.release();
    if (owned) await adapter.close();
  }
}

function makeDriver(
  exchange: ExchangeId,
  url: string,
  market: Market,
  wire: string,
  depth: number,
  snapshotDepth: number,
  maxAttempts: number,
  ws: WebSocketOptions,
  options: BookStreamOptions,
): Driver {
  switch (exchange) {
    case 'binance':
    case 'binance-usdm':
      return binanceDriver(exchange, url, market, wire, depth, snapshotDepth, maxAttempts, ws, options);
    case 'coinbase':
      return {
        feed: new CoinbaseFeed(url, [market.id], ['level2_batch', 'heartbeat'], ws),
        sync: new CoinbaseBookSync(),
        release: async () => {},
      };
    case 'kraken': {
      const subDepth = KRAKEN_BOOK_DEPTHS.find((d) => d >= depth) ?? 1000;
      const feed = new KrakenFeed(url, { channel: 'book', symbols: [wire], depth: subDepth }, ws);
      return {
        feed,
        sync: new KrakenBookSync(subDepth),
        afterResync: () => {
          feed.resubscribe([wire]);
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
      connect('binance-usdm', BINANCE_USDM_BASE_URL, BINANCE_USDM_RATE, o, undefined, USDM_BUDGETS),
    feed: (url: string, id: string, ws: WebSocketOptions) => new UsdmFeed(url, [usdmDepthStream(id)], ws),
    rule: 'futures',
  },
} as const;

/**
 * Binance spot and USDⓈ-M: buffer the diff stream, fetch REST snapshots until one lines up (spot: `U` ≤
 * id + 1; futures: `U` ≤ lastUpdateId ≤ `u`, then the `pu` chain). Each resync goes through `catchUp`,
 * the one place that fetches snapshots again.
 */
function binanceDriver(
  exchange: 'binance' | 'binance-usdm',
  url: string,
  market: Market,
  wire: string,
  depth: number,
  snapshotDepth: number,
  maxAttempts: number,
  ws: WebSocketOptions,
  options: BookStreamOptions,
): Driver {
  const rest = BINANCE_BOOKS[exchange];
  const limit = rest.limit(snapshotDepth);
  const sync = new BinanceBookSync(undefined, { depth, snapshotLimit: limit }, rest.rule);
  const c = rest.connect({
    ...options.adapterOptions,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
  const signal = options.signal;
  const name = exchange === 'binance' ? 'Binance' : 'Binance USDⓈ-M';
  return {
    feed: rest.feed(url, market.id, ws),
    sync,
    updateId: () => sync.updateId,
    async *catchUp() {
      let failures = 0;
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
        if (++failures >= maxAttempts) {
          throw new ProtocolError(
            `${name} depth snapshots did not line up with the diff stream ${failures} times in a row (${r.detail}); the book cannot be synced`,
          );
        }
        if (r.type === 'resync') yield r;
        else await sleep(Math.min(1000, 50 * failures), signal);
      }
    },
    release: async () => {
      await c.release();
    },
  };
}
