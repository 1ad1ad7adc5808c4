/**
 * Progress on stderr for humans: a bar with rate, ETA and live counts of retries and rate-limit waits when
 * stderr is a terminal; plain periodic lines (no control characters) when it is not; nothing when quiet.
 *
 * @module
 */
import cliProgress from 'cli-progress';

/** A snapshot of a task's progress. */
export type ProgressState = {
  /** Units done (windows or pages). */
  done: number;
  /** Units in all, or -1 when unknown (trades follow a cursor). */
  total: number;
  /** Records written so far. */
  rows: number;
  /** Requests retried so far. */
  retries: number;
  /** Times the client waited because the exchange said to slow down. */
  rateLimitWaits: number;
};

/** How progress is shown. */
export type ProgressMode = 'bar' | 'lines' | 'quiet';

/** Picks the mode: `quiet` wins, then a bar on a TTY, plain lines otherwise. */
export function progressMode(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'bar' : 'lines';
}

/** Shows one task's progress. Call {@link ProgressReporter.update} often; it throttles itself. */
export class ProgressReporter {
  readonly #mode: ProgressMode;
  readonly #label: string;
  readonly #stream: NodeJS.WriteStream;
  readonly #intervalMs: number;
  readonly #started = Date.now();
  #bar: cliProgress.SingleBar | undefined;
  #lastLine = 0;
  #state: ProgressState = { done: 0, total: -1, rows: 0, retries: 0, rateLimitWaits: 0 };

  /**
   * @param label what is being done, e.g. `"binance BTCUSDT 1m candles"`
   * @param options.intervalMs time between plain lines @default 2000
   */
  constructor(
    label: string,
    mode: ProgressMode,
    options: { stream?: NodeJS.WriteStream; intervalMs?: number } = {},
  ) {
    this.#label = label;
    this.#mode = mode;
    this.#stream = options.stream ?? process.stderr;
    this.#intervalMs = options.intervalMs ?? 2000;
  }

  /** Merges `patch` into the state and redraws (bar) or prints a line when one is due (lines). */
  update(patch: Partial<ProgressState>): void {
    this.#state = { ...this.#state, ...patch };
    if (this.#mode === 'quiet') return;
    if (this.#mode === 'bar') {
      this.#drawBar();
      return;
    }
    const now = Date.now();
    if (now - this.#lastLine >= this.#intervalMs) {
      this.#lastLine = now;
      this.#stream.write(`${this.#plainLine()}\n`);
    }
  }

  /** Prints a message above the bar (or as a line). Shown even in quiet mode when `important`. */
  log(message: string, important = false): void {
    if (this.#mode === 'quiet' && !important) return;
    if (this.#bar) {
      this.#bar.stop();
      this.#bar = undefined;
    }
    this.#stream.write(`${message}\n`);
    if (this.#mode === 'bar') this.#drawBar();
  }

  /** Stops the bar and prints a final plain line (unless quiet). */
  stop(): void {
    if (this.#bar) {
      this.#bar.update(this.#state.done, this.#payload());
      this.#bar.stop();
      this.#bar = undefined;
    }
    if (this.#mode === 'lines') this.#stream.write(`${this.#plainLine()}\n`);
  }

  /** The current state. */
  get state(): Readonly<ProgressState> {
    return this.#state;
  }

  #drawBar(): void {
    const total = this.#state.total > 0 ? this.#state.total : Math.max(1, this.#state.done + 1);
    if (!this.#bar) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: this.#stream,
          format: `${this.#label} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted} | retries {retries} | rate-limit waits {waits}`,
          hideCursor: true,
          clearOnComplete: false,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, this.#state.done, this.#payload());
      return;
    }
    this.#bar.setTotal(total);
    this.#bar.update(this.#state.done, this.#payload());
  }

  #payload(): Record<string, string | number> {
    const secs = Math.max(0.001, (Date.now() - this.#started) / 1000);
    return {
      rows: this.#state.rows,
      rate: Math.round(this.#state.rows / secs),
      retries: this.#state.retries,
      waits: this.#state.rateLimitWaits,
    };
  }

  #plainLine(): string {
    const s = this.#state;
    const secs = (Date.now() - this.#started) / 1000;
    const pct =
      s.total > 0 ? `${Math.floor((100 * s.done) / s.total)}% (${s.done}/${s.total})` : `${s.done} pages`;
    const eta = s.total > 0 && s.done > 0 ? `, ETA ${Math.ceil((secs * (s.total - s.done)) / s.done)}s` : '';
    return `${this.#label}: ${pct}, ${s.rows} rows, ${Math.round(s.rows / Math.max(secs, 0.001))} rows/s, ${s.retries} retries, ${s.rateLimitWaits} rate-limit waits${eta}`;
  }
}
