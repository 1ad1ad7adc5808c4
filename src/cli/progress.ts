/**
 * Progress on stderr for humans: a bar with rate, ETA and live counts of retries and rate-limit waits when
 * stderr is a terminal, fitted to the terminal's width (`progress-line.ts`); plain periodic lines (no
 * control characters) when it is not; nothing when quiet. The ETA comes from a smoothed rate over the
 * covered range (`eta.ts`), so concurrent slices finishing together do not make it jump.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import { EtaSmoother } from './eta.js';
import { formatDuration, type ProgressFields, renderProgressLine } from './progress-line.js';

export { formatDuration } from './progress-line.js';

/** A snapshot of a task's progress. */
export type ProgressState = {
  /** Units done (windows, or per-mille of the time range for trades). */
  done: number;
  /** Units in all, or -1 when unknown. */
  total: number;
  /** Records written so far. */
  rows: number;
  /** Page requests made so far. */
  requests: number;
  /** Requests retried so far. */
  retries: number;
  /** Times the client waited because the exchange said to slow down (429, 418, Kraken's throttle). */
  rateLimitWaits: number;
  /**
   * Units fetched, when ahead of `done` (concurrent slices fetch ranges that are written later): the
   * ETA follows it, since it grows evenly where `done` jumps. @default done
   */
  etaDone?: number;
};

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

/** Picks the mode: `quiet` wins, then a bar on a TTY, plain lines otherwise. */
export function progressMode(stream: { isTTY?: boolean }, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bar' : 'lines';
}

/** Options of a {@link ProgressReporter}. */
export type ProgressOptions = {
  /** Where to draw. @default process.stderr */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Time between plain lines, ms. @default 2000 */
  intervalMs?: number;
  /** Clock in ms (tests). @default Date.now */
  now?: () => number;
  /** Time constant of the ETA's smoothed rate, ms. @default 20_000 */
  etaTauMs?: number;
};

/** Shows one task's progress. Call {@link ProgressReporter.update} often; it throttles itself. */
export class ProgressReporter {
  readonly #mode: ProgressMode;
  readonly #label: string;
  readonly #stream: NodeJS.WritableStream;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #started: number;
  readonly #eta: EtaSmoother;
  #bar: cliProgress.SingleBar | undefined;
  #lastLine: number;
  #stopped = false;
  #state: ProgressState = { done: 0, total: -1, rows: 0, requests: 0, retries: 0, rateLimitWaits: 0 };

  /** @param label what is being done, e.g. `"binance BTC/USDT 1m candles"` */
  constructor(label: string, mode: ProgressMode, options: ProgressOptions = {}) {
    this.#label = label;
    this.#mode = mode;
    this.#stream = options.stream ?? process.stderr;
    this.#intervalMs = options.intervalMs ?? 2000;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#lastLine = this.#started;
    this.#eta = new EtaSmoother(options.etaTauMs === undefined ? {} : { tauMs: options.etaTauMs });
  }

  /** The mode this reporter draws in. */
  get mode(): ProgressMode {
    return this.#mode;
  }

  /** The current state. */
  get state(): Readonly<ProgressState> {
    return this.#state;
  }

  /** Merges `patch` into the state and redraws (bar) or prints a line when one is due (lines). */
  update(patch: Partial<ProgressState>): void {
    this.#state = { ...this.#state, ...patch };
    if (this.#state.total > 0) {
      const covered = Math.max(this.#state.done, this.#state.etaDone ?? 0);
      this.#eta.sample(this.#now(), covered / this.#state.total, this.#started);
    }
    if (this.#mode === 'quiet' || this.#stopped) return;
    if (this.#mode === 'bar') {
      this.#drawBar();
      return;
    }
    const now = this.#now();
    if (now - this.#lastLine >= this.#intervalMs) {
      this.#lastLine = now;
      this.#stream.write(`${this.line()}\n`);
    }
  }

  /** Adds to the retry counters (from the HTTP client's `onRetry`). */
  countRetry(rateLimited: boolean): void {
    this.update({
      retries: this.#state.retries + 1,
      rateLimitWaits: this.#state.rateLimitWaits + (rateLimited ? 1 : 0),
    });
  }

  /** Prints a message above the bar (or as a line). Shown even in quiet mode when `important`. */
  log(message: string, important = false): void {
    if (this.#mode === 'quiet' && !important) return;
    const hadBar = this.#bar !== undefined;
    this.#clearBar();
    this.#stream.write(`${message}\n`);
    if (hadBar && !this.#stopped) this.#drawBar();
  }

  /** Stops the bar (clearing it) and, unless quiet, prints a final plain line. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearBar();
  }

  /** The state as one plain line: percentage, rows, rate, requests, retries, rate-limit waits, ETA. */
  line(): string {
    const f = this.fields();
    const pct = f.fraction === undefined ? '' : `${Math.min(100, Math.floor(100 * f.fraction))}%, `;
    const eta = f.etaSeconds === undefined ? '' : `, ETA ${formatDuration(f.etaSeconds)}`;
    return (
      `${f.label}: ${pct}${f.rows} rows, ${Math.round(f.rate)} rows/s, ${f.requests} requests, ` +
      `${f.retries} retries, ${f.rateLimitWaits} rate-limit waits${eta}`
    );
  }

  /** The numbers a line shows now (ETA from the smoothed rate). */
  fields(): ProgressFields {
    const s = this.#state;
    const now = this.#now();
    const secs = Math.max(0.001, (now - this.#started) / 1000);
    const known = s.total > 0;
    const covered = Math.max(s.done, s.etaDone ?? 0);
    const running = known && covered > 0 && s.done < s.total;
    return {
      label: this.#label,
      fraction: known ? Math.min(1, s.done / s.total) : undefined,
      rows: s.rows,
      rate: s.rows / secs,
      requests: s.requests,
      retries: s.retries,
      rateLimitWaits: s.rateLimitWaits,
      etaSeconds: running ? this.#eta.etaSeconds(now) : undefined,
    };
  }

  /** The bar's line for a terminal `width` columns wide (one column is kept free: no wrap). */
  barLine(width: number): string {
    return renderProgressLine(this.fields(), width - 1);
  }

  #clearBar(): void {
    if (!this.#bar) return;
    this.#bar.stop();
    this.#bar = undefined;
  }

  #drawBar(): void {
    const total = this.#state.total > 0 ? this.#state.total : Math.max(1, this.#state.done + 1);
    if (!this.#bar) {
      const stream = this.#stream as NodeJS.WritableStream & { columns?: number };
      this.#bar = new cliProgress.SingleBar(
        {
          stream,
          // The whole line is ours, fitted to the width now (the terminal may have been resized).
          format: () => this.barLine(stream.columns || 80),
          hideCursor: true,
          clearOnComplete: true,
          linewrap: false,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, Math.min(this.#state.done, total));
      return;
    }
    this.#bar.setTotal(total);
    this.#bar.update(Math.min(this.#state.done, total));
  }
}
