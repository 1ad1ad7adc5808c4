/**
 * Binance's local order book procedure ("How to manage a local order book correctly"), as a pure state
 * machine: buffer `depthUpdate` events, load the REST snapshot, drop buffered events with
 * `u <= lastUpdateId`, then apply each event whose `U` is at most the book id + 1. An event that starts
 * further ahead means updates were missed: the book is cleared and the procedure starts again.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { BookSync, SyncOutcome } from '../book-sync.js';
import type { LiveBookMessage } from '../live.js';
import { OrderBook } from '../order-book.js';

/** What {@link BinanceBookSync.onSnapshot} concluded. */
export type SnapshotOutcome =
  /** The snapshot was loaded (and the buffered events after it applied): the book is in sync. */
  | { readonly type: 'snapshot' }
  /** The snapshot is older than the first buffered event: fetch another one (step 3). */
  | { readonly type: 'refetch'; readonly detail: string }
  /** A buffered event does not follow the snapshot: start again from step 1. */
  | { readonly type: 'resync'; readonly reason: 'sequence-gap'; readonly detail: string };

/** Which of Binance's local-book procedures applies: spot's or USDⓈ-M futures' (`pu` chain). */
export type BinanceBookRule = 'spot' | 'futures';

/** How deep {@link BinanceBookSync} shows and fetches the book. */
export type BinanceBookDepth = {
  /** Levels per side the consumer looks at. */
  depth: number;
  /** The `limit` of each REST snapshot: levels per side the snapshot holds at most. */
  snapshotLimit: number;
};

/**
 * Binance local-book synchroniser (pure), for spot and, with `rule: 'futures'`, USDⓈ-M futures.
 *
 * The REST snapshot holds at most `snapshotLimit` levels per side; levels deeper than its deepest one are
 * unknown until they change (Binance's own caveat). When `depth` is given and the price moves so far that
 * the top `depth` levels of a side reach past that boundary, the book is no longer trustworthy there: the
 * synchroniser asks for a new snapshot (`resync`, reason `depth-exhausted`) instead of showing a book
 * with holes.
 */
export class BinanceBookSync implements BookSync {
  readonly book = new OrderBook();
  readonly #maxBuffered: number;
  readonly #depth: BinanceBookDepth | undefined;
  #buffer: LiveBookMessage[] = [];
  #id = -1;
  #synced = false;
  /** Deepest bid / ask price the snapshot vouched for (±Infinity when it held the whole side). */
  #bidBound = Number.NEGATIVE_INFINITY;
  #askBound = Number.POSITIVE_INFINITY;
  readonly #rule: BinanceBookRule;
  /** Futures: no event applied since the snapshot yet (the first must straddle `lastUpdateId`). */
  #first = false;

  /**
   * @param maxBuffered events buffered while waiting for the snapshot; beyond it the oldest restart the wait.
   * @param depth the depth shown and fetched; without it the snapshot's boundary is not watched.
   * @param rule `'spot'`: each event's `U` is at most the book id + 1. `'futures'` (USDⓈ-M): the first
   *   event after the snapshot has `U <= lastUpdateId <= u`, every later one `pu` = the previous `u`.
   */
  constructor(maxBuffered = 100_000, depth?: BinanceBookDepth, rule: BinanceBookRule = 'spot') {
    this.#maxBuffered = maxBuffered;
    this.#depth = depth;
    this.#rule = rule;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The book's update id (`lastUpdateId`, then each applied event's `u`); -1 before a snapshot. */
  get updateId(): number {
    return this.#id;
  }

  /** True when the feed must fetch a REST snapshot now (events are buffered and no snapshot is loaded). */
  get needsSnapshot(): boolean {
    return !this.#synced && this.#buffer.length > 0;
  }

  /** The first buffered event's `U` (what a snapshot must reach), if any. */
  get firstBufferedId(): number | undefined {
    return this.#buffer[0]?.firstId;
  }

  onMessage(m: LiveBookMessage): SyncOutcome {
    const U = m.firstId;
    const u = m.lastId;
    if (U === undefined || u === undefined) {
      throw new ProtocolError('A Binance depthUpdate without U/u', JSON.stringify({ U, u }));
    }
    if (!this.#synced) {
      if (this.#buffer.length >= this.#maxBuffered) this.#buffer = [];
      this.#buffer.push(m);
      return NONE;
    }
    const broken = this.#rule === 'spot' ? this.#spotBreak(m, U, u) : this.#futuresBreak(m, U, u);
    if (broken === null) return NONE;
    if (broken !== undefined) {
      this.#clear();
      this.#buffer.push(m);
      return { type: 'resync', reason: 'sequence-gap', detail: broken };
    }
    this.book.applyAll(m.changes);
    this.#id = u;
    this.#first = false;
    const exhausted = this.#exhausted();
    if (exhausted) {
      this.#clear();
      return { type: 'resync', reason: 'depth-exhausted', detail: exhausted };
    }
    return { type: 'update', changes: m.changes };
  }

  /** Spot: `null` for a stale event, a detail when `U` skips past the book id + 1, else `undefined`. */
  #spotBreak(_m: LiveBookMessage, U: number, u: number): string | null | undefined {
    if (u <= this.#id) return null;
    if (U > this.#id + 1)
      return `expected an update starting at or before ${this.#id + 1}, got U=${U} (u=${u})`;
    return undefined;
  }

  /**
   * Futures: `null` for a stale event; a detail when the first event after the snapshot does not reach
   * back to it (`U > lastUpdateId`) or a later one does not chain (`pu` ≠ previous `u`); else `undefined`.
   */
  #futuresBreak(m: LiveBookMessage, U: number, u: number): string | null | undefined {
    if (this.#first) {
      if (u < this.#id) return null;
      if (U > this.#id)
        return `the first update after the snapshot must have U <= ${this.#id} <= u, got U=${U} (u=${u})`;
      return undefined;
    }
    if (u <= this.#id && m.prevId !== this.#id) return null;
    if (m.prevId !== this.#id) {
      return `expected pu=${this.#id} (the previous u), got pu=${m.prevId ?? 'none'} (U=${U}, u=${u})`;
    }
    return undefined;
  }

  /** Why the top `depth` levels are no longer all known, or `undefined` when they are. */
  #exhausted(): string | undefined {
    if (!this.#depth) return undefined;
    const i = this.#depth.depth - 1;
    const bid = this.book.bidSide.priceAt(i);
    const ask = this.book.askSide.priceAt(i);
    const bidsShort = bid === undefined ? this.#bidBound !== Number.NEGATIVE_INFINITY : bid < this.#bidBound;
    const asksShort = ask === undefined ? this.#askBound !== Number.POSITIVE_INFINITY : ask > this.#askBound;
    if (!bidsShort && !asksShort) return undefined;
    const side = bidsShort
      ? `bids (snapshot reached down to ${this.#bidBound})`
      : `asks (snapshot reached up to ${this.#askBound})`;
    return `the top ${this.#depth.depth} ${side} now reach past the REST snapshot's ${this.#depth.snapshotLimit} levels`;
  }

  /** Loads the REST snapshot (`lastId` = `lastUpdateId`) over the buffered events. */
  onSnapshot(snapshot: LiveBookMessage): SnapshotOutcome {
    const last = snapshot.lastId;
    if (last === undefined) throw new ProtocolError('A Binance depth snapshot without lastUpdateId');
    const first = this.#buffer[0];
    if (first?.firstId !== undefined && last < first.firstId) {
      return { type: 'refetch', detail: `snapshot lastUpdateId ${last} < first buffered U ${first.firstId}` };
    }
    this.book.clear();
    this.book.applyAll(snapshot.changes);
    this.#setBounds();
    this.#id = last;
    this.#synced = true;
    this.#first = true;
    const buffered = this.#buffer;
    this.#buffer = [];
    for (const m of buffered) {
      const r = this.onMessage(m);
      if (r.type === 'resync') {
        // Keep what came after the break buffered: it belongs to the next attempt.
        this.#buffer.push(...buffered.slice(buffered.indexOf(m) + 1));
        return { type: 'resync', reason: 'sequence-gap', detail: r.detail };
      }
    }
    return { type: 'snapshot' };
  }

  reset(): void {
    this.#clear();
  }

  /** A side the snapshot returned in full (fewer levels than asked) has no unknown depth. */
  #setBounds(): void {
    const limit = this.#depth?.snapshotLimit ?? Number.POSITIVE_INFINITY;
    const bids = this.book.bidSide;
    const asks = this.book.askSide;
    this.#bidBound =
      bids.size >= limit
        ? (bids.priceAt(bids.size - 1) ?? Number.NEGATIVE_INFINITY)
        : Number.NEGATIVE_INFINITY;
    this.#askBound =
      asks.size >= limit
        ? (asks.priceAt(asks.size - 1) ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
  }

  #clear(): void {
    this.book.clear();
    this.#buffer = [];
    this.#id = -1;
    this.#synced = false;
  }
}

const NONE: SyncOutcome = Object.freeze({ type: 'none' });

/** Request weight of `GET /api/v3/depth` by `limit` [doc]: 1–100: 5; 101–500: 25; 501–1000: 50; more: 250. */
export function binanceDepthWeight(limit: number): number {
  return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
}
