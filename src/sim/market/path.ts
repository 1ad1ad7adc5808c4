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
import { streamBase } from './rng.js';
import type { SymbolSpec } from './symbols.js';

const LEVELS = [1, 8, 64, 512, 4096, 32_768, 262_144, 2_097_152];
const ACTIVITY_SCALE = 180;

const SALT_PRICE = 100; // + level
const SALT_ACTIVITY = 200;
const SALT_MINUTE = 201;
const SALT_DEAD_HOUR = 203;
const SQRT3 = Math.sqrt(3);

// The hashes of rng.ts kept as int32 (same 32 bits; `unit` and `gauss` read them unsigned), so that
// they stay small integers in registers instead of boxed numbers on the hot path.
function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}
/** rng.ts `hashAt` as int32. */
function hashAtI(base: number, i: number): number {
  return mix(mix(base + Math.imul(i, 0x9e3779b1)) ^ base);
}
/** rng.ts `nextHash` as int32. */
function nextI(h: number): number {
  return mix(h + 0x6d2b79f5);
}
/** rng.ts `unitOf` of an int32 hash. */
function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}
/** rng.ts `gaussOf` of an int32 hash. */
function gauss(h: number): number {
  const sum = (h & 0xff) + ((h >>> 8) & 0xff) + ((h >>> 16) & 0xff) + (h >>> 24);
  return ((sum + 2) / 256 - 2) * SQRT3;
}

/**
 * Value noise at one level, with the last lattice cell memoised. Within that cell no division is
 * needed to find it, and for power-of-two scales the interpolation weight multiplies by the exact
 * reciprocal (the same number as dividing).
 */
class NoiseLevel {
  #cell = Number.NaN;
  /** First minute of the memoised cell (`cell * scale`) and the first after it. */
  #lo = Number.NaN;
  #hi = Number.NaN;
  #g0 = 0;
  #g1 = 0;
  readonly #base: number;
  readonly #scale: number;
  /** 1 / scale when that is exact (scale a power of two), else 0. */
  readonly #inv: number;
  constructor(seed: number, key: number, scale: number, salt: number) {
    this.#base = streamBase(seed, key, salt);
    this.#scale = scale;
    this.#inv = Number.isInteger(Math.log2(scale)) ? 1 / scale : 0;
  }

  at(m: number): number {
    if (!(m >= this.#lo && m < this.#hi)) {
      const scale = this.#scale;
      const cell = scale === 1 ? m : Math.floor(m / scale);
      this.#g0 = cell === this.#cell + 1 ? this.#g1 : gauss(hashAtI(this.#base, cell));
      this.#g1 = gauss(hashAtI(this.#base, cell + 1));
      this.#cell = cell;
      this.#lo = cell * scale;
      this.#hi = this.#lo + scale;
    }
    const d = m - this.#lo;
    if (d === 0) return this.#g0;
    const f = this.#inv !== 0 ? d * this.#inv : d / this.#scale;
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
  // The price levels, flattened (see NoiseLevel): per level its stream base, scale, exact reciprocal,
  // amplitude, and the memoised cell with its two lattice values.
  readonly #bases: Float64Array;
  readonly #scales: Float64Array;
  readonly #invs: Float64Array;
  readonly #amps: Float64Array;
  readonly #cells = new Float64Array(LEVELS.length).fill(Number.NaN);
  readonly #los = new Float64Array(LEVELS.length).fill(Number.NaN);
  readonly #his = new Float64Array(LEVELS.length).fill(Number.NaN);
  readonly #g0s = new Float64Array(LEVELS.length);
  readonly #g1s = new Float64Array(LEVELS.length);
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
    this.#bases = Float64Array.from(LEVELS, (_, i) => streamBase(this.#seed, spec.key, SALT_PRICE + i));
    this.#scales = Float64Array.from(LEVELS);
    this.#invs = Float64Array.from(LEVELS, (s) => 1 / s); // powers of two: exact
    this.#amps = Float64Array.from(LEVELS, (s, i) =>
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
    const los = this.#los;
    const his = this.#his;
    const g0s = this.#g0s;
    const amps = this.#amps;
    let x = 0;
    for (let i = 0; i < LEVELS.length; i++) {
      if (!(m >= los[i]! && m < his[i]!)) this.#enterCell(i, m);
      const d = m - los[i]!;
      const g0 = g0s[i]!;
      let v = g0;
      if (d !== 0) {
        const f = d * this.#invs[i]!;
        const t = f * f * (3 - 2 * f);
        v = g0 + (this.#g1s[i]! - g0) * t;
      }
      x += amps[i]! * v;
    }
    const ticks = Math.max(1, Math.round(this.spec.basePrice * Math.exp(x) * this.#ticksPerUnit));
    this.#lastM = m;
    this.#lastTicks = ticks;
    return ticks;
  }

  /** Moves price level `i` to the lattice cell holding minute `m` (as NoiseLevel.at does). */
  #enterCell(i: number, m: number): void {
    const scale = this.#scales[i]!;
    const cell = scale === 1 ? m : Math.floor(m / scale);
    const base = this.#bases[i]!;
    this.#g0s[i] = cell === this.#cells[i]! + 1 ? this.#g1s[i]! : gauss(hashAtI(base, cell));
    this.#g1s[i] = gauss(hashAtI(base, cell + 1));
    this.#cells[i] = cell;
    this.#los[i] = cell * scale;
    this.#his[i] = cell * scale + scale;
  }

  /** Number of trades in minute `m` (0 before the history start). */
  count(m: number): number {
    if (m < this.startMinute) return 0;
    return this.#count(m, hashAtI(this.#minuteBase, m));
  }

  /** The count from the minute's hash `h` (the first of its chain). */
  #count(m: number, h: number): number {
    if (this.spec.illiquid) {
      if (unit(hashAtI(this.#hourBase, Math.floor(m / 60))) < 0.75) return 0;
      const u = unit(h);
      if (u >= this.#pTrade) return 0;
      return 1 + Math.floor((u / this.#pTrade) * 3);
    }
    let rate = this.#perMinute * Math.exp(0.4 * this.#activity.at(m) - 0.1);
    const b = unit(nextI(h));
    if (b < 0.03) rate *= 2 + 100 * b;
    return Math.floor(rate * (0.8 + 0.4 * unit(h)));
  }

  /** The full aggregate of minute `m` (ignores "now"), written into `out`. */
  minute(m: number, out: Agg): Agg {
    const h0 = hashAtI(this.#minuteBase, m);
    const n = m < this.startMinute ? 0 : this.#count(m, h0);
    out.count = n;
    if (n === 0) {
      out.open = out.high = out.low = out.close = 0;
      out.volume = out.buyVolume = out.buyCount = out.quoteVolume = out.buyQuoteVolume = 0;
      return out;
    }
    const h2 = nextI(nextI(h0));
    const h3 = nextI(h2);
    const h4 = nextI(h3);
    const h5 = nextI(h4);
    const open = this.priceAt(m);
    const close = n === 1 ? open : this.priceAt(m + 1);
    let hiEx = 0;
    let loEx = 0;
    if (n >= 3) {
      const scale = open * this.spec.sigmaPerMinute * 0.7;
      hiEx = Math.floor(Math.abs(gauss(h2)) * scale);
      loEx = Math.floor(Math.abs(gauss(h3)) * scale);
      // With one interior trade only one excursion fits.
      if (n === 3) {
        if ((h4 & 1) === 0) hiEx = 0;
        else loEx = 0;
      }
    }
    const high = Math.max(open, close) + hiEx;
    const low = Math.max(1, Math.min(open, close) - loEx);
    const volume = n + Math.floor(n * this.#meanLots * Math.exp(0.5 * gauss(h4) - 0.125));
    let buyCount = Math.round(n * (0.5 + 0.12 * gauss(h5)));
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
