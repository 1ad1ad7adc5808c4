/**
 * One symbol's market over its whole history: aggregates of any range (minutes, with cached hours and
 * days), trades of any minute (LRU), contiguous trade ids (lazily cached per-day prefix sums), and
 * trade queries by time or id. Everything respects "now": nothing exists at or after it, and the
 * minute holding "now" contains only the trades before it.
 *
 * @module
 */
import { type Agg, emptyAgg, mergeInto } from './agg.js';
import { MinutePath } from './path.js';
import type { SymbolSpec } from './symbols.js';
import { generateTrades, type TradeBlock } from './trades.js';

/** Microseconds in one minute. */
export const US_PER_MINUTE = 60_000_000;
const MIN_PER_DAY = 1440;
const TRADE_CACHE = 256;

/**
 * Per-day trade-count prefix sums, shared by every SymbolMarket with the same count model (seed,
 * symbol key, intensity, history start): counting the trades of every day since the history start is
 * the one O(history) step (the first trade-by-id query), so a process pays it once per symbol, not
 * once per simulator. Bounded: the oldest entry goes beyond {@link SHARED_PREFIXES}.
 */
const DAY_PREFIXES = new Map<string, number[]>();
const SHARED_PREFIXES = 64;

function sharedDayPrefix(key: string): number[] {
  let pre = DAY_PREFIXES.get(key);
  if (!pre) {
    pre = [0];
    DAY_PREFIXES.set(key, pre);
    if (DAY_PREFIXES.size > SHARED_PREFIXES) {
      const oldest = DAY_PREFIXES.keys().next().value;
      if (oldest !== undefined) DAY_PREFIXES.delete(oldest);
    }
  }
  return pre;
}

/** One trade in the model's integer units. */
export type SimTrade = {
  /** Trade id, contiguous per symbol from 1. */
  id: number;
  /** Epoch microseconds. */
  us: number;
  /** Ticks. */
  price: number;
  /** Lots. */
  size: number;
  /** The taker bought. */
  buy: boolean;
};

/** The lazily evaluated market of one symbol. */
export class SymbolMarket {
  readonly spec: SymbolSpec;
  readonly path: MinutePath;
  readonly #seed: number;
  readonly #nowUs: () => number;
  readonly #hours = new Map<number, Agg>();
  readonly #days = new Map<number, Agg>();
  readonly #blocks = new Map<number, TradeBlock>();
  readonly #hourCounts = new Map<number, number>();
  /** dayPrefix[j] = number of trades in days [startDay, startDay + j). */
  readonly #dayPrefix: number[];
  readonly #minutePrefix = new Map<number, Float64Array>();
  readonly #startDay: number;
  readonly #scratch = emptyAgg();

  constructor(spec: SymbolSpec, seed: number, startMinute: number, nowUs: () => number) {
    this.spec = spec;
    this.#seed = seed >>> 0;
    this.path = new MinutePath(spec, this.#seed, startMinute);
    this.#nowUs = nowUs;
    this.#startDay = Math.floor(startMinute / MIN_PER_DAY);
    this.#dayPrefix = sharedDayPrefix(
      `${this.#seed}/${spec.key}/${spec.tradesPerSecond}/${spec.illiquid}/${startMinute}`,
    );
  }

  /** The market seed (as a uint32): the book model derives its hashes from it. */
  get seed(): number {
    return this.#seed;
  }

  /** Current instant, epoch µs. */
  nowUs(): number {
    return this.#nowUs();
  }

  /** First minute with possible trades. */
  get startMinute(): number {
    return this.path.startMinute;
  }

  /**
   * Aggregate of minute `m` as served now, into `out`: the full minute if it ended, the trades so far
   * if it holds "now", empty if it is in the future.
   */
  minuteAgg(m: number, out: Agg, nowUs = this.#nowUs()): Agg {
    const endUs = (m + 1) * US_PER_MINUTE;
    if (endUs <= nowUs) return this.path.minute(m, out);
    out.count = 0;
    if (m * US_PER_MINUTE >= nowUs) return out;
    // The minute in progress: aggregate the trades already made.
    const b = this.block(m);
    const acc = out;
    acc.count = 0;
    acc.volume = acc.buyVolume = acc.buyCount = acc.quoteVolume = acc.buyQuoteVolume = 0;
    for (let i = 0; i < b.length && b.us[i]! < nowUs; i++) {
      const p = b.price[i]!;
      const s = b.size[i]!;
      if (acc.count === 0) {
        acc.open = acc.high = acc.low = p;
      } else {
        if (p > acc.high) acc.high = p;
        if (p < acc.low) acc.low = p;
      }
      acc.close = p;
      acc.count++;
      acc.volume += s;
      if (b.buy[i]) {
        acc.buyVolume += s;
        acc.buyCount++;
      }
    }
    const typical = (acc.open + acc.high + acc.low + acc.close) / 4;
    acc.quoteVolume = acc.volume * typical;
    acc.buyQuoteVolume = acc.buyVolume * typical;
    return acc;
  }

  /** Aggregate of minutes `[m0, m1)` as served now, using cached hours and days where whole. */
  rangeAgg(m0: number, m1: number, nowUs = this.#nowUs()): Agg {
    const acc = emptyAgg();
    const nowMin = Math.floor(nowUs / US_PER_MINUTE);
    const end = Math.min(m1, nowMin + 1);
    let m = Math.max(m0, this.startMinute);
    while (m < end) {
      if (m % MIN_PER_DAY === 0 && m + MIN_PER_DAY <= end && m + MIN_PER_DAY <= nowMin) {
        mergeInto(acc, this.#dayAgg(m / MIN_PER_DAY));
        m += MIN_PER_DAY;
      } else if (m % 60 === 0 && m + 60 <= end && m + 60 <= nowMin) {
        mergeInto(acc, this.#hourAgg(m / 60));
        m += 60;
      } else {
        mergeInto(acc, this.minuteAgg(m, this.#scratch, nowUs));
        m++;
      }
    }
    return acc;
  }

  #hourAgg(h: number): Agg {
    let a = this.#hours.get(h);
    if (!a) {
      a = emptyAgg();
      const s = this.#scratch;
      for (let m = h * 60; m < h * 60 + 60; m++) mergeInto(a, this.path.minute(m, s));
      this.#hours.set(h, a);
    }
    return a;
  }

  #dayAgg(d: number): Agg {
    let a = this.#days.get(d);
    if (!a) {
      a = emptyAgg();
      for (let h = d * 24; h < d * 24 + 24; h++) mergeInto(a, this.#hourAgg(h));
      this.#days.set(d, a);
    }
    return a;
  }

  /** All trades of minute `m` (the full minute, ignoring "now"), from a small LRU cache. */
  block(m: number): TradeBlock {
    const hit = this.#blocks.get(m);
    if (hit) {
      this.#blocks.delete(m);
      this.#blocks.set(m, hit);
      return hit;
    }
    const agg = this.path.minute(m, emptyAgg());
    const b = generateTrades(this.#seed, this.spec.key, m, agg, this.firstId(m));
    this.#blocks.set(m, b);
    if (this.#blocks.size > TRADE_CACHE) {
      const oldest = this.#blocks.keys().next().value;
      if (oldest !== undefined) this.#blocks.delete(oldest);
    }
    return b;
  }

  #hourCount(h: number): number {
    let c = this.#hourCounts.get(h);
    if (c === undefined) {
      c = 0;
      for (let m = h * 60; m < h * 60 + 60; m++) c += this.path.count(m);
      this.#hourCounts.set(h, c);
    }
    return c;
  }

  /** Trades of all days before day `d` (from the history start). */
  #tradesBeforeDay(d: number): number {
    const j = d - this.#startDay;
    if (j <= 0) return 0;
    const pre = this.#dayPrefix;
    while (pre.length <= j) {
      const day = this.#startDay + pre.length - 1;
      // Integer sum: the same as summing the hours' counts, without filling the hour cache.
      let c = 0;
      const path = this.path;
      for (let m = day * MIN_PER_DAY; m < (day + 1) * MIN_PER_DAY; m++) c += path.count(m);
      pre.push(pre[pre.length - 1]! + c);
    }
    return pre[j]!;
  }

  /** minutePrefix[i] = trades in the first i minutes of day `d`. */
  #minutePrefixOf(d: number): Float64Array {
    let p = this.#minutePrefix.get(d);
    if (!p) {
      p = new Float64Array(MIN_PER_DAY + 1);
      for (let i = 0; i < MIN_PER_DAY; i++) p[i + 1] = p[i]! + this.path.count(d * MIN_PER_DAY + i);
      if (this.#minutePrefix.size > 64) {
        const oldest = this.#minutePrefix.keys().next().value;
        if (oldest !== undefined) this.#minutePrefix.delete(oldest);
      }
      this.#minutePrefix.set(d, p);
    }
    return p;
  }

  /** Id of the first trade of minute `m` (or of the next trade after it, if `m` is empty). */
  firstId(m: number): number {
    const d = Math.floor(m / MIN_PER_DAY);
    if (d < this.#startDay) return 1;
    return 1 + this.#tradesBeforeDay(d) + this.#minutePrefixOf(d)[m - d * MIN_PER_DAY]!;
  }

  /** Id of the newest trade before now (0 when there is none). */
  lastId(nowUs = this.#nowUs()): number {
    const nowMin = Math.floor(nowUs / US_PER_MINUTE);
    let n = this.firstId(nowMin) - 1;
    if (nowMin * US_PER_MINUTE < nowUs && this.path.count(nowMin) > 0) {
      const b = this.block(nowMin);
      for (let i = 0; i < b.length && b.us[i]! < nowUs; i++) n++;
    }
    return n;
  }

  /** The minute holding trade `id` (which must be ≥ 1 and exist in the full history). */
  minuteOfId(id: number): number {
    const target = id - 1; // trades before it
    let d = this.#startDay;
    // Gallop then bisect over days.
    let step = 1;
    while (this.#tradesBeforeDay(d + step) <= target) {
      d += step;
      step *= 2;
    }
    let lo = d;
    let hi = d + step; // tradesBeforeDay(hi) > target
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.#tradesBeforeDay(mid) <= target) lo = mid;
      else hi = mid;
    }
    const within = target - this.#tradesBeforeDay(lo);
    const p = this.#minutePrefixOf(lo);
    let a = 0;
    let b = MIN_PER_DAY; // p[a] <= within < p[b]
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (p[mid]! <= within) a = mid;
      else b = mid;
    }
    return lo * MIN_PER_DAY + a;
  }

  /** The first minute ≥ `m` and < `end` with trades, or -1. Skips empty days and hours quickly. */
  nextBusyMinute(m: number, end: number): number {
    let x = Math.max(m, this.startMinute);
    while (x < end) {
      if (x % MIN_PER_DAY === 0) {
        const d = x / MIN_PER_DAY;
        if (this.#tradesBeforeDay(d + 1) === this.#tradesBeforeDay(d)) {
          x += MIN_PER_DAY;
          continue;
        }
      }
      if (x % 60 === 0 && this.#hourCount(x / 60) === 0) {
        x += 60;
        continue;
      }
      if (this.path.count(x) > 0) return x;
      x++;
    }
    return -1;
  }

  /** The last minute ≤ `m` and ≥ `floor` with trades, or -1. */
  prevBusyMinute(m: number, floor: number): number {
    let x = m;
    const lo = Math.max(floor, this.startMinute);
    while (x >= lo) {
      if (x % MIN_PER_DAY === MIN_PER_DAY - 1) {
        const d = (x + 1) / MIN_PER_DAY - 1;
        if (d >= this.#startDay && this.#tradesBeforeDay(d + 1) === this.#tradesBeforeDay(d)) {
          x -= MIN_PER_DAY;
          continue;
        }
      }
      if (x % 60 === 59 && this.#hourCount((x + 1) / 60 - 1) === 0) {
        x -= 60;
        continue;
      }
      if (this.path.count(x) > 0) return x;
      x--;
    }
    return -1;
  }

  /**
   * Up to `limit` trades in ascending order with `us >= fromUs`, `us <= toUs`, `id >= fromId`, all
   * before now.
   */
  forward(opts: { fromUs?: number; toUs?: number; fromId?: number; limit: number }): SimTrade[] {
    const nowUs = this.#nowUs();
    const out: SimTrade[] = [];
    const fromUs = opts.fromUs ?? Number.NEGATIVE_INFINITY;
    const toUs = Math.min(opts.toUs ?? Number.POSITIVE_INFINITY, nowUs - 1);
    const fromId = opts.fromId ?? 1;
    let m: number;
    if (opts.fromId !== undefined) {
      if (fromId > this.lastId(nowUs)) return out;
      m = this.minuteOfId(Math.max(1, fromId));
      if (Number.isFinite(fromUs)) m = Math.max(m, Math.floor(fromUs / US_PER_MINUTE));
    } else {
      m = Number.isFinite(fromUs) ? Math.floor(fromUs / US_PER_MINUTE) : this.startMinute;
    }
    const endMin = Math.floor(toUs / US_PER_MINUTE) + 1;
    while (out.length < opts.limit) {
      m = this.nextBusyMinute(m, endMin);
      if (m < 0) break;
      const b = this.block(m);
      for (let i = 0; i < b.length && out.length < opts.limit; i++) {
        const us = b.us[i]!;
        if (us > toUs) break;
        if (us < fromUs || b.firstId + i < fromId) continue;
        out.push({ id: b.firstId + i, us, price: b.price[i]!, size: b.size[i]!, buy: b.buy[i] === 1 });
      }
      m++;
    }
    return out;
  }

  /**
   * The NEWEST `limit` trades with `us <= toUs` and `id <= toId` (before now), returned ascending.
   */
  backward(opts: { toUs?: number; toId?: number; fromUs?: number; limit: number }): SimTrade[] {
    const nowUs = this.#nowUs();
    const toUs = Math.min(opts.toUs ?? Number.POSITIVE_INFINITY, nowUs - 1);
    const toId = opts.toId ?? Number.POSITIVE_INFINITY;
    const fromUs = opts.fromUs ?? Number.NEGATIVE_INFINITY;
    const rev: SimTrade[] = [];
    let m = Math.floor(toUs / US_PER_MINUTE);
    if (Number.isFinite(toId)) {
      if (toId < 1) return rev;
      m = Math.min(m, this.minuteOfId(Math.min(toId, Math.max(1, this.lastId(nowUs)))));
    }
    const floorMin = Number.isFinite(fromUs) ? Math.floor(fromUs / US_PER_MINUTE) : this.startMinute;
    while (rev.length < opts.limit) {
      m = this.prevBusyMinute(m, floorMin);
      if (m < 0) break;
      const b = this.block(m);
      for (let i = b.length - 1; i >= 0 && rev.length < opts.limit; i--) {
        const us = b.us[i]!;
        if (us > toUs || b.firstId + i > toId) continue;
        if (us < fromUs) break;
        rev.push({ id: b.firstId + i, us, price: b.price[i]!, size: b.size[i]!, buy: b.buy[i] === 1 });
      }
      m--;
    }
    return rev.reverse();
  }
}
