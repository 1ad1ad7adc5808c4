/**
 * Progress on stderr for humans: a bar with rate, ETA and live counts of retries and rate-limit waits when
 * stderr is a terminal; plain periodic lines (no control characters) when it is not; nothing when quiet.
 *
 * @module
 */
import cliProgress from 'cli-progress';

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
};

/** Shows one task's progress. Call {@link ProgressReporter.update} often; it throttles itself. */
export class ProgressReporter {
  readonly #mode: ProgressMode;
  readonly #label: string;
  readonly #stream: NodeJS.WritableStream;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #started: number;
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
    const s = this.#state;
    const secs = Math.max(0.001, (this.#now() - this.#started) / 1000);
    const pct = s.total > 0 ? `${Math.min(100, Math.floor((100 * s.done) / s.total))}%, ` : '';
    const eta =
      s.total > 0 && s.done > 0 && s.done < s.total
        ? `, ETA ${formatDuration((secs * (s.total - s.done)) / s.done)}`
        : '';
    return (
      `${this.#label}: ${pct}${s.rows} rows, ${Math.round(s.rows / secs)} rows/s, ${s.requests} requests, ` +
      `${s.retries} retries, ${s.rateLimitWaits} rate-limit waits${eta}`
    );
  }

  #clearBar(): void {
    if (!this.#bar) return;
    this.#bar.stop();
    this.#bar = undefined;
  }

  #drawBar(): void {
    const total = this.#state.total > 0 ? this.#state.total : Math.max(1, this.#state.done + 1);
    if (!this.#bar) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: this.#stream as NodeJS.WritableStream,
          format: `${this.#label} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted} | {requests} req | {retries} retries | {waits} rate-limit waits`,
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, Math.min(this.#state.done, total), this.#payload());
      return;
    }
    this.#bar.setTotal(total);
    this.#bar.update(Math.min(this.#state.done, total), this.#payload());
  }

  #payload(): Record<string, string | number> {
    const secs = Math.max(0.001, (this.#now() - this.#started) / 1000);
    return {
      rows: this.#state.rows,
      rate: Math.round(this.#state.rows / secs),
      requests: this.#state.requests,
      retries: this.#state.retries,
      waits: this.#state.rateLimitWaits,
    };
  }
}

/** Formats seconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
