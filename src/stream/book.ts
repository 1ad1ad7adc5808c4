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
import type { LiveRecord } from '../adapters/live.js';
import { OKX_BOOK_DEPTH } from '../adapters/okx/book.js';
import { createAdapter } from '../adapters/registry.js';
import type { Market } from '../adapters/symbols.js';
import { ValidationError } from '../core/errors.js';
import type { FeedEvent, FeedStream, WebSocketOptions } from '../transport/websocket/index.js';
import { type BookDriver, makeDriver } from './book-drivers.js';
import { BookItems } from './book-items.js';
import type { BookStreamItem } from './events.js';
import { LIVE } from './exchanges.js';
import { LaneStream, type Lanes } from './lane-stream.js';
import { checkLiveOptions, type LiveOptions } from './options.js';
import { type ResyncOptions, resolveResyncPolicy } from './resync-backoff.js';

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
export function streamBook(options: BookStreamOptions): AsyncGenerator<BookStreamItem, void, undefined> {
  // A two-lane iterator (`lane-stream.ts`): an update the book applied is yielded without a generator
  // resume, a `for await` and a `yield` per message; snapshots, resyncs, reconnects and errors take the
  // slow lane, in order.
  return new LaneStream(() => openBook(options));
}

/** An abort of the caller's `signal`, which ends the stream quietly. */
function callerAborted(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error as { code?: string } | undefined)?.code === 'ERR_ABORTED';
}

/**
 * Checks the options, resolves the market and makes the driver: the lanes of {@link streamBook}, or
 * `undefined` when the caller aborted meanwhile.
 */
async function openBook(options: BookStreamOptions): Promise<Lanes<BookStreamItem, LiveRecord> | undefined> {
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
  const close = async (): Promise<void> => {
    try {
      await driver?.release();
    } finally {
      if (owned) await adapter.close();
    }
  };
  let market: Market;
  let wire: string;
  let source: FeedStream<LiveRecord | FeedEvent>;
  try {
    market = await adapter.resolveSymbol(options.symbol, signal ? { signal } : {});
    wire = spec.wireName(market);
    const ws: WebSocketOptions = { ...options.websocket, ...(signal ? { signal } : {}) };
    const url = options.wsUrl ?? spec.wsUrl;
    driver = makeDriver({ exchange, url, market, wire, depth, snapshotDepth, ws, options });
    source = driver.feed.stream();
  } catch (error) {
    await close();
    if (callerAborted(error, signal)) return undefined;
    throw error;
  }
  const book = new BookItems(exchange, market.symbol, wire, driver, depth, policy, signal);
  return {
    source,
    fast: (item) => book.fast(item),
    slow: (item) => book.slow(item),
    quiet: (error) => callerAborted(error, signal),
    close,
  };
}
