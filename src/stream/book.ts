/**
 * `stream.book`: one market's local order book, kept in sync by the exchange's own rules and yielded as
 * a `snapshot` event whenever it is (re)built and an `update` event per applied message. Each event
 * carries the changes and a live view of the book, so a consumer can follow the deltas, the book, or both.
 *
 * - Binance: buffer `depthUpdate`s, fetch `GET /api/v3/depth`, line them up by `U`/`u`; a skipped id
 *   clears the book and starts again (`resync`, reason `sequence-gap`).
 * - Binance USDⓈ-M: the same over `GET /fapi/v1/depth` and the `/public` route, with the futures rule:
 *   the first diff has `U <= lastUpdateId <= u`, each later one `pu` = the previous `u`; a broken chain
 *   is a `resync` with reason `sequence-gap`.
 * - Coinbase: `level2_batch` snapshot then `l2update`s; a reconnect resubscribes and waits for a new
 *   snapshot (`resync`, reason `reconnect`).
 * - Kraken: `book` snapshot then updates, each checked with the CRC32 checksum over the top 10 levels at
 *   the exact wire precision; a mismatch resubscribes (`resync`, reason `checksum-mismatch`).
 * - OKX: `books` snapshot then updates chained by `prevSeqId` = previous `seqId`; a break
 *   (`sequence-gap`) or a non-zero checksum that differs (`checksum-mismatch`) resubscribes.
 *
 * Every failed sync attempt (all but `reconnect`, which the reconnect backoff paces) waits the shared
 * resync backoff (`resync-backoff.ts`) before the book is asked for again, and one failure more than
 * `resync.maxRetries` in a row ends the stream with `BookResyncExhaustedError`.
 *
 * @module
 */
import type { ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import type { SyncOutcome } from '../adapters/book-sync.js';
import type { LiveBookMessage } from '../adapters/live.js';
import { OKX_BOOK_DEPTH } from '../adapters/okx/book.js';
import type { BookLevel, BookView, OrderBook } from '../adapters/order-book.js';
import { createAdapter } from '../adapters/registry.js';
import { ExchangeError, ValidationError } from '../core/errors.js';
import { nowNs } from '../core/time.js';
import { isFeedEvent, type WebSocketOptions } from '../transport/websocket/index.js';
import { type BookDriver, makeDriver } from './book-drivers.js';
import type { BookStreamItem } from './events.js';
import { LIVE } from './exchanges.js';
import { checkLiveOptions, type LiveOptions } from './options.js';
import { ResyncBackoff, type ResyncOptions, resolveResyncPolicy } from './resync-backoff.js';

/** Options of {@link streamBook}. */
export type BookStreamOptions = LiveOptions & {
  /** The market, in any accepted spelling. */
  symbol: string;
  /**
   * Levels per side the book views show by default. Kraken subscribes at the smallest allowed depth at
   * least this large (10, 25, 100, 500, 1000); Binance's REST snapshot asks for `snapshotDepth` levels;
   * OKX's `books` channel has 400.
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
  /**
   * Pacing of resyncs (a bad checksum, a skipped id, a snapshot behind the stream, depth exhausted): each
   * failed sync attempt waits the reconnect backoff (its fields default to `websocket`'s) before a new
   * snapshot is asked for; the count starts again once the book stayed valid for `stableAfterMs`; one
   * failure more than `maxRetries` in a row ends the stream with `BookResyncExhaustedError`.
   * @default {} (the `websocket` backoff, `maxRetries` 10)
   */
  resync?: ResyncOptions;
  /**
   * @deprecated Use `resync.maxRetries` (= this − 1), which bounds every kind of resync, not only
   * Binance snapshots that do not line up. Ignored when `resync.maxRetries` is set.
   * @default 11
   */
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
  if (options.exchange === 'okx' && depth > OKX_BOOK_DEPTH) {
    throw new ValidationError('options.depth', depth, `at most ${OKX_BOOK_DEPTH} on OKX (its books channel)`);
  }
  const snapshotDepth = options.snapshotDepth ?? Math.max(depth, 1000);
  if (!Number.isInteger(snapshotDepth) || snapshotDepth < 1 || snapshotDepth > 5000) {
    throw new ValidationError('options.snapshotDepth', snapshotDepth, 'an integer in [1, 5000]');
  }
  const maxAttempts = options.maxSnapshotAttempts;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new ValidationError('options.maxSnapshotAttempts', maxAttempts, 'a positive integer');
  }
  const policy = resolveResyncPolicy(
    maxAttempts !== undefined && options.resync?.maxRetries === undefined
      ? { ...options.resync, maxRetries: maxAttempts - 1 }
      : options.resync,
    options.websocket,
  );
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
  let driver: BookDriver | undefined;
  try {
    const market = await adapter.resolveSymbol(options.symbol, signal ? { signal } : {});
    const wire = spec.wireName(market);
    const ws: WebSocketOptions = { ...options.websocket, ...(signal ? { signal } : {}) };
    const url = options.wsUrl ?? spec.wsUrl;
    driver = makeDriver({ exchange, url, market, wire, depth, snapshotDepth, ws, options });
    const d = driver;
    const backoff = new ResyncBackoff({ exchange, symbol: market.symbol }, policy);
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
    /** The item of one outcome; after a resync, the backoff wait (or the typed end) before the book is asked for again. */
    async function* handle(
      o: SyncOutcome,
      m?: LiveBookMessage,
    ): AsyncGenerator<BookStreamItem, void, undefined> {
      if (o.type === 'snapshot') backoff.valid();
      const x = toItem(o, m);
      if (x) yield x;
      if (o.type === 'resync') {
        d.pause?.();
        await backoff.failed(o.reason, o.detail, signal);
        d.resume?.();
      }
    }
    const it = d.feed.stream();
    try {
      for await (const item of it) {
        if (isFeedEvent(item)) {
          yield item;
          if (item.kind === 'reconnected') {
            d.sync.reset();
            // Paced by the reconnect backoff already; not a failed sync attempt.
            backoff.invalidate();
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
        const o = d.sync.onMessage(item);
        if (o.type === 'update') {
          // The common case without a generator per message.
          const x = toItem(o, item);
          if (x) yield x;
        } else yield* handle(o, item);
        if (d.catchUp && (d.needsCatchUp?.() ?? true)) {
          for await (const o of d.catchUp()) yield* handle(o);
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
