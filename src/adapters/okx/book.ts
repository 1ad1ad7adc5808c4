/**
 * OKX `books` synchroniser (pure). The WebSocket sends a snapshot (`prevSeqId` -1), then updates whose
 * `prevSeqId` must equal the previous message's `seqId`; an empty update with `seqId == prevSeqId` is a
 * heartbeat; `seqId < prevSeqId` (a sequence reset after maintenance) is legal as long as the chain
 * holds. A broken chain, or a non-zero `checksum` that differs from the CRC32 over the merged top 25
 * levels, clears the book: the feed resubscribes for a fresh snapshot. A `checksum` of 0 (what OKX sends
 * today) or none means "not provided".
 *
 * Every resync goes through {@link OkxBookSync.resync}, one place to route through a shared backoff.
 *
 * @module
 */

import type { BookSync, ResyncReason, SyncOutcome } from '../book-sync.js';
import { crc32 } from '../kraken/checksum.js';
import type { LiveBookMessage } from '../live.js';
import { OrderBook, type StoredLevel } from '../order-book.js';

/** Levels per side of the `books` channel. */
export const OKX_BOOK_DEPTH = 400;

/**
 * OKX's book checksum: CRC32 (as a signed 32-bit integer) of `bid.px:bid.sz:ask.px:ask.sz` for the top
 * 25 levels, alternating, skipping a side's missing entries, over the strings exactly as received.
 */
export function okxBookChecksum(bids: Iterable<StoredLevel>, asks: Iterable<StoredLevel>): number {
  const b = [...take(bids, 25)];
  const a = [...take(asks, 25)];
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const x = b[i];
    const y = a[i];
    if (x) parts.push(x.priceText, x.qtyText);
    if (y) parts.push(y.priceText, y.qtyText);
  }
  return crc32(parts.join(':')) | 0;
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

/** OKX `books` synchroniser. */
export class OkxBookSync implements BookSync {
  readonly book = new OrderBook();
  #synced = false;
  #seq = -1;

  get synced(): boolean {
    return this.#synced;
  }

  /** The `seqId` of the last message applied (-1 before a snapshot). */
  get seqId(): number {
    return this.#seq;
  }

  /** The checksum of the local book now. */
  checksum(): number {
    return okxBookChecksum(this.book.bidSide.stored(25), this.book.askSide.stored(25));
  }

  onMessage(m: LiveBookMessage): SyncOutcome {
    if (m.kind === 'book-snapshot') {
      this.book.clear();
    } else {
      if (!this.#synced) return { type: 'none' };
      if (m.prevId !== this.#seq) {
        return this.resync(
          'sequence-gap',
          `update prevSeqId ${String(m.prevId)} != last seqId ${this.#seq}: messages were missed`,
        );
      }
    }
    for (const c of m.changes) this.book.apply(c);
    this.book.trim(OKX_BOOK_DEPTH);
    if (m.lastId !== undefined) this.#seq = m.lastId;
    if (m.checksum !== undefined) {
      const mine = this.checksum();
      if (mine !== m.checksum) {
        return this.resync(
          'checksum-mismatch',
          `local CRC32 ${mine} != exchange's ${m.checksum} after a ${m.kind === 'book-snapshot' ? 'snapshot' : 'update'}`,
        );
      }
    }
    if (m.kind === 'book-snapshot') {
      this.#synced = true;
      return { type: 'snapshot' };
    }
    return m.changes.length === 0 ? { type: 'none' } : { type: 'update', changes: m.changes };
  }

  /** Clears the book and says why: the one exit to a resubscribe. */
  resync(reason: ResyncReason, detail: string): SyncOutcome {
    this.reset();
    return { type: 'resync', reason, detail };
  }

  reset(): void {
    this.book.clear();
    this.#synced = false;
    this.#seq = -1;
  }
}
