/**
 * The derivatives side of one simulated perpetual: index, mark and premium-index prices, funding every
 * few hours, open interest and liquidations, all derived deterministically from the same trade market
 * (its per-minute aggregates) and the seed, so every derivatives endpoint has exact ground truth.
 *
 * The model, in integer ticks like the trade market:
 * - **basis** `b(h)` per UTC hour `h`: a slow wave plus hourly noise, |b| < 0.1 %. The index is the trade
 *   price times `(1 - b(h))`, the mark price the trade price times `(1 - b(h)/2)` (between last and
 *   index), each rounded to the tick. The premium index of the hour is `(mark - index) / index`
 *   = `p(h)`, flat within the hour (its bars have open = high = low = close).
 * - **price bars** (mark, index, premium) exist exactly where trade bars exist (minutes with trades),
 *   like the trade candles: the simulator never serves empty bars.
 * - **funding** at every multiple of `fundingIntervalH` hours (UTC): `clamp(0.0001 + mean p over the
 *   interval's hours, ±0.0075)`, rounded to 8 decimals; the mark price at funding time is the mark close
 *   of the last minute with trades in the hour before (absent when that hour had none).
 * - **open interest** at every multiple of the sampling period: a base level on a three-day wave plus
 *   the volume of the hour before, in lots.
 * - **liquidations**: in the minute after one whose trade range exceeds 0.1 %, up to two forced orders,
 *   on the side the move hurt (a fall liquidates longs) at its extreme price, at most one per second.
 *
 * @module
 */
import type { Agg } from './agg.js';
import { hash4, uniform } from './rng.js';
import type { SymbolMarket } from './symbol-market.js';

const SALT_BASIS = 0x6261_7369;
const SALT_LIQ = 0x6c69_7175;
const US_PER_MINUTE = 60_000_000;

/** A bar of a derived price in integer ticks (premium: in units of 1e-8). */
export type DerivedBar = { minute: number; open: number; high: number; low: number; close: number };

/** Which derived price a bar is of. */
export type DerivedPrice = 'mark' | 'index' | 'premium';

/** One funding event. */
export type SimFunding = {
  /** Funding time, epoch µs (a multiple of the funding interval). */
  us: number;
  /** Rate in units of 1e-8 (so 10000 = 0.0001). */
  rate1e8: number;
  /** Mark price at funding time in ticks, when the hour before had trades. */
  markTicks: number | undefined;
};

/** One open-interest sample. */
export type SimOpenInterest = {
  /** Sample time, epoch µs (a multiple of the period). */
  us: number;
  /** Open interest in lots. */
  lots: number;
  /** Mark price used for its value, ticks (undefined when no trade bar in the hour before). */
  markTicks: number | undefined;
};

/** One liquidation. */
export type SimLiquidation = {
  /** Time, epoch µs (ms-aligned). */
  us: number;
  /** The liquidated position's side. */
  side: 'long' | 'short';
  /** Price in ticks. */
  price: number;
  /** Size in lots. */
  lots: number;
};

/** Options of a {@link DerivativesModel}. */
export type DerivativesOptions = {
  /** Hours between funding events. @default 8 */
  fundingIntervalH?: number;
};

/** Premium and rates are kept as integers in units of 1e-8. */
export const RATE_SCALE = 1e8;

/** The derivatives market of one symbol. Stateless apart from small caches. */
export class DerivativesModel {
  readonly market: SymbolMarket;
  readonly fundingIntervalH: number;
  readonly #basisBase: number;
  readonly #liqBase: number;
  readonly #baseOiLots: number;

  constructor(market: SymbolMarket, options: DerivativesOptions = {}) {
    this.market = market;
    this.fundingIntervalH = options.fundingIntervalH ?? 8;
    const seed = market.seed;
    this.#basisBase = hash4(seed, market.spec.key, SALT_BASIS, 0);
    this.#liqBase = hash4(seed, market.spec.key, SALT_LIQ, 0);
    // About a day's volume outstanding.
    const lot = 10 ** market.spec.sizeDecimals;
    this.#baseOiLots = Math.round(market.spec.tradesPerSecond * 86_400 * market.spec.meanSize * lot * 0.5);
  }

  /** Basis of UTC hour `h` in units of 1e-8 (|b| < 100_000, i.e. 0.1 %). */
  basis1e8(h: number): number {
    const wave = Math.sin((2 * Math.PI * h) / 19) * 40_000;
    const noise = (uniform(this.#basisBase, h, 1, 2) - 0.5) * 60_000;
    return Math.round(wave + noise);
  }

  /** Premium index of hour `h`, units of 1e-8: `(mark - index) / index` of the model's factors. */
  premium1e8(h: number): number {
    const b = this.basis1e8(h) / RATE_SCALE;
    return Math.round(((1 - b / 2) / (1 - b) - 1) * RATE_SCALE);
  }

  /** A trade price (ticks) → the derived price in hour `h` (ticks). */
  derive(price: DerivedPrice, ticks: number, h: number): number {
    const b = this.basis1e8(h) / RATE_SCALE;
    if (price === 'index') return Math.round(ticks * (1 - b));
    if (price === 'mark') return Math.round(ticks * (1 - b / 2));
    return this.premium1e8(h);
  }

  /**
   * Bars of `price` of `spanMin` minutes opening at minutes `m` (epoch minutes, aligned by the caller),
   * from the trade aggregates: `undefined` when the bar has no trades. Bars of an hour or less use one
   * factor; longer bars combine their hours.
   */
  bar(price: DerivedPrice, m: number, spanMin: number, nowUs: number): DerivedBar | undefined {
    const mk = this.market;
    if (spanMin <= 60 && Math.floor(m / 60) === Math.floor((m + spanMin - 1) / 60)) {
      const a = mk.rangeAgg(m, m + spanMin, nowUs);
      if (a.count === 0) return undefined;
      return this.#fromAgg(price, m, a, Math.floor(m / 60));
    }
    let out: DerivedBar | undefined;
    // Whole hours (and the partial first/last hour when the bar is not hour-aligned).
    for (let h0 = m; h0 < m + spanMin; ) {
      const h = Math.floor(h0 / 60);
      const h1 = Math.min((h + 1) * 60, m + spanMin);
      const a = mk.rangeAgg(h0, h1, nowUs);
      h0 = h1;
      if (a.count === 0) continue;
      const part = this.#fromAgg(price, m, a, h);
      if (!out) out = part;
      else {
        out.high = Math.max(out.high, part.high);
        out.low = Math.min(out.low, part.low);
        out.close = part.close;
      }
    }
    return out;
  }

  #fromAgg(price: DerivedPrice, m: number, a: Agg, h: number): DerivedBar {
    if (price === 'premium') {
      const p = this.premium1e8(h);
      return { minute: m, open: p, high: p, low: p, close: p };
    }
    const d = (t: number) => this.derive(price, t, h);
    return { minute: m, open: d(a.open), high: d(a.high), low: d(a.low), close: d(a.close) };
  }

  /** The mark close (ticks) of the last minute with trades in `[m - lookback, m)`, or undefined. */
  markBefore(m: number, nowUs: number, lookback = 60): number | undefined {
    const mk = this.market;
    const a = mk.rangeAgg(m - lookback, m, nowUs);
    if (a.count === 0) return undefined;
    // The close of the whole range is the close of its last minute with trades.
    return this.derive('mark', a.close, Math.floor((m - 1) / 60));
  }

  /** Funding events with `fromUs <= us < toUs` that are final at `nowUs`, ascending. */
  funding(fromUs: number, toUs: number, nowUs: number): SimFunding[] {
    const stepUs = this.fundingIntervalH * 3600 * 1e6;
    const out: SimFunding[] = [];
    const start = Math.max(fromUs, this.market.startMinute * US_PER_MINUTE + stepUs);
    for (let t = Math.ceil(start / stepUs) * stepUs; t < toUs && t <= nowUs; t += stepUs) {
      const h1 = t / 3.6e9;
      let sum = 0;
      for (let h = h1 - this.fundingIntervalH; h < h1; h++) sum += this.premium1e8(h);
      const mean = sum / this.fundingIntervalH;
      const rate = Math.max(-750_000, Math.min(750_000, Math.round(10_000 + mean)));
      out.push({ us: t, rate1e8: rate, markTicks: this.markBefore(t / US_PER_MINUTE, nowUs) });
    }
    return out;
  }

  /** Open-interest samples every `periodS` seconds with `fromUs <= us < toUs`, final at `nowUs`. */
  openInterest(periodS: number, fromUs: number, toUs: number, nowUs: number): SimOpenInterest[] {
    const stepUs = periodS * 1e6;
    const out: SimOpenInterest[] = [];
    const start = Math.max(fromUs, (this.market.startMinute + 60) * US_PER_MINUTE);
    for (let t = Math.ceil(start / stepUs) * stepUs; t < toUs && t <= nowUs; t += stepUs) {
      out.push(this.openInterestAt(t, nowUs));
    }
    return out;
  }

  /** The open interest at `us` (a minute boundary). */
  openInterestAt(us: number, nowUs: number): SimOpenInterest {
    const m = Math.floor(us / US_PER_MINUTE);
    const wave = 1 + 0.2 * Math.sin((2 * Math.PI * m) / (3 * 1440));
    const hourVolume = this.market.rangeAgg(m - 60, m, nowUs).volume;
    return {
      us,
      lots: Math.round(this.#baseOiLots * wave + hourVolume),
      markTicks: this.markBefore(m, nowUs),
    };
  }

  /**
   * Liquidations of minute `m` (at most two, in distinct seconds), ascending. They follow the move of the
   * minute before (a cascade after it), so a live feed knows them the moment they happen: a liquidation
   * never depends on trades after it.
   */
  liquidationsOfMinute(m: number, nowUs: number): SimLiquidation[] {
    const mk = this.market;
    if (m - 1 < mk.startMinute) return [];
    const a = mk.rangeAgg(m - 1, m, nowUs);
    if (a.count === 0 || a.open === 0) return [];
    const range = (a.high - a.low) / a.open;
    if (range < 0.001) return [];
    const n = uniform(this.#liqBase, m, 0, 0) < 0.5 ? 1 : 2;
    const side: 'long' | 'short' = a.close < a.open ? 'long' : 'short';
    const out: SimLiquidation[] = [];
    const lot = 10 ** mk.spec.sizeDecimals;
    for (let i = 0; i < n; i++) {
      const sec = Math.floor(uniform(this.#liqBase, m, i + 1, 1) * 30) + i * 30;
      const ms = Math.floor(uniform(this.#liqBase, m, i + 1, 2) * 1000);
      const us = m * US_PER_MINUTE + sec * 1_000_000 + ms * 1000;
      if (us >= nowUs) break;
      const price = side === 'long' ? a.low : a.high;
      const lots = Math.max(
        1,
        Math.round(mk.spec.meanSize * lot * (1 + 9 * uniform(this.#liqBase, m, i + 1, 3))),
      );
      out.push({ us, side, price, lots });
    }
    return out;
  }

  /** Liquidations with `fromUs <= us < toUs`, ascending. */
  liquidations(fromUs: number, toUs: number, nowUs: number): SimLiquidation[] {
    const out: SimLiquidation[] = [];
    const m0 = Math.max(Math.floor(fromUs / US_PER_MINUTE), this.market.startMinute);
    const m1 = Math.ceil(Math.min(toUs, nowUs) / US_PER_MINUTE);
    for (let m = m0; m < m1; m++) {
      for (const l of this.liquidationsOfMinute(m, nowUs)) if (l.us >= fromUs && l.us < toUs) out.push(l);
    }
    return out;
  }

  /**
   * The live mark state at `us`: mark and index from the last minute with trades before the current
   * minute, the current (predicted) funding rate of the interval in progress, the next funding time.
   */
  markState(
    us: number,
    nowUs: number,
  ): {
    markTicks: number | undefined;
    indexTicks: number | undefined;
    rate1e8: number;
    nextFundingUs: number;
  } {
    const m = Math.floor(us / US_PER_MINUTE);
    const a = this.market.rangeAgg(m - 60, m, nowUs);
    const h = Math.floor((m - 1) / 60);
    const stepUs = this.fundingIntervalH * 3600 * 1e6;
    const next = Math.floor(us / stepUs) * stepUs + stepUs;
    let sum = 0;
    let n = 0;
    for (let hh = (next - stepUs) / 3.6e9; hh <= Math.floor(us / 3.6e9); hh++, n++)
      sum += this.premium1e8(hh);
    const rate = Math.max(-750_000, Math.min(750_000, Math.round(10_000 + sum / Math.max(1, n))));
    return {
      markTicks: a.count === 0 ? undefined : this.derive('mark', a.close, h),
      indexTicks: a.count === 0 ? undefined : this.derive('index', a.close, h),
      rate1e8: rate,
      nextFundingUs: next,
    };
  }
}

const MODELS = new WeakMap<SymbolMarket, DerivativesModel>();

/** The (cached) derivatives model of a symbol market. */
export function derivativesOf(market: SymbolMarket, options?: DerivativesOptions): DerivativesModel {
  let d = MODELS.get(market);
  if (!d) {
    d = new DerivativesModel(market, options);
    MODELS.set(market, d);
  }
  return d;
}
