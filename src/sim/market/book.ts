/**
 * The order book of one symbol, a pure function of time evaluated at discrete update ticks of
 * {@link BOOK_TICK_US}: a ladder of price levels around the last trade (a taker buy at `L` leaves the
 * best ask at `L`, a taker sell leaves the best bid at `L`, the other side a few ticks away, so the best
 * bid is always below the best ask), each level present and sized by a seeded hash that changes every
 * few seconds, and the touch level reduced by the volume the tick's trades took from it. Because the
 * book is a function of the tick, REST snapshots, WebSocket diffs and ground truth agree by
 * construction; update ids are a strictly increasing function of the tick, so any run of ticks maps
 * to a contiguous id range.
 *
 * @module
 */
import { hash4, hashAt, nextHash, streamBase, unitOf } from './rng.js';
import { type SymbolMarket, US_PER_MINUTE } from './symbol-market.js';

/** Sim time between two book updates, µs (Binance's fastest diff stream: 100 ms). */
export const BOOK_TICK_US = 100_000;
/** Price steps per side from the touch (levels may be absent, so a side holds fewer). */
export const BOOK_LEVELS = 1000;
/** Update ids per tick, at most: tick `k` ends at id `4k + (0..3)`. */
const IDS_PER_TICK = 4;
const SALT_IDS = 400;
const SALT_GAP = 401;
const SALT_PERIOD = 402;
const SALT_LEVEL = 403;
const CACHE = 32;

/** One level: price in ticks, size in lots (0 in a diff means "removed"). */
export type BookLevel = [price: number, size: number];

/** The book at one tick: bids best (highest) first, asks best (lowest) first. */
export type BookState = {
  /** Tick index: the book as of sim time `tick × BOOK_TICK_US`, after the trades before it. */
  tick: number;
  /** Update id of the last change in this tick (Binance `lastUpdateId` / `u`). */
  updateId: number;
  bids: BookLevel[];
  asks: BookLevel[];
};

/** The book model of one symbol. */
export class BookModel {
  readonly market: SymbolMarket;
  readonly #seed: number;
  readonly #key: number;
  readonly #periodBase: number;
  readonly #levelBase: number;
  readonly #meanLots: number;
  readonly #cache = new Map<number, BookState>();

  constructor(market: SymbolMarket) {
    this.market = market;
    this.#seed = market.seed;
    this.#key = market.spec.key;
    this.#periodBase = streamBase(this.#seed, this.#key, SALT_PERIOD);
    this.#levelBase = streamBase(this.#seed, this.#key, SALT_LEVEL);
    this.#meanLots = Math.max(1, market.spec.meanSize * 10 ** market.spec.sizeDecimals);
  }

  /** The tick holding sim time `us` (its book is the state at the tick's start). */
  tickOf(us: number): number {
    return Math.floor(us / BOOK_TICK_US);
  }

  /** The current tick (the latest book that exists now). */
  currentTick(): number {
    return this.tickOf(this.market.nowUs());
  }

  /** Update id at the end of tick `k`: strictly increasing in `k`. */
  updateId(k: number): number {
    return IDS_PER_TICK * k + (hash4(this.#seed, this.#key, k, SALT_IDS) % IDS_PER_TICK);
  }

  /** The latest tick whose update id is ≤ `id`. */
  tickOfUpdateId(id: number): number {
    const k = Math.floor(id / IDS_PER_TICK);
    return this.updateId(k) <= id ? k : k - 1;
  }

  /** The full book at tick `k` (cached for the last few ticks). */
  at(k: number): BookState {
    const hit = this.#cache.get(k);
    if (hit) return hit;
    const b = this.#build(k);
    this.#cache.set(k, b);
    if (this.#cache.size > CACHE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return b;
  }

  #build(k: number): BookState {
    const s = this.market;
    const endUs = k * BOOK_TICK_US;
    const recent = s.forward({
      fromUs: endUs - BOOK_TICK_US,
      toUs: endUs - 1,
      limit: Number.POSITIVE_INFINITY,
    });
    const last =
      recent[recent.length - 1] ??
      s.backward({ toUs: endUs - 1, fromUs: endUs - 86_400_000_000, limit: 1 })[0];
    const lastPrice = last ? last.price : s.path.priceAt(Math.floor(endUs / US_PER_MINUTE));
    const takerBought = last ? last.buy : true;
    const gap = 1 + (hash4(this.#seed, this.#key, Math.floor(k / 7), SALT_GAP) % 3);
    let bestBid: number;
    let bestAsk: number;
    if (takerBought) {
      bestAsk = lastPrice;
      bestBid = lastPrice - gap;
    } else {
      bestBid = lastPrice;
      bestAsk = lastPrice + gap;
    }
    // Volume the tick's trades took at the touch they hit.
    let taken = 0;
    for (const t of recent) if (t.price === lastPrice && t.buy === takerBought) taken += t.size;
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 0; i < BOOK_LEVELS; i++) {
      const p = bestBid - i;
      if (p < 1) break;
      const size = this.#level(p, k, i === 0);
      if (size > 0) bids.push([p, i === 0 && !takerBought ? Math.max(1, size - taken) : size]);
    }
    for (let i = 0; i < BOOK_LEVELS; i++) {
      const p = bestAsk + i;
      const size = this.#level(p, k, i === 0);
      if (size > 0) asks.push([p, i === 0 && takerBought ? Math.max(1, size - taken) : size]);
    }
    return { tick: k, updateId: this.updateId(k), bids, asks };
  }

  /** Size in lots of the level at price `p` during tick `k` (0 = absent; the touch is always present). */
  #level(p: number, k: number, touch: boolean): number {
    const hp = hashAt(this.#periodBase, p >>> 0);
    const period = 20 + (hp % 41); // 2 to 6 s of sim time between refreshes
    const phase = nextHash(hp) % period;
    const epoch = Math.floor((k + phase) / period);
    const h = hashAt(hashAt(this.#levelBase, p >>> 0), epoch >>> 0);
    if (!touch && unitOf(h) < 0.15) return 0;
    return Math.max(1, Math.round(this.#meanLots * (0.2 + 3 * unitOf(nextHash(h)))));
  }
}

const BOOKS = new WeakMap<SymbolMarket, BookModel>();

/** The (shared) book model of a symbol. */
export function bookOf(s: SymbolMarket): BookModel {
  let b = BOOKS.get(s);
  if (!b) {
    b = new BookModel(s);
    BOOKS.set(s, b);
  }
  return b;
}

/**
 * The changes turning one side `from` into `to` (both best first, `desc` for bids): levels whose size
 * changed or that appeared, with their new size, and removed levels with size 0; best first.
 */
export function diffSide(from: readonly BookLevel[], to: readonly BookLevel[], desc: boolean): BookLevel[] {
  const out: BookLevel[] = [];
  let i = 0;
  let j = 0;
  const better = (a: number, b: number) => (desc ? a > b : a < b);
  while (i < from.length || j < to.length) {
    const a = from[i];
    const b = to[j];
    if (b === undefined || (a !== undefined && better(a[0], b[0]))) {
      out.push([a![0], 0]);
      i++;
    } else if (a === undefined || better(b[0], a[0])) {
      out.push([b[0], b[1]]);
      j++;
    } else {
      if (a[1] !== b[1]) out.push([b[0], b[1]]);
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Every level touched between ticks `from` and `to` (each intermediate tick included), with its size
 * at `to` (0 when gone), best first: what a Binance diff event covering those ticks carries, so that
 * it also corrects a snapshot taken at any tick in between.
 */
export function diffRange(
  book: BookModel,
  from: number,
  to: number,
): { bids: BookLevel[]; asks: BookLevel[] } {
  const end = book.at(to);
  if (to - from <= 1) {
    return {
      bids: diffSide(book.at(from).bids, end.bids, true),
      asks: diffSide(book.at(from).asks, end.asks, false),
    };
  }
  const touched = { bids: new Set<number>(), asks: new Set<number>() };
  let prev = book.at(from);
  for (let k = from + 1; k <= to; k++) {
    const cur = book.at(k);
    for (const [p] of diffSide(prev.bids, cur.bids, true)) touched.bids.add(p);
    for (const [p] of diffSide(prev.asks, cur.asks, false)) touched.asks.add(p);
    prev = cur;
  }
  const side = (ls: readonly BookLevel[], set: Set<number>, desc: boolean): BookLevel[] => {
    const final = new Map(ls.map(([p, q]) => [p, q]));
    return [...set].sort((a, b) => (desc ? b - a : a - b)).map((p): BookLevel => [p, final.get(p) ?? 0]);
  };
  return { bids: side(end.bids, touched.bids, true), asks: side(end.asks, touched.asks, false) };
}
