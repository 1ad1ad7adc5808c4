/**
 * Coinbase `level2_batch` book synchroniser (pure): the first message after subscribing is a snapshot of
 * the entire book, then `l2update`s with absolute sizes. There is no sequence and no checksum; Coinbase
 * promises delivery on a live connection, so the only resync is after a reconnect (a fresh snapshot
 * follows the new subscription).
 *
 * @module
 */
import type { BookSync, SyncOutcome } from '../book-sync.js';
import type { LiveBookMessage } from '../live.js';
import { OrderBook } from '../order-book.js';

/** Coinbase level-2 book synchroniser. */
export class CoinbaseBookSync implements BookSync {
  readonly book = new OrderBook();
  #synced = false;

  get synced(): boolean {
    return this.#synced;
  }

  onMessage(m: LiveBookMessage): SyncOutcome {
    if (m.kind === 'book-snapshot') {
      this.book.clear();
      this.book.applyAll(m.changes);
      this.#synced = true;
      return { type: 'snapshot' };
    }
    // Updates before the snapshot belong to no book we know.
    if (!this.#synced) return { type: 'none' };
    this.book.applyAll(m.changes);
    return { type: 'update', changes: m.changes };
  }

  reset(): void {
    this.book.clear();
    this.#synced = false;
  }
}
