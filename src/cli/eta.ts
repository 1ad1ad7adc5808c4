/**
 * The ETA of a progress line, from a smoothed rate of progress over the covered time range.
 *
 * With concurrent slices the covered range does not grow evenly: it stands still while the first slice
 * is still being fetched and then jumps when the slices after it are merged. `elapsed × left / done`
 * follows every jump (5m05s at 7 %, then 1m10s at 25 % a second later). Here the measured rate (the
 * fraction covered per second since the start) only pulls the shown rate towards itself with a time
 * constant (`tauMs`): an exponentially weighted moving average whose weight depends on the time between
 * samples, not on how often they come. A jump thus moves the estimate by a few percent per second, and a
 * sustained change of speed still shows up within a few time constants.
 *
 * @module
 */

/** Options of {@link EtaSmoother}. */
export type EtaOptions = {
  /** Time constant of the rate's moving average, ms. @default 20_000 */
  tauMs?: number;
  /** No ETA before this much time has passed since the first sample, ms (the first rate is noise). @default 1_000 */
  warmupMs?: number;
};

/** Smoothed progress rate → ETA. Feed it `(nowMs, fraction)` samples; read {@link EtaSmoother.etaSeconds}. */
export class EtaSmoother {
  readonly #tauMs: number;
  readonly #warmupMs: number;
  #startMs: number | undefined;
  #lastMs: number | undefined;
  #fraction = 0;
  /** Smoothed fraction per ms. */
  #rate: number | undefined;

  constructor(options: EtaOptions = {}) {
    this.#tauMs = options.tauMs ?? 20_000;
    this.#warmupMs = options.warmupMs ?? 1_000;
  }

  /** The smoothed rate, fraction per second (`undefined` before the warm-up). */
  get ratePerSecond(): number | undefined {
    return this.#rate === undefined ? undefined : this.#rate * 1000;
  }

  /**
   * One sample: `fraction` (in `[0, 1]`) of the range covered at `nowMs`. Samples out of time order are ignored.
   * @param startMs when the work started (the first sample's time if omitted)
   */
  sample(nowMs: number, fraction: number, startMs?: number): void {
    this.#startMs ??= startMs ?? nowMs;
    if (this.#lastMs !== undefined && nowMs < this.#lastMs) return;
    this.#fraction = Math.min(1, Math.max(0, fraction));
    const elapsed = nowMs - this.#startMs;
    if (elapsed < this.#warmupMs) {
      this.#lastMs = nowMs;
      return;
    }
    const measured = this.#fraction / elapsed;
    // Nothing covered yet says nothing about the speed: start from the first real measurement.
    if (this.#rate === undefined) {
      if (measured > 0) this.#rate = measured;
    } else {
      const dt = nowMs - (this.#lastMs ?? nowMs);
      const alpha = 1 - Math.exp(-dt / this.#tauMs);
      this.#rate += alpha * (measured - this.#rate);
    }
    this.#lastMs = nowMs;
  }

  /**
   * Seconds left at `nowMs`: what is not covered yet at the smoothed rate, less the time since the last
   * sample. `undefined` before the warm-up, once done, or while nothing was covered.
   */
  etaSeconds(nowMs: number): number | undefined {
    const rate = this.#rate;
    if (rate === undefined || rate <= 0 || this.#fraction >= 1) return undefined;
    const sinceLast = Math.max(0, nowMs - (this.#lastMs ?? nowMs));
    return Math.max(0, (1 - this.#fraction) / rate - sinceLast) / 1000;
  }
}
