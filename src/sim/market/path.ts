/**
 * The per-minute market of one symbol, evaluated in O(1) for any minute without generating trades:
 * trade count, open/high/low/close, volume and taker-buy split, each a pure function of
 * `(seed, symbol, minute)`.
 *
 * The log price is multi-scale value noise: lattice values every 1, 8, 64, … 2^21 minutes, smoothly
 * interpolated and summed with amplitudes growing like √scale, which looks like a random walk at every
 * horizon yet can be evaluated at any minute directly. The last lattice cell of each level is
 * memoised, so consecutive minutes cost about one new hash per level-0 step.
 *
 * @module
 */
import type { Agg } from './agg.js';
import { gaussOf, hashAt, nextHash, streamBase, unitOf } from './rng.js';
import type { SymbolSpec } from './symbols.js';

const LEVELS = [1, 8, 64, 512, 4096, 32_768, 262_144, 2_097_152];
const ACTIVITY_SCALE = 180;

const SALT_PRICE = 100; // + level
const SALT_ACTIVITY = 200;
const SALT_MINUTE = 201;
const SALT_DEAD_HOUR = 203;

/** Value noise at one level, with the last lattice cell memoised. */
class NoiseLevel {
  #cell = Number.NaN;
  #g0 = 0;
  #g1 = 0;
  readonly #base: number;
  readonly #scale: number;
  constructor(seed: number, key: number, scale: number, salt: number) {
    this.#base = streamBase(seed, key, salt);
    this.#scale = scale;
  }

  at(m: number): number {
    const scale = this.#scale;
    const cell = scale === 1 ? m : Math.floor(m / scale);
    if (cell !== this.#cell) {
      this.#g0 = cell === this.#cell + 1 ? this.#g1 : gaussOf(hashAt(this.#base, cell));
      this.#g1 = gaussOf(hashAt(this.#base, cell + 1));
      this.#cell = cell;
    }
    if (scale === 1) return this.#g0;
    const f = (m - cell * scale) / scale;
    if (f === 0) return this.#g0;
    const t = f * f * (3 - 2 * f);
    return this.#g0 + (this.#g1 - this.#g0) * t;
  }
}

/** The O(1)-per-minute model of one symbol. Holds only a few memoised numbers. */
export class MinutePath {
  readonly spec: SymbolSpec;
  /** First minute (epoch minutes) with trades. */
  readonly startMinute: number;
  readonly #seed: number;
  readonly #levels: NoiseLevel[];
  readonly #amps: number[];
  readonly #activity: NoiseLevel;
  readonly #ticksPerUnit: number;
  readonly #meanLots: number;
  readonly #perMinute: number;
  readonly #pTrade: number;
  readonly #minuteBase: number;
  readonly #hourBase: number;
  // memo of the last priced minute (consecutive minutes share a boundary)
  #lastM = Number.NaN;
  #lastTicks = 0;

  constructor(spec: SymbolSpec, seed: number, startMinute: number) {
    this.spec = spec;
    this.startMinute = startMinute;
    this.#seed = seed >>> 0;
    this.#levels = LEVELS.map((s, i) => new NoiseLevel(this.#seed, spec.key, s, SALT_PRICE + i));
    this.#amps = LEVELS.map((s, i) =>
      i === 0 ? spec.sigmaPerMinute : Math.min(spec.sigmaPerMinute * Math.sqrt(s) * 0.8, 0.5),
    );
    this.#activity = new NoiseLevel(this.#seed, spec.key, ACTIVITY_SCALE, SALT_ACTIVITY);
    this.#ticksPerUnit = 10 ** spec.priceDecimals;
    this.#meanLots = spec.meanSize * 10 ** spec.sizeDecimals;
    this.#perMinute = spec.tradesPerSecond * 60;
    this.#pTrade = Math.min(0.9, 0.1 * spec.tradesPerSecond);
    this.#minuteBase = streamBase(this.#seed, spec.key, SALT_MINUTE);
    this.#hourBase = streamBase(this.#seed, spec.key, SALT_DEAD_HOUR);
  }

  /** Price in ticks at the start of minute `m` (the minute's open when it has trades). */
  priceAt(m: number): number {
    if (m === this.#lastM) return this.#lastTicks;
    let x = 0;
    for (let i = 0; i < this.#levels.length; i++) x += this.#amps[i]! * this.#levels[i]!.at(m);
    const ticks = Math.max(1, Math.round(this.spec.basePrice * Math.exp(x) * this.#ticksPerUnit));
    this.#lastM = m;
    this.#lastTicks = ticks;
    return ticks;
  }

  /** Number of trades in minute `m` (0 before the history start). */
  count(m: number): number {
    if (m < this.startMinute) return 0;
    return this.#count(m, hashAt(this.#minuteBase, m));
  }

  /** The count from the minute's hash `h` (the first of its chain). */
  #count(m: number, h: number): number {
    if (this.spec.illiquid) {
      if (unitOf(hashAt(this.#hourBase, Math.floor(m / 60))) < 0.75) return 0;
      const u = unitOf(h);
      if (u >= this.#pTrade) return 0;
      return 1 + Math.floor((u / this.#pTrade) * 3);
    }
    let rate = this.#perMinute * Math.exp(0.4 * this.#activity.at(m) - 0.1);
    const b = unitOf(nextHash(h));
    if (b < 0.03) rate *= 2 + 100 * b;
    return Math.floor(rate * (0.8 + 0.4 * unitOf(h)));
  }

  /** The full aggregate of minute `m` (ignores "now"), written into `out`. */
  minute(m: number, out: Agg): Agg {
    const h0 = hashAt(this.#minuteBase, m);
    const n = m < this.startMinute ? 0 : this.#count(m, h0);
    out.count = n;
    if (n === 0) {
      out.open = out.high = out.low = out.close = 0;
      out.volume = out.buyVolume = out.buyCount = out.quoteVolume = out.buyQuoteVolume = 0;
      return out;
    }
    const h2 = nextHash(nextHash(h0));
    const h3 = nextHash(h2);
    const h4 = nextHash(h3);
    const h5 = nextHash(h4);
    const open = this.priceAt(m);
    const close = n === 1 ? open : this.priceAt(m + 1);
    let hiEx = 0;
    let loEx = 0;
    if (n >= 3) {
      const scale = open * this.spec.sigmaPerMinute * 0.7;
      hiEx = Math.floor(Math.abs(gaussOf(h2)) * scale);
      loEx = Math.floor(Math.abs(gaussOf(h3)) * scale);
      // With one interior trade only one excursion fits.
      if (n === 3) {
        if ((h4 & 1) === 0) hiEx = 0;
        else loEx = 0;
      }
    }
    const high = Math.max(open, close) + hiEx;
    const low = Math.max(1, Math.min(open, close) - loEx);
    const volume = n + Math.floor(n * this.#meanLots * Math.exp(0.5 * gaussOf(h4) - 0.125));
    let buyCount = Math.round(n * (0.5 + 0.12 * gaussOf(h5)));
    buyCount = Math.max(0, Math.min(n, buyCount));
    const buyVolume = buyCount + Math.floor(((volume - n) * buyCount) / n);
    const typical = (open + high + low + close) / 4;
    out.open = open;
    out.high = high;
    out.low = low;
    out.close = close;
    out.volume = volume;
    out.buyVolume = buyVolume;
    out.buyCount = buyCount;
    out.quoteVolume = volume * typical;
    out.buyQuoteVolume = buyVolume * typical;
    return out;
  }
}
