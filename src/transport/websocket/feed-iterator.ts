/**
 * The consumer half of a stream: a hand-written async iterator over a {@link FeedSession}'s queue that
 * parses frames lazily, as the consumer pulls.
 *
 * Why not an async generator: a generator queues `return()` behind a pending `next()`, so `break`
 * from another task could not unblock it, and every `yield` costs several promise turns. Here `next()`
 * answers from the queue synchronously (one resolved promise per item), the producer wakes a waiting
 * consumer once per batch, and `return()` ends a pending `next()` at once.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { FEED_EVENT, type FeedEvent, feedEvent } from './events.js';
import type { FeedSession } from './feed-session.js';

/** What `parseMessage` receives besides the frame. Valid during the call (and the frame's iteration) only. */
export type FrameContext = {
  /** 1-based number of the connection the frame arrived on; it changes after every reconnect. */
  readonly connection: number;
  /** When the frame was read from the socket, epoch ms (the parse itself may run later, under backpressure). */
  readonly receivedAtMs: number;
  /** {@link receivedAtMs} as epoch ns (ms resolution); computed on access. */
  readonly receivedNs: bigint;
};

/** Turns one frame into records. A sync iterable (array, generator) is much cheaper per frame than an async one. */
export type ParseFrame<T> = (raw: string | Buffer, ctx: FrameContext) => Iterable<T> | AsyncIterable<T>;

/** Counters of one stream, for monitoring and tests. */
export type FeedStats = {
  /** Frames and events waiting in the buffer now. */
  readonly bufferedFrames: number;
  /** The most ever waiting at once (bounded by `maxBufferedFrames` plus one TCP chunk of frames). */
  readonly peakBufferedFrames: number;
  /** Times the socket was paused because the consumer lagged. */
  readonly pauses: number;
  /** Connections opened (1 + reconnects). */
  readonly connections: number;
};

/**
 * The iterator `stream()` and `streamRaw()` return: use it in `for await` (a `break` closes the
 * socket) or with `await using`. `return()` is idempotent and ends a pending `next()`.
 */
export interface FeedStream<I> extends AsyncIterableIterator<I, undefined, undefined>, AsyncDisposable {
  /** The next record or event; rejects with the error that ended the stream (after buffered items). */
  next(): Promise<IteratorResult<I, undefined>>;
  /** Closes the socket (code 1000), drops buffered frames, stops every timer. Idempotent. */
  return(): Promise<IteratorResult<I, undefined>>;
  /** Live counters. */
  readonly stats: FeedStats;
}

/** The parse-error policy and reporting the iterator needs. */
export type ParsePolicy = {
  readonly url: string;
  readonly parseErrors: 'skip' | 'fail';
  readonly onParseError: ((error: ProtocolError, raw: string | Buffer) => void) | undefined;
};

const PENDING: unique symbol = Symbol('pending');
/** From `#take`: the stream is over (closed, or finished with nothing left). */
const ENDED: unique symbol = Symbol('ended');
/** Returned by {@link FeedIterator.tryTake}: no item ready now. */
export const NOTHING: unique symbol = Symbol('nothing');
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

class Context implements FrameContext {
  connection = 0;
  receivedAtMs = 0;
  get receivedNs(): bigint {
    return BigInt(Math.round(this.receivedAtMs)) * 1_000_000n;
  }
}

/** Implements {@link FeedStream}; `T` is the record type, items are `T | FeedEvent`. Internal. */
export class FeedIterator<T> implements FeedStream<T | FeedEvent> {
  readonly #session: FeedSession;
  readonly #parse: ParseFrame<T> | undefined;
  readonly #policy: ParsePolicy;
  readonly #ctx = new Context();
  #array: readonly T[] | undefined;
  #index = 0;
  #sync: Iterator<T> | undefined;
  #async: AsyncIterator<T> | undefined;
  #raw: string | Buffer = '';
  #started = false;
  #closed = false;
  #pending: Promise<IteratorResult<T | FeedEvent, undefined>> | undefined;

  /** @param parse undefined for raw frames (`streamRaw`), where `T` is `string | Buffer`. */
  constructor(session: FeedSession, parse: ParseFrame<T> | undefined, policy: ParsePolicy) {
    this.#session = session;
    this.#parse = parse;
    this.#policy = policy;
  }

  get stats(): FeedStats {
    const s = this.#session;
    return {
      bufferedFrames: s.queue.size,
      peakBufferedFrames: s.queue.peak,
      pauses: s.pauses,
      connections: s.connections,
    };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T | FeedEvent, undefined>> {
    // Overlapping calls (not made by for-await) are served in order.
    if (this.#pending !== undefined) {
      const after = (): Promise<IteratorResult<T | FeedEvent, undefined>> => this.next();
      return this.#pending.then(after, after);
    }
    if (!this.#started) {
      this.#started = true;
      this.#session.start();
    }
    try {
      const result = this.#pull();
      if (result !== PENDING) return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
    const pending = this.#slow();
    this.#pending = pending;
    const clear = (): void => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  /**
   * The next item when one is ready without waiting (parsed from what is buffered), else `undefined`:
   * then `await next()`. Throws the error that ended the stream, as `next()` rejects with it. For
   * consumers that drain a burst of items synchronously (the streams' hot path); not on {@link FeedStream}.
   */
  tryNext(): IteratorResult<T | FeedEvent, undefined> | undefined {
    if (this.#pending !== undefined || !this.#started) return undefined;
    const result = this.#pull();
    return result === PENDING ? undefined : result;
  }

  /**
   * Like {@link tryNext}, but the item itself, or {@link NOTHING} when none is ready or the stream is
   * done (then {@link tryNext} or `next()` tells which): no result object per item of a parsed frame.
   */
  tryTake(): T | FeedEvent | typeof NOTHING {
    if (this.#pending !== undefined || !this.#started) return NOTHING;
    const item = this.#take();
    return item === PENDING || item === ENDED ? NOTHING : item;
  }

  /**
   * For consumers of {@link tryNext}: a promise that settles once `tryNext` may have an item (a frame
   * or event was queued, or the stream ended), or `undefined` when `next()` must be awaited instead
   * (not started yet, a `next()` in flight, an async parser mid-frame, closed). Waiting this way skips
   * the promise and async frame `next()` makes per wait. One waiter at a time, like `next()`.
   */
  whenReady(): Promise<void> | undefined {
    if (this.#pending !== undefined || !this.#started || this.#async !== undefined || this.#closed) {
      return undefined;
    }
    return this.#session.wait();
  }

  async return(): Promise<IteratorResult<T | FeedEvent, undefined>> {
    if (!this.#closed) this.#finish();
    await this.#session.close();
    return DONE;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  #finish(): void {
    this.#closed = true;
    const sync = this.#sync;
    const asyncIt = this.#async;
    this.#sync = this.#async = this.#array = undefined;
    try {
      sync?.return?.();
    } catch {
      // The parser's cleanup failing must not keep the socket open.
    }
    // Not awaited: an async parser suspended in an await would hold return() hostage.
    asyncIt?.return?.()?.then(undefined, () => undefined);
  }

  /** Answers from what is buffered: an item, DONE, or PENDING when it must wait. Throws the stream's end error. */
  #pull(): IteratorResult<T | FeedEvent, undefined> | typeof PENDING {
    const item = this.#take();
    if (item === PENDING) return PENDING;
    if (item === ENDED) return DONE;
    return { value: item, done: false };
  }

  /** {@link #pull} without the result object: the item, ENDED, or PENDING. */
  #take(): T | FeedEvent | typeof PENDING | typeof ENDED {
    for (;;) {
      if (this.#closed) return ENDED;
      const array = this.#array;
      if (array !== undefined) {
        // Arrays are walked by index: no iterator object, no protocol call per record.
        if (this.#index < array.length) return array[this.#index++] as T;
        this.#array = undefined;
      }
      const sync = this.#sync;
      if (sync !== undefined) {
        let r: IteratorResult<T>;
        try {
          r = sync.next();
        } catch (error) {
          this.#sync = undefined;
          return this.#parseFailed(error);
        }
        if (r.done !== true) return r.value;
        this.#sync = undefined;
      }
      if (this.#async !== undefined) return PENDING;
      const entry = this.#session.queue.shift();
      if (entry === undefined) {
        if (!this.#session.finished) return PENDING;
        this.#finish();
        const ended = this.#session.error;
        if (ended !== undefined) throw ended.error;
        return ENDED;
      }
      if (typeof entry !== 'string' && (entry as Partial<FeedEvent>)[FEED_EVENT] === true) {
        const event = entry as FeedEvent;
        if (event.kind === 'connected' || event.kind === 'reconnected')
          this.#ctx.connection = event.connection;
        return event;
      }
      const parse = this.#parse;
      if (parse === undefined) return entry as T;
      const raw = entry as string | Buffer;
      this.#raw = raw;
      this.#ctx.receivedAtMs = this.#session.queue.lastTimeMs;
      let out: Iterable<T> | AsyncIterable<T>;
      try {
        out = parse(raw, this.#ctx);
        if (Array.isArray(out)) {
          this.#array = out as readonly T[];
          this.#index = 0;
        } else if (typeof (out as Iterable<T>)[Symbol.iterator] === 'function') {
          this.#sync = (out as Iterable<T>)[Symbol.iterator]();
        } else {
          this.#async = (out as AsyncIterable<T>)[Symbol.asyncIterator]();
        }
      } catch (error) {
        return this.#parseFailed(error);
      }
    }
  }

  async #slow(): Promise<IteratorResult<T | FeedEvent, undefined>> {
    for (;;) {
      const asyncIt = this.#async;
      if (asyncIt !== undefined) {
        let r: IteratorResult<T>;
        try {
          r = await asyncIt.next();
        } catch (error) {
          this.#async = undefined;
          if (this.#closed) return DONE;
          return { value: this.#parseFailed(error), done: false };
        }
        if (this.#closed) return DONE;
        if (r.done !== true) return r;
        this.#async = undefined;
      }
      const result = this.#pull();
      if (result !== PENDING) return result;
      if (this.#async === undefined) await this.#session.wait();
    }
  }

  /** Applies the parse-error policy: returns the event to yield ('skip'), or throws ('fail'). */
  #parseFailed(cause: unknown): FeedEvent {
    const raw = this.#raw;
    const snippet = typeof raw === 'string' ? raw.slice(0, 200) : `0x${raw.subarray(0, 64).toString('hex')}`;
    const detail = cause instanceof Error ? cause.message : String(cause);
    const error = new ProtocolError(
      `parseMessage threw on a frame from ${this.#policy.url} (${detail}); ` +
        (this.#policy.parseErrors === 'fail'
          ? "the stream ended (parseErrors: 'fail'). Fix the parser or use parseErrors: 'skip'"
          : 'the rest of the frame was skipped'),
      snippet,
      { cause },
    );
    if (this.#policy.parseErrors === 'fail') {
      this.#finish();
      this.#session.fail(error);
      throw error;
    }
    try {
      this.#policy.onParseError?.(error, raw);
    } catch {
      // A throwing report callback must not end the stream.
    }
    return feedEvent({
      kind: 'parse-error',
      connection: this.#ctx.connection,
      atNs: this.#ctx.receivedNs,
      error,
    });
  }
}
