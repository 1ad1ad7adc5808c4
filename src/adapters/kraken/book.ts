/**
 * Kraken v2 `book` synchroniser (pure): load the snapshot, apply each update's levels in order, trim
 * each side to the subscribed depth, then verify the CRC32 checksum over the top 10 levels at the exact
 * wire precision. A mismatch clears the book; the feed resubscribes for a new snapshot.
 *
 * @module
 */
import type { BookSync, SyncOutcome } from '../book-sync.js';
import type { LiveBookMessage } from '../live.js';
import { OrderBook } from '../order-book.js';
import { krakenSidesChecksum } from './checksum.js';

/** The depths Kraken's v2 book channel accepts. */
export const KRAKEN_BOOK_DEPTHS = [10, 25, 100, 500, 1000] as const;

/** Kraken v2 book synchroniser. */
export class KrakenBookSync implements BookSync {
  readonly book = new OrderBook();
  readonly #depth: number;
  #synced = false;

  /** @param depth the subscribed depth (one of {@link KRAKEN_BOOK_DEPTHS}) */
  constructor(depth: number) {
    this.#depth = depth;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The checksum of the local book now (top 10 per side). */
  checksum(): number {
    return krakenSidesChecksum(this.book.askSide, this.book.bidSide);
  }

  onMessage(m: LiveBookMessage): SyncOutcome {
    if (m.kind === 'book-snapshot') this.book.clear();
    else if (!this.#synced) return { type: 'none' };
    this.book.applyAll(m.changes);
    this.book.trim(this.#depth);
    if (m.checksum !== undefined) {
      const mine = this.checksum();
      if (mine !== m.checksum) {
        this.reset();
        return {
          type: 'resync',
          reason: 'checksum-mismatch',
          detail: `local CRC32 ${mine} != exchange's ${m.checksum} after a ${m.kind === 'book-snapshot' ? 'snapshot' : 'update'}`,
        };
      }
    }
    if (m.kind === 'book-snapshot') {
      this.#synced = true;
      return { type: 'snapshot' };
    }
    return { type: 'update', changes: m.changes };
  }

  reset(): void {
    this.book.clear();
    this.#synced = false;
  }
}
