/**
 * Fault injection, seeded: each request draws its fate from one PRNG, so a given `faults.seed` and
 * request order always fail the same way. Pure decision; the server acts on it.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import { mulberry32 } from './market/rng.js';

/** Faults injected into responses. Rates are fractions of requests in [0, 1]; their sum must be ≤ 1. */
export type FaultOptions = {
  /** Fixed delay before every response, ms. @default 0 */
  latencyMs?: number;
  /** Extra uniformly random delay in [0, jitterMs), ms. @default 0 */
  jitterMs?: number;
  /** Fraction answered with a 5xx (500, 502, 503 or 504) in the exchange's error shape. @default 0 */
  errorRate?: number;
  /** Fraction whose connection is destroyed after part of the response was sent. @default 0 */
  resetRate?: number;
  /** Fraction answered 200 with a JSON body cut short (Content-Length matches the cut). @default 0 */
  truncateRate?: number;
  /** Fraction that send headers and part of the body, then never complete. @default 0 */
  stallRate?: number;
  /** Seed of the fault sequence. @default the simulator's `seed` */
  seed?: number;
};

/** The kinds of fault. */
export type FaultKind = 'none' | 'error' | 'reset' | 'truncate' | 'stall';

/** What to do to one response. */
export type FaultDecision = {
  kind: FaultKind;
  /** Delay before answering, ms. */
  delayMs: number;
  /** Status for `'error'`. */
  status: number;
  /** Fraction of the body to send for `'reset'`, `'truncate'` and `'stall'`, in (0, 1). */
  cut: number;
};

const STATUSES = [500, 502, 503, 504];

/** The seeded sequence of fault decisions of one simulator. */
export class FaultPlan {
  readonly #rnd: () => number;
  readonly #o: Required<Omit<FaultOptions, 'seed'>>;
  /** True when no fault and no latency is configured (the server skips the PRNG). */
  readonly idle: boolean;

  constructor(options: FaultOptions | undefined, defaultSeed: number) {
    const o = options ?? {};
    const num = (name: keyof FaultOptions, max: number) => {
      const v = o[name] ?? 0;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
        throw new ValidationError(`options.faults.${name}`, v, `a number in [0, ${max}]`);
      }
      return v;
    };
    this.#o = {
      latencyMs: num('latencyMs', 600_000),
      jitterMs: num('jitterMs', 600_000),
      errorRate: num('errorRate', 1),
      resetRate: num('resetRate', 1),
      truncateRate: num('truncateRate', 1),
      stallRate: num('stallRate', 1),
    };
    const { errorRate, resetRate, truncateRate, stallRate } = this.#o;
    if (errorRate + resetRate + truncateRate + stallRate > 1 + 1e-12) {
      throw new ValidationError(
        'options.faults',
        o,
        'rates (error, reset, truncate, stall) summing to at most 1',
      );
    }
    const seed = o.seed ?? defaultSeed;
    if (!Number.isInteger(seed)) throw new ValidationError('options.faults.seed', seed, 'an integer');
    this.#rnd = mulberry32(seed ^ 0x5eed);
    this.idle = Object.values(this.#o).every((v) => v === 0);
  }

  /** The next request's fate. */
  next(): FaultDecision {
    const o = this.#o;
    if (this.idle) return { kind: 'none', delayMs: 0, status: 200, cut: 1 };
    const u = this.#rnd();
    const j = this.#rnd();
    const c = this.#rnd();
    const delayMs = o.latencyMs + o.jitterMs * j;
    const e = o.errorRate;
    const r = e + o.resetRate;
    const t = r + o.truncateRate;
    const st = t + o.stallRate;
    const kind: FaultKind =
      u < e ? 'error' : u < r ? 'reset' : u < t ? 'truncate' : u < st ? 'stall' : 'none';
    return { kind, delayMs, status: STATUSES[Math.floor(c * STATUSES.length)] ?? 500, cut: 0.1 + 0.8 * c };
  }
}
