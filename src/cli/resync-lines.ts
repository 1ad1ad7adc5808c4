/**
 * The stderr lines of book resyncs, with repeats collapsed: the first resync of a run of identical ones
 * (same symbol, same reason, no valid book in between) is printed at once; the rest are counted and
 * summed up in one line with the count when the run ends (a new snapshot, another reason, the end of the
 * stream). A book whose checksum never matches thus prints two lines, not thousands.
 *
 * @module
 */
import type { BookResyncEvent } from '../stream/index.js';

/** The counting state of the current run of identical resyncs. */
type Streak = {
  key: string;
  head: string;
  count: number;
  lastDetail: string;
  firstMs: number;
  lastMs: number;
};

/** Collapses runs of identical resync lines; `write` gets whole lines (without the newline). */
export class ResyncLines {
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  #streak: Streak | undefined;
  #total = 0;

  /** @param now clock in ms (tests) */
  constructor(write: (line: string) => void, now: () => number = () => performance.now()) {
    this.#write = write;
    this.#now = now;
  }

  /** Resyncs seen (each one, collapsed or not). */
  get total(): number {
    return this.#total;
  }

  /** One resync event: printed if it starts a run, counted if it repeats the current one. */
  resync(exchange: string, ev: Pick<BookResyncEvent, 'symbol' | 'reason' | 'detail'>): void {
    this.#total++;
    const head = `tickwire: ${exchange} ${ev.symbol}: resync (${ev.reason})`;
    const now = this.#now();
    const s = this.#streak;
    if (s && s.key === head) {
      s.count++;
      s.lastDetail = ev.detail;
      s.lastMs = now;
      return;
    }
    this.flush();
    this.#write(`${head}: ${ev.detail}`);
    this.#streak = { key: head, head, count: 1, lastDetail: ev.detail, firstMs: now, lastMs: now };
  }

  /** The book became valid again: a later resync starts a new run. */
  valid(): void {
    this.flush();
  }

  /** Ends the current run: when it repeated, one line with the count. Idempotent. */
  flush(): void {
    const s = this.#streak;
    this.#streak = undefined;
    if (!s || s.count < 2) return;
    const secs = ((s.lastMs - s.firstMs) / 1000).toFixed(1);
    this.#write(`${s.head} x${s.count} in a row over ${secs} s (last: ${s.lastDetail})`);
  }
}
