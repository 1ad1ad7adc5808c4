/**
 * The buffer between a socket (producer) and one consumer, with high/low-water marks for real
 * backpressure: `push` says when the producer must pause, and the queue calls `onDrain` once the
 * consumer has taken it down to the low-water mark. A ring buffer, so steady-state traffic allocates
 * nothing per item; each item carries the time it was queued (for the parse context).
 *
 * The bound is soft by design: a paused socket still delivers the frames already inside its current
 * TCP chunk, so the size can exceed `highWater` by one chunk's worth of frames, never more.
 *
 * @module
 */

/** A FIFO ring buffer with high/low-water signalling. Single producer, single consumer. */
export class BoundedQueue<E> {
  /** Size at or above which `push` returns false (the producer should pause). */
  readonly highWater: number;
  /** Size at or below which `onDrain` fires after a refused push. */
  readonly lowWater: number;
  /** Largest size ever reached (a diagnostic; tests assert it stays near `highWater`). */
  peak = 0;
  #items: (E | undefined)[];
  #times: Float64Array;
  #mask: number;
  #head = 0;
  #size = 0;
  #draining = false;
  #onDrain: () => void;
  /** The queue time of the item last returned by {@link shift}, epoch ms. */
  lastTimeMs = 0;

  /**
   * @param highWater Positive integer.
   * @param onDrain Called once each time the size falls to `lowWater` after `push` returned false.
   */
  constructor(highWater: number, onDrain: () => void) {
    this.highWater = highWater;
    this.lowWater = Math.floor(highWater / 2);
    this.#onDrain = onDrain;
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, highWater * 2)));
    this.#items = new Array<E | undefined>(capacity).fill(undefined);
    this.#times = new Float64Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Items waiting. */
  get size(): number {
    return this.#size;
  }

  /** Appends `item`; returns false when the queue is at or above `highWater` (pause the producer). */
  push(item: E, timeMs: number): boolean {
    if (this.#size === this.#items.length) this.#grow();
    const at = (this.#head + this.#size) & this.#mask;
    this.#items[at] = item;
    this.#times[at] = timeMs;
    const size = ++this.#size;
    if (size > this.peak) this.peak = size;
    if (size >= this.highWater) {
      this.#draining = true;
      return false;
    }
    return true;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): E | undefined {
    if (this.#size === 0) return undefined;
    const at = this.#head;
    const item = this.#items[at];
    this.#items[at] = undefined;
    this.lastTimeMs = this.#times[at] ?? 0;
    this.#head = (at + 1) & this.#mask;
    const size = --this.#size;
    if (this.#draining && size <= this.lowWater) {
      this.#draining = false;
      this.#onDrain();
    }
    return item;
  }

  /** Drops every item (and any pending drain signal). */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#draining = false;
  }

  #grow(): void {
    const old = this.#items;
    const oldTimes = this.#times;
    const capacity = old.length * 2;
    const items = new Array<E | undefined>(capacity).fill(undefined);
    const times = new Float64Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & this.#mask;
      items[i] = old[from];
      times[i] = oldTimes[from] ?? 0;
    }
    this.#items = items;
    this.#times = times;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}
