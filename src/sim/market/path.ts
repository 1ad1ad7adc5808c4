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
import { gaussian, uniform } from './rng.js';
import type { SymbolSpec } from './symbols.js';

const LEVELS = [1, 8, 64, 512, 4096, 32_768, 262_144, 2_097_152];
const ACTIVITY_SCALE = 180;

const SALT_PRICE = 100; // + level
const SALT_ACTIVITY = 200;
const SALT_COUNT = 201;
const SALT_BURST = 202;
const SALT_DEAD_HOUR = 203;
const SALT_HIGH = 204;
const SALT_LOW = 205;
const SALT_ONE_SIDE = 206;
const SALT_VOLUME = 207;
const SALT_BUYS = 208;

/** Value noise at one level, with the last lattice cell memoised. */
class NoiseLevel {
  #cell = Number.NaN;
  #g0 = 0;
  #g1 = 0;
  constructor(
    readonly seed: number,
    readonly key: number,
    readonly scale: number,
    readonly salt: number,
  ) {}

  at(m: number): number {
    const cell = Math.floor(m / this.scale);
    if (cell !== this.#cell) {
      if (cell === this.#cell + 1) this.#g0 = this.#g1;
      else this.#g0 = gaussian(this.seed, this.key, cell, this.salt);
      this.#g1 = gaussian(this.seed, this.key, cell + 1, this.salt);
      this.#cell = cell;
    }
    const f = (m - cell * this.scale) / this.scale;
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
    const seed = this.#seed;
    const key = this.spec.key;
    if (this.spec.illiquid) {
      if (uniform(seed, key, Math.floor(m / 60), SALT_DEAD_HOUR) < 0.75) return 0;
      const u = uniform(seed, key, m, SALT_COUNT);
      if (u >= this.#pTrade) return 0;
      return 1 + Math.floor((u / this.#pTrade) * 3);
    }
    let rate = this.#perMinute * Math.exp(0.4 * this.#activity.at(m) - 0.1);
    const b = uniform(seed, key, m, SALT_BURST);
    if (b < 0.03) rate *= 2 + 100 * b;
    return Math.floor(rate * (0.8 + 0.4 * uniform(seed, key, m, SALT_COUNT)));
  }

  /** The full aggregate of minute `m` (ignores "now"), written into `out`. */
  minute(m: number, out: Agg): Agg {
    const n = this.count(m);
    out.count = n;
    if (n === 0) {
      out.open = out.high = out.low = out.close = 0;
      out.volume = out.buyVolume = out.buyCount = out.quoteVolume = out.buyQuoteVolume = 0;
      return out;
    }
    const seed = this.#seed;
    const key = this.spec.key;
    const open = this.priceAt(m);
    const close = n === 1 ? open : this.priceAt(m + 1);
    let hiEx = 0;
    let loEx = 0;
    if (n >= 3) {
      const scale = open * this.spec.sigmaPerMinute * 0.7;
      hiEx = Math.floor(Math.abs(gaussian(seed, key, m, SALT_HIGH)) * scale);
      loEx = Math.floor(Math.abs(gaussian(seed, key, m, SALT_LOW)) * scale);
      // With one interior trade only one excursion fits.
      if (n === 3) {
        if (uniform(seed, key, m, SALT_ONE_SIDE) < 0.5) hiEx = 0;
        else loEx = 0;
      }
    }
    const high = Math.max(open, close) + hiEx;
    const low = Math.max(1, Math.min(open, close) - loEx);
    const volume =
      n + Math.floor(n * this.#meanLots * Math.exp(0.5 * gaussian(seed, key, m, SALT_VOLUME) - 0.125));
    let buyCount = Math.round(n * (0.5 + 0.12 * gaussian(seed, key, m, SALT_BUYS)));
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
