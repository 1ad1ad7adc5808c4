/**
 * The iterator behind `stream.trades`: an `AsyncGenerator` with two lanes. The fast lane is a plain
 * function that turns one feed item into the item to yield (or drops it) synchronously; it serves
 * everything the feed has buffered without a promise turn of its own, so a burst of trades costs one
 * resolved promise each. Whatever needs I/O or several items (a gap repair, an error) goes to the slow
 * lane, an async generator run to its end before the fast lane goes on, so the order is the one a
 * single generator would give.
 *
 * Why not one `async function*`: every item would pass through a generator resume, a `for await` over
 * the feed and a `yield` (three promise turns) where the fast lane needs one, and on Kraken-sized
 * frames (hundreds of trades each) that is a large share of the per-trade cost.
 *
 * @module
 */
import type { FeedEvent } from '../transport/websocket/events.js';
import { FeedIterator, type FeedStream, NOTHING } from '../transport/websocket/feed-iterator.js';

/** Returned by {@link Lanes.fast}: nothing to yield for this item. */
export const SKIP: unique symbol = Symbol('skip');
/** Returned by {@link Lanes.fast}: hand the item to {@link Lanes.slow}. */
export const SLOW: unique symbol = Symbol('slow');

/** What a {@link LaneStream} runs on, made by its `open` function. */
export type Lanes<T, R> = {
  /** The feed's records and events. */
  readonly source: FeedStream<R | FeedEvent>;
  /** The item for `record`, {@link SKIP}, or {@link SLOW}. Must not throw for the usual records. */
  fast(record: R | FeedEvent): T | typeof SKIP | typeof SLOW;
  /** Every item for a record the fast lane passed on. */
  slow(record: R | FeedEvent): AsyncGenerator<T, void, undefined>;
  /** Whether an error ends the stream quietly (the caller's abort) instead of rejecting. */
  quiet(error: unknown): boolean;
  /** Releases what `open` acquired (after the source is closed). */
  close(): Promise<void>;
};

const DONE: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });
const DONE_SOURCE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * An `AsyncGenerator` over `open()`'s lanes. `open` runs on the first `next()` (as a generator body
 * would: argument errors reject that call); it returns `undefined` to end the stream at once.
 */
export class LaneStream<T, R> implements AsyncGenerator<T, void, undefined> {
  #open: (() => Promise<Lanes<T, R> | undefined>) | undefined;
  #lanes: Lanes<T, R> | undefined;
  /** The source as the concrete iterator, when it is one: its buffered items are read synchronously. */
  #sync: FeedIterator<R> | undefined;
  #slow: AsyncGenerator<T, void, undefined> | undefined;
  #done = false;
  #closing: Promise<void> | undefined;
  #pending: Promise<IteratorResult<T, void>> | undefined;

  constructor(open: () => Promise<Lanes<T, R> | undefined>) {
    this.#open = open;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#pending !== undefined) {
      const after = (): Promise<IteratorResult<T, void>> => this.next();
      return this.#pending.then(after, after);
    }
    if (this.#done) return Promise.resolve(DONE);
    const lanes = this.#lanes;
    const sync = this.#sync;
    let pending: Promise<IteratorResult<T, void>> | undefined;
    if (lanes !== undefined && sync !== undefined && this.#slow === undefined) {
      // The fast lane: items already buffered, no await.
      try {
        for (;;) {
          const item = sync.tryTake();
          if (item === NOTHING) break;
          const out = lanes.fast(item);
          if (out === SKIP) continue;
          if (out === SLOW) {
            this.#slow = lanes.slow(item);
            break;
          }
          return Promise.resolve({ value: out, done: false });
        }
      } catch (error) {
        // The stream's end error (thrown once by the source): close, then reject with it.
        pending = this.#fail(error);
      }
    }
    pending ??= this.#next();
    this.#pending = pending;
    const clear = (): void => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  async #next(): Promise<IteratorResult<T, void>> {
    let lanes = this.#lanes;
    try {
      if (lanes === undefined) {
        const open = this.#open;
        this.#open = undefined;
        if (open === undefined) return DONE;
        lanes = await open();
        if (lanes === undefined) {
          this.#done = true;
          return DONE;
        }
        this.#lanes = lanes;
        this.#sync = lanes.source instanceof FeedIterator ? (lanes.source as FeedIterator<R>) : undefined;
        if (this.#done) {
          await this.#close();
          return DONE;
        }
      }
      for (;;) {
        const slow = this.#slow;
        if (slow !== undefined) {
          const r = await slow.next();
          if (this.#done) return DONE;
          if (r.done !== true) return r;
          this.#slow = undefined;
        }
        const r = await this.#read(lanes);
        if (this.#done) return DONE;
        if (r.done === true) {
          await this.#close();
          return DONE;
        }
        const out = lanes.fast(r.value);
        if (out === SKIP) continue;
        if (out === SLOW) {
          this.#slow = lanes.slow(r.value);
          continue;
        }
        return { value: out, done: false };
      }
    } catch (error) {
      return this.#fail(error);
    }
  }

  /**
   * The source's next item. From the concrete feed iterator: what it has buffered, else a wait for the
   * next frame and a synchronous read (one promise per wait instead of `next()`'s two and an async
   * frame); otherwise, or when the iterator says so, `next()`.
   */
  async #read(lanes: Lanes<T, R>): Promise<IteratorResult<R | FeedEvent, undefined>> {
    const sync = this.#sync;
    if (sync !== undefined) {
      for (;;) {
        const r = sync.tryNext();
        if (r !== undefined) return r;
        const ready = sync.whenReady();
        if (ready === undefined) break;
        await ready;
        if (this.#done) return DONE_SOURCE;
      }
    }
    return lanes.source.next();
  }

  async #fail(error: unknown): Promise<IteratorResult<T, void>> {
    await this.#close();
    if (this.#lanes?.quiet(error)) return DONE;
    throw error;
  }

  /** Ends the stream: the slow lane, the source (a pending read ends at once), then `close`. Idempotent. */
  #close(): Promise<void> {
    this.#done = true;
    this.#closing ??= (async () => {
      const lanes = this.#lanes;
      const slow = this.#slow;
      this.#slow = undefined;
      if (lanes === undefined) return;
      try {
        await lanes.source.return();
        // A slow lane suspended at a yield runs its cleanup; one still running was ended by the source.
        await slow?.return();
      } finally {
        await lanes.close();
      }
    })();
    return this.#closing;
  }

  async return(): Promise<IteratorResult<T, void>> {
    const pending = this.#pending;
    this.#done = true;
    if (this.#lanes !== undefined) {
      // End a pending read first, so the pending next() settles, then wait for it.
      await this.#lanes.source.return();
      await pending?.then(
        () => undefined,
        () => undefined,
      );
    } else if (pending !== undefined) {
      // Still opening: let it finish (it closes what it opened, seeing the stream done).
      await pending.then(
        () => undefined,
        () => undefined,
      );
    }
    await this.#close();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<T, void>> {
    await this.return();
    throw error;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}
