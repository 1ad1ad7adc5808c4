/**
 * Bybit `orderbook.{depth}.{sym}` synchroniser (pure): the first message is a snapshot, then deltas
 * (size 0 deletes a level, a new price is inserted, a known one replaced). Any later snapshot replaces
 * the book: Bybit re-sends one itself when it has a problem, and a snapshot with `u` = 1 follows a
 * service restart (`u` counts again from 1). Bybit does not promise that `u` rises by exactly 1 per
 * delta, so a gap cannot be seen; a delta whose `u` does not rise past the book's is out of order and
 * clears the book: the feed resubscribes ({@link bybitResync}) and waits for the new snapshot.
 *
 * @module
 */
import type { BookSync, SyncOutcome } from '../book-sync.js';
import type { LiveBookMessage } from '../live.js';
import { OrderBook } from '../order-book.js';
import { BYBIT_BOOK_DEPTHS } from './ws.js';

/** What can resubscribe a book topic (a {@link BybitFeed}). */
export type Resubscriber = { resubscribe(topics: readonly string[]): boolean };

/**
 * The one way a Bybit book is resynced: unsubscribe and subscribe its topic again on the open
 * connection, so a new snapshot follows. (One function, so a shared resync backoff can wrap it.)
 */
export function bybitResync(feed: Resubscriber, topic: string): boolean {
  return feed.resubscribe([topic]);
}

/** The smallest depth Bybit streams that holds `depth` levels (1000 at most). */
export function bybitBookDepth(depth: number): number {
  return BYBIT_BOOK_DEPTHS.find((d) => d >= depth) ?? 1000;
}

/** Bybit order-book synchroniser. */
export class BybitBookSync implements BookSync {
  readonly book = new OrderBook();
  #synced = false;
  #u = 0;

  get synced(): boolean {
    return this.#synced;
  }

  /** `u` of the last message applied (0 before the first snapshot). */
  get updateId(): number {
    return this.#u;
  }

  onMessage(m: LiveBookMessage): SyncOutcome {
    if (m.kind === 'book-snapshot') {
      this.book.clear();
      for (const c of m.changes) this.book.apply(c);
      this.#synced = true;
      this.#u = m.lastId ?? 0;
      return { type: 'snapshot' };
    }
    if (!this.#synced) return { type: 'none' }; // waiting for the (new) snapshot
    const u = m.lastId ?? 0;
    if (u <= this.#u) {
      const detail = `delta u=${u} does not follow the book's u=${this.#u}`;
      this.reset();
      return { type: 'resync', reason: 'sequence-regress', detail };
    }
    for (const c of m.changes) this.book.apply(c);
    this.#u = u;
    return { type: 'update', changes: m.changes };
  }

  reset(): void {
    this.book.clear();
    this.#synced = false;
    this.#u = 0;
  }
}
