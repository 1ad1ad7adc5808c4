/**
 * A local level-2 order book: two sides of price levels kept sorted best-first, with absolute sizes
 * (every exchange here sends the new total at a price, and 0 to remove it). Each level keeps the exact
 * decimal strings it was set from, for checksums that need them (Kraken).
 *
 * Why a sorted array and a map rather than a tree: almost every change lands near the top of the book,
 * where a splice is cheap, and reads of the top N are a slice.
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

/** One side: prices sorted best-first, and the level at each price. */
export class BookSide {
  /** `'bid'` (highest first) or `'ask'` (lowest first). */
  readonly name: BookSideName;
  readonly #prices: number[] = [];
  readonly #levels = new Map<number, StoredLevel>();
  readonly #desc: boolean;

  constructor(name: BookSideName) {
    this.name = name;
    this.#desc = name === 'bid';
  }

  /** Number of levels. */
  get size(): number {
    return this.#prices.length;
  }

  /** The price of the `i`-th best level (0 = best), if there is one. */
  priceAt(i: number): number | undefined {
    return this.#prices[i];
  }

  /** The best level, or `undefined` when the side is empty. */
  best(): StoredLevel | undefined {
    const p = this.#prices[0];
    return p === undefined ? undefined : this.#levels.get(p);
  }

  /** The level at `price`, if any. */
  get(price: number): StoredLevel | undefined {
    return this.#levels.get(price);
  }

  /** Sets the size at `price` (0 removes the level). */
  set(price: number, amount: number, priceText = String(price), qtyText = String(amount)): void {
    const known = this.#levels.has(price);
    if (amount === 0) {
      if (known) {
        this.#levels.delete(price);
        this.#prices.splice(this.#index(price), 1);
      }
      return;
    }
    this.#levels.set(price, { price, amount, priceText, qtyText });
    if (!known) this.#prices.splice(this.#index(price), 0, price);
  }

  /** Keeps the best `depth` levels only. */
  trim(depth: number): void {
    if (this.#prices.length <= depth) return;
    for (const p of this.#prices.splice(depth)) this.#levels.delete(p);
  }

  /** Removes every level. */
  clear(): void {
    this.#prices.length = 0;
    this.#levels.clear();
  }

  /** The best `n` levels (all when `n` is omitted), best first, as fresh objects. */
  top(n = Number.POSITIVE_INFINITY): BookLevel[] {
    const end = Math.min(n, this.#prices.length);
    const out: BookLevel[] = new Array(end);
    for (let i = 0; i < end; i++) {
      const l = this.#levels.get(this.#prices[i] as number) as StoredLevel;
      out[i] = { price: l.price, amount: l.amount };
    }
    return out;
  }

  /** The best `n` stored levels (with their strings), best first. */
  *stored(n = Number.POSITIVE_INFINITY): Generator<StoredLevel> {
    const end = Math.min(n, this.#prices.length);
    for (let i = 0; i < end; i++) yield this.#levels.get(this.#prices[i] as number) as StoredLevel;
  }

  /** Position of `price` in the sorted list (where it is or would be inserted). */
  #index(price: number): number {
    const a = this.#prices;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = a[mid] as number;
      if (this.#desc ? p > price : p < price) lo = mid + 1;
      else hi = mid;
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
