/**
 * What `stream.book` yields for each feed item, in the two lanes of its iterator (`lane-stream.ts`):
 * {@link BookItems.fast} applies a book message and returns its `update` synchronously (the hot path),
 * or hands the item to {@link BookItems.slow}, an async generator for everything else: connection
 * events (a reconnect also yields a `resync`), snapshots, resyncs and their backoff wait, Binance's REST
 * catch-up, and the typed end on an exchange error.
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import type { SyncOutcome } from '../adapters/book-sync.js';
import type { LiveBookMessage, LiveRecord } from '../adapters/live.js';
import type { BookLevel, BookView, OrderBook } from '../adapters/order-book.js';
import { ExchangeError } from '../core/errors.js';
import { nowNs } from '../core/time.js';
import { type FeedEvent, isFeedEvent } from '../transport/websocket/index.js';
import type { BookDriver } from './book-drivers.js';
import type { BookStreamItem } from './events.js';
import { SKIP, SLOW } from './lane-stream.js';
import { ResyncBackoff, type ResyncPolicy } from './resync-backoff.js';

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

/** The items of one book stream. */
export class BookItems {
  readonly #exchange: ExchangeId;
  readonly #symbol: string;
  readonly #wire: string;
  readonly #d: BookDriver;
  readonly #view: DepthView;
  readonly #backoff: ResyncBackoff;
  readonly #signal: AbortSignal | undefined;
  /** The outcome {@link fast} computed for the message it passed to {@link slow} (applied once only). */
  #outcome: SyncOutcome | undefined;

  constructor(
    exchange: ExchangeId,
    symbol: string,
    wire: string,
    driver: BookDriver,
    depth: number,
    policy: ResyncPolicy,
    signal: AbortSignal | undefined,
  ) {
    this.#exchange = exchange;
    this.#symbol = symbol;
    this.#wire = wire;
    this.#d = driver;
    this.#view = new DepthView(driver.sync.book, depth);
    this.#backoff = new ResyncBackoff({ exchange, symbol }, policy);
    this.#signal = signal;
  }

  /**
   * One feed item, synchronously: a connection event, the `update` of an applied message, or nothing
   * (another market, a message before the book is synced); {@link SLOW} for the rest.
   */
  fast(item: LiveRecord | FeedEvent): BookStreamItem | typeof SKIP | typeof SLOW {
    if (isFeedEvent(item)) return item.kind === 'reconnected' ? SLOW : item;
    if (item.kind === 'error') return SLOW;
    if ((item.kind !== 'book-snapshot' && item.kind !== 'book-update') || item.market !== this.#wire) {
      return SKIP;
    }
    const o = this.#d.sync.onMessage(item);
    const d = this.#d;
    if (!d.catchUp || !(d.needsCatchUp?.() ?? true)) {
      if (o.type === 'update') return this.#item(o, item) as BookStreamItem;
      if (o.type === 'none') return SKIP;
    }
    this.#outcome = o;
    return SLOW;
  }

  /** Every item of a feed item {@link fast} passed on, in order. */
  async *slow(item: LiveRecord | FeedEvent): AsyncGenerator<BookStreamItem, void, undefined> {
    if (isFeedEvent(item)) {
      yield item;
      if (item.kind === 'reconnected') {
        this.#d.sync.reset();
        // Paced by the reconnect backoff already; not a failed sync attempt.
        this.#backoff.invalidate();
        yield {
          kind: 'resync',
          exchange: this.#exchange,
          symbol: this.#symbol,
          reason: 'reconnect',
          detail: `connection lost for ${Math.round(item.downtimeMs)} ms`,
          atNs: item.untilNs,
        };
      }
      return;
    }
    if (item.kind === 'error') {
      throw new ExchangeError(
        this.#exchange,
        'ws',
        `${item.message} (the book stream cannot continue as asked)`,
      );
    }
    const o = this.#outcome;
    this.#outcome = undefined;
    if (o === undefined) return;
    const m = item as LiveBookMessage;
    if (o.type === 'update') {
      const x = this.#item(o, m);
      if (x) yield x;
    } else yield* this.#handle(o, m);
    const d = this.#d;
    if (d.catchUp && (d.needsCatchUp?.() ?? true)) {
      for await (const c of d.catchUp()) yield* this.#handle(c);
    }
  }

  /** The item of one outcome; after a resync, the backoff wait (or the typed end) before the book is asked for again. */
  async *#handle(o: SyncOutcome, m?: LiveBookMessage): AsyncGenerator<BookStreamItem, void, undefined> {
    if (o.type === 'snapshot') this.#backoff.valid();
    const x = this.#item(o, m);
    if (x) yield x;
    if (o.type === 'resync') {
      this.#d.pause?.();
      await this.#backoff.failed(o.reason, o.detail, this.#signal);
      this.#d.resume?.();
    }
  }

  #item(o: SyncOutcome, m?: LiveBookMessage): BookStreamItem | undefined {
    const d = this.#d;
    switch (o.type) {
      case 'snapshot': {
        const tsNs = m?.tsNs ?? nowNs();
        const exchange = this.#exchange;
        const symbol = this.#symbol;
        const book = this.#view;
        return d.updateId
          ? { kind: 'snapshot', exchange, symbol, book, tsNs, updateId: d.updateId() }
          : { kind: 'snapshot', exchange, symbol, book, tsNs };
      }
      case 'update': {
        // Literals of a fixed shape (no spread of an optional field): one allocation per message.
        const tsNs = m?.tsNs ?? nowNs();
        const exchange = this.#exchange;
        const symbol = this.#symbol;
        const changes = o.changes;
        const book = this.#view;
        return d.updateId
          ? { kind: 'update', exchange, symbol, changes, book, tsNs, updateId: d.updateId() }
          : { kind: 'update', exchange, symbol, changes, book, tsNs };
      }
      case 'resync':
        return {
          kind: 'resync',
          exchange: this.#exchange,
          symbol: this.#symbol,
          reason: o.reason,
          detail: o.detail,
          atNs: nowNs(),
        };
      default:
        return undefined;
    }
  }
}
