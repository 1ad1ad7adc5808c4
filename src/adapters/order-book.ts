/**
 * A local level-2 order book: two sides of price levels kept sorted best-first, with absolute sizes
 * (every exchange here sends the new total at a price, and 0 to remove it). Each level keeps the exact
 * decimal strings it was set from, for checksums that need them (Kraken).
 *
 * Why sorted arrays rather than a tree: almost every change lands near the top of the book, where a
 * splice is cheap, and reads of the top N are a slice; a change to an existing level (the most common
 * kind) is a binary search and an in-place update.
 *
 * @module
 */

/** Which side of the book. */
export type BookSideName = 'bid' | 'ask';

/** One price level of a book view. */
export type BookLevel = {
  readonly price: number;
  /** Base-asset size resting at `price`. */
  readonly amount: number;
};

/** One change to a level: `amount` is the new absolute size (0 removes the level). */
export type BookChange = {
  readonly side: BookSideName;
  readonly price: number;
  readonly amount: number;
  /** The price as the exchange wrote it (kept for checksums); optional. */
  readonly priceText?: string;
  /** The size as the exchange wrote it (kept for checksums); optional. */
  readonly amountText?: string;
};

/** A level with the exact strings it came from. */
export type StoredLevel = {
  readonly price: number;
  readonly amount: number;
  readonly priceText: string;
  readonly qtyText: string;
};

/** Runs shorter than this go level by level: a merge touches every level of the side. */
const MERGE_MIN = 16;

/** A stored level as the side keeps it: updated in place when its size changes. */
type Slot = { price: number; amount: number; priceText: string; qtyText: string };

/**
 * One side: its levels sorted best-first in one array. A change finds its price by binary search
 * (checking the worst end first, where a deep book grows), updates the level in place, or splices the
 * array once when a level comes or goes: no hash map, no object per size change.
 */
export class BookSide {
  /** `'bid'` (highest first) or `'ask'` (lowest first). */
  readonly name: BookSideName;
  #levels: Slot[] = [];
  /** The array a merge writes into, swapped with `#levels` after it (no allocation per message). */
  #spare: Slot[] = [];
  readonly #desc: boolean;

  constructor(name: BookSideName) {
    this.name = name;
    this.#desc = name === 'bid';
  }

  /** Number of levels. */
  get size(): number {
    return this.#levels.length;
  }

  /** The price of the `i`-th best level (0 = best), if there is one. */
  priceAt(i: number): number | undefined {
    return this.#levels[i]?.price;
  }

  /** The `i`-th best stored level (0 = best), if there is one. Valid until the side changes. */
  levelAt(i: number): StoredLevel | undefined {
    return this.#levels[i];
  }

  /** The best level, or `undefined` when the side is empty. Valid until the side changes. */
  best(): StoredLevel | undefined {
    return this.#levels[0];
  }

  /** The level at `price`, if any. Valid until the side changes. */
  get(price: number): StoredLevel | undefined {
    const l = this.#levels[this.#index(price)];
    return l !== undefined && l.price === price ? l : undefined;
  }

  /** Sets the size at `price` (0 removes the level). */
  set(price: number, amount: number, priceText?: string, qtyText?: string): void {
    const levels = this.#levels;
    const n = levels.length;
    // Past the worst level (where a deep book grows, and where deep levels go): no search.
    const last = levels[n - 1];
    const i =
      last === undefined || (this.#desc ? price < last.price : price > last.price) ? n : this.#index(price);
    const l = levels[i];
    if (l !== undefined && l.price === price) {
      if (amount === 0) {
        levels.splice(i, 1);
        return;
      }
      l.amount = amount;
      l.priceText = priceText ?? String(price);
      l.qtyText = qtyText ?? String(amount);
      return;
    }
    if (amount === 0) return;
    const level: Slot = {
      price,
      amount,
      priceText: priceText ?? String(price),
      qtyText: qtyText ?? String(amount),
    };
    if (i === n) levels.push(level);
    else levels.splice(i, 0, level);
  }

  /**
   * Applies `changes[from..to)` (all of this side) as that many {@link set} calls would, in order. A run
   * sorted strictly best-first (as Binance and Coinbase list a side's levels) and long enough is merged
   * into the side in one pass, O(levels + changes), instead of a search and maybe a splice per change;
   * any other run goes through {@link set} one by one.
   */
  setRun(changes: readonly BookChange[], from: number, to: number): void {
    if (to - from < MERGE_MIN || !this.#sortedBestFirst(changes, from, to)) {
      for (let k = from; k < to; k++) {
        const c = changes[k] as BookChange;
        this.set(c.price, c.amount, c.priceText, c.amountText);
      }
      return;
    }
    const old = this.#levels;
    // Written by index over the previous merge's array: its stale entries are overwritten or cut off.
    const out = this.#spare;
    const n = old.length;
    const desc = this.#desc;
    let k = 0;
    let w = 0;
    for (let j = from; j < to; j++) {
      const c = changes[j] as BookChange;
      const price = c.price;
      // Levels better than this change's price stay as they are.
      if (desc) {
        while (k < n && (old[k] as Slot).price > price) out[w++] = old[k++] as Slot;
      } else {
        while (k < n && (old[k] as Slot).price < price) out[w++] = old[k++] as Slot;
      }
      const l = old[k];
      if (l !== undefined && l.price === price) {
        k++;
        if (c.amount === 0) continue;
        l.amount = c.amount;
        l.priceText = c.priceText ?? String(price);
        l.qtyText = c.amountText ?? String(c.amount);
        out[w++] = l;
      } else if (c.amount !== 0) {
        out[w++] = {
          price,
          amount: c.amount,
          priceText: c.priceText ?? String(price),
          qtyText: c.amountText ?? String(c.amount),
        };
      }
    }
    while (k < n) out[w++] = old[k++] as Slot;
    out.length = w;
    this.#levels = out;
    this.#spare = old;
  }

  /** True when the prices of `changes[from..to)` go strictly from best to worst (no price twice). */
  #sortedBestFirst(changes: readonly BookChange[], from: number, to: number): boolean {
    let prev = (changes[from] as BookChange).price;
    if (this.#desc) {
      for (let k = from + 1; k < to; k++) {
        const p = (changes[k] as BookChange).price;
        if (!(p < prev)) return false;
        prev = p;
      }
    } else {
      for (let k = from + 1; k < to; k++) {
        const p = (changes[k] as BookChange).price;
        if (!(p > prev)) return false;
        prev = p;
      }
    }
    return true;
  }

  /** Keeps the best `depth` levels only. */
  trim(depth: number): void {
    if (this.#levels.length > depth) this.#levels.length = depth;
  }

  /** Removes every level. */
  clear(): void {
    this.#levels.length = 0;
    this.#spare.length = 0;
  }

  /** The best `n` levels (all when `n` is omitted), best first, as fresh objects. */
  top(n = Number.POSITIVE_INFINITY): BookLevel[] {
    const end = Math.min(n, this.#levels.length);
    const out: BookLevel[] = new Array(end);
    for (let i = 0; i < end; i++) {
      const l = this.#levels[i] as Slot;
      out[i] = { price: l.price, amount: l.amount };
    }
    return out;
  }

  /** The best `n` stored levels (with their strings), best first. Valid until the side changes. */
  *stored(n = Number.POSITIVE_INFINITY): Generator<StoredLevel> {
    const end = Math.min(n, this.#levels.length);
    for (let i = 0; i < end; i++) yield this.#levels[i] as StoredLevel;
  }

  /** Position of `price` in the sorted list (where it is or would be inserted). */
  #index(price: number): number {
    const a = this.#levels;
    let lo = 0;
    let hi = a.length;
    if (this.#desc) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((a[mid] as Slot).price > price) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((a[mid] as Slot).price < price) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }
}

/** A read-only view of a local book, handed to consumers. */
export interface BookView {
  /** The best `n` bids (all by default), highest first. Fresh objects: safe to keep. */
  bids(n?: number): BookLevel[];
  /** The best `n` asks (all by default), lowest first. Fresh objects: safe to keep. */
  asks(n?: number): BookLevel[];
  /** The highest bid, if any. */
  bestBid(): BookLevel | undefined;
  /** The lowest ask, if any. */
  bestAsk(): BookLevel | undefined;
  /** Levels per side. */
  readonly depth: { readonly bids: number; readonly asks: number };
}

/** A mutable two-sided book. */
export class OrderBook implements BookView {
  readonly bidSide = new BookSide('bid');
  readonly askSide = new BookSide('ask');

  /** Applies one change. */
  apply(c: BookChange): void {
    const side = c.side === 'bid' ? this.bidSide : this.askSide;
    side.set(c.price, c.amount, c.priceText, c.amountText);
  }

  /**
   * Applies `changes` in order, as {@link apply} on each would: each run of one side's changes goes to
   * {@link BookSide.setRun} (one merge when it is sorted best-first).
   */
  applyAll(changes: readonly BookChange[]): void {
    const n = changes.length;
    let i = 0;
    while (i < n) {
      const name = (changes[i] as BookChange).side;
      let j = i + 1;
      while (j < n && (changes[j] as BookChange).side === name) j++;
      (name === 'bid' ? this.bidSide : this.askSide).setRun(changes, i, j);
      i = j;
    }
  }

  /** Empties both sides. */
  clear(): void {
    this.bidSide.clear();
    this.askSide.clear();
  }

  /** Keeps the best `depth` levels of each side. */
  trim(depth: number): void {
    this.bidSide.trim(depth);
    this.askSide.trim(depth);
  }

  bids(n?: number): BookLevel[] {
    return this.bidSide.top(n);
  }

  asks(n?: number): BookLevel[] {
    return this.askSide.top(n);
  }

  bestBid(): BookLevel | undefined {
    const l = this.bidSide.best();
    return l && { price: l.price, amount: l.amount };
  }

  bestAsk(): BookLevel | undefined {
    const l = this.askSide.best();
    return l && { price: l.price, amount: l.amount };
  }

  get depth(): { bids: number; asks: number } {
    return { bids: this.bidSide.size, asks: this.askSide.size };
  }
}
