/**
 * One stream's connection loop: connect, run the subscription hook, read frames into a bounded queue
 * (pausing the socket when the consumer lags), watch liveness, and on any loss put a `disconnected`
 * event in the queue, back off and reconnect. The consumer side (parsing, the iterator protocol) lives
 * in `feed-iterator.ts`; the decisions (backoff, liveness) in their own pure modules.
 *
 * @module
 */
import WebSocket from 'ws';
import { ReconnectExhaustedError, redactUrl } from '../../core/errors.js';
import { nowNs } from '../../core/time.js';
import { sleep } from '../sleep.js';
import { backoffDelay, isExhausted, nextFailureCount } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import { type DisconnectCause, type FeedEvent, feedEvent } from './events.js';
import { Heartbeat } from './heartbeat.js';
import type { ResolvedWebSocketOptions } from './options.js';
import type { FeedSocket } from './socket.js';

/** What the queue holds: raw frames (text decoded to string, binary as Buffer) and events, in arrival order. */
export type Entry = string | Buffer | FeedEvent;

/** The subclass hooks a session calls. */
export type SessionHooks = {
  readonly onConnect: (ws: FeedSocket) => void | Promise<void>;
  readonly sendHeartbeat: (ws: FeedSocket) => void;
};

/** How one connection attempt ended. */
type Outcome = {
  /** Monotonic ms when it opened; undefined when it never did. */
  readonly openedAtMs: number | undefined;
  readonly closedAtMs: number;
  readonly code: number;
  readonly reason: string;
  readonly error: unknown;
  readonly cause: DisconnectCause;
};

/**
 * If the server does not answer our close frame within this long, the socket is destroyed: `stop()`
 * and `break` never wait on a misbehaving peer (ws' own default is 30 s).
 */
const CLOSE_TIMEOUT_MS = 1000;

/** The producer half of a stream. Internal: users see it through `FeedStream`. */
export class FeedSession {
  /** Frames and events waiting for the consumer. */
  readonly queue: BoundedQueue<Entry>;
  /** Connections opened so far. */
  connections = 0;
  /** Times the socket was paused because the consumer lagged. */
  pauses = 0;
  readonly #url: string;
  readonly #safeUrl: string;
  readonly #opts: ResolvedWebSocketOptions;
  readonly #hooks: SessionHooks;
  readonly #onEnd: () => void;
  readonly #stopController = new AbortController();
  #ws: WebSocket | undefined;
  #heartbeat: Heartbeat | undefined;
  #paused = false;
  #waiter: (() => void) | undefined;
  #stopping = false;
  #finished = false;
  #error: unknown;
  #hasError = false;
  #run: Promise<void> | undefined;
  #onAbort: (() => void) | undefined;
  #clockMs = 0;
  #clockFresh = false;
  readonly #expireClock = (): void => {
    this.#clockFresh = false;
  };

  constructor(url: string, opts: ResolvedWebSocketOptions, hooks: SessionHooks, onEnd: () => void) {
    this.#url = url;
    this.#safeUrl = redactUrl(url);
    this.#opts = opts;
    this.#hooks = hooks;
    this.#onEnd = onEnd;
    this.queue = new BoundedQueue<Entry>(opts.maxBufferedFrames, () => this.#resumeReading());
  }

  /** True once no entry will be added any more (the queue may still hold some). */
  get finished(): boolean {
    return this.#finished;
  }

  /** The error that ended the stream, if one did (thrown by the iterator after the queue drains). */
  get error(): { readonly error: unknown } | undefined {
    return this.#hasError ? { error: this.#error } : undefined;
  }

  /** Starts the connection loop (once; the iterator calls it on its first `next()`). */
  start(): void {
    if (this.#run !== undefined || this.#stopping) return;
    const signal = this.#opts.signal;
    if (signal?.aborted) {
      this.#stopping = true;
      this.#end();
      return;
    }
    if (signal !== undefined) {
      this.#onAbort = () => void this.stop();
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.#run = this.#loop()
      .catch((err: unknown) => this.#fail(err))
      .finally(() => this.#end());
  }

  /** Resolves when an entry is queued or the session finishes. At most one waiter (one consumer). */
  wait(): Promise<void> {
    if (this.queue.size > 0 || this.#finished) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /**
   * Graceful stop: reads no more frames, closes the socket with 1000, cancels any backoff wait or
   * handshake. Frames already buffered are still delivered, then the iterator completes.
   */
  stop(): Promise<void> {
    this.#beginStop();
    return this.#run ?? Promise.resolve();
  }

  /** Like {@link stop} but drops buffered frames (the consumer left). Idempotent. */
  close(): Promise<void> {
    this.queue.clear();
    return this.stop();
  }

  /** Ends the stream with `error` (thrown by the iterator once the queue is drained). */
  fail(error: unknown): void {
    this.#fail(error);
  }

  #fail(error: unknown): void {
    if (!this.#hasError) {
      this.#hasError = true;
      this.#error = error;
    }
    this.#beginStop();
  }

  #beginStop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#stopController.abort();
    const ws = this.#ws;
    if (ws !== undefined) {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      } else {
        // Read again so the server's close frame (and nothing else: #stopping drops data) gets through.
        if (this.#paused) ws.resume();
        ws.close(1000);
      }
    }
    if (this.#run === undefined) this.#end();
    this.#wake();
  }

  #end(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#onAbort !== undefined) this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    this.#onEnd();
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter();
    }
  }

  /**
   * Receive time, read once per event-loop turn: ws hands over every frame of one TCP read
   * synchronously, so they arrived together, and a clock read per frame (100+ ns on some VMs) is
   * the largest avoidable cost on the hot path.
   */
  #now(): number {
    if (!this.#clockFresh) {
      this.#clockFresh = true;
      this.#clockMs = Date.now();
      queueMicrotask(this.#expireClock);
    }
    return this.#clockMs;
  }

  #push(entry: Entry): void {
    this.queue.push(entry, Date.now());
    this.#wake();
  }

  #resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#ws?.resume();
    this.#heartbeat?.resume();
  }

  async #loop(): Promise<void> {
    let failures = 0;
    let attempts = 0;
    let down: { readonly ms: number; readonly ns: bigint } | undefined;
    while (!this.#stopping) {
      attempts++;
      const outcome = await this.#connectOnce(attempts, down);
      if (outcome.openedAtMs !== undefined) attempts = 0;
      if (this.#stopping) return;
      const openForMs =
        outcome.openedAtMs === undefined ? undefined : outcome.closedAtMs - outcome.openedAtMs;
      if (openForMs !== undefined) {
        down = { ms: outcome.closedAtMs, ns: nowNs() };
        this.#push(
          feedEvent({
            kind: 'disconnected',
            url: this.#safeUrl,
            connection: this.connections,
            atNs: down.ns,
            cause: outcome.cause,
            code: outcome.code,
            reason: describeClose(outcome),
          }),
        );
      }
      failures = nextFailureCount(failures, openForMs, this.#opts.stableAfterMs);
      if (isExhausted(failures, this.#opts.maxReconnectAttempts)) {
        this.#fail(new ReconnectExhaustedError(this.#url, failures, { cause: outcome.error }));
        return;
      }
      const { delayMs, ceilingMs } = backoffDelay(failures, this.#opts);
      this.#opts.onReconnectScheduled?.({
        url: this.#safeUrl,
        failures,
        delayMs,
        ceilingMs,
        error: outcome.error,
      });
      try {
        await sleep(delayMs, this.#stopController.signal);
      } catch {
        return; // stopped during the wait
      }
    }
  }

  #connectOnce(
    attempt: number,
    down: { readonly ms: number; readonly ns: bigint } | undefined,
  ): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const opts = this.#opts;
      let ws: WebSocket;
      try {
        ws = new WebSocket(this.#url, {
          handshakeTimeout: opts.handshakeTimeoutMs,
          maxPayload: opts.maxPayload,
          perMessageDeflate: opts.perMessageDeflate,
          headers: { ...opts.headers },
          closeTimeout: CLOSE_TIMEOUT_MS,
          followRedirects: false,
        } as WebSocket.ClientOptions);
      } catch (error) {
        resolve({
          openedAtMs: undefined,
          closedAtMs: performance.now(),
          code: 1006,
          reason: '',
          error,
          cause: 'error',
        });
        return;
      }
      this.#ws = ws;
      this.#paused = false;
      let openedAtMs: number | undefined;
      let lastError: unknown;
      let cause: DisconnectCause = 'remote-close';
      let heartbeat: Heartbeat | undefined;

      ws.on('error', (err) => {
        lastError ??= err;
        if (cause === 'remote-close') cause = 'error';
      });
      ws.once('open', () => {
        openedAtMs = performance.now();
        const connection = ++this.connections;
        const hb = new Heartbeat(opts, {
          ping: () => this.#hooks.sendHeartbeat(ws),
          dead: (idleMs) => {
            cause = 'idle-timeout';
            lastError = new Error(
              `no frame for ${Math.round(idleMs)} ms (idleTimeoutMs ${opts.idleTimeoutMs})`,
            );
            ws.terminate();
          },
        });
        heartbeat = hb;
        this.#heartbeat = hb;
        const touch = (): void => {
          hb.activity++;
        };
        ws.on('ping', touch);
        ws.on('pong', touch);
        // The hot path: one counter, one push, a pause when the queue is full, a wake-up if the consumer waits.
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          hb.activity++;
          if (this.#stopping) return;
          if (!this.queue.push(isBinary ? data : data.toString(), this.#now()) && !this.#paused) {
            this.#paused = true;
            this.pauses++;
            ws.pause();
            hb.suspend();
          }
          const waiter = this.#waiter;
          if (waiter !== undefined) {
            this.#waiter = undefined;
            waiter();
          }
        });
        const atNs = nowNs();
        this.#push(
          down === undefined
            ? feedEvent({ kind: 'connected', url: this.#safeUrl, connection, attempt, atNs })
            : feedEvent({
                kind: 'reconnected',
                url: this.#safeUrl,
                connection,
                attempt,
                sinceNs: down.ns,
                untilNs: atNs,
                downtimeMs: Math.round(openedAtMs - down.ms),
              }),
        );
        this.#runOnConnect(ws);
      });
      ws.once('close', (code: number, reason: Buffer) => {
        heartbeat?.stop();
        if (this.#ws === ws) {
          this.#ws = undefined;
          this.#heartbeat = undefined;
          this.#paused = false;
        }
        const error = lastError;
        resolve({ openedAtMs, closedAtMs: performance.now(), code, reason: reason.toString(), error, cause });
      });
    });
  }

  /**
   * Runs the subscription hook. If it fails while the socket is still open, it is a bug in the hook,
   * not a network fault: reconnecting would repeat it forever, so the stream ends with that error. If
   * the socket closed under it, the close path reconnects as usual.
   */
  #runOnConnect(ws: WebSocket): void {
    const failed = (err: unknown): void => {
      if (ws.readyState === WebSocket.OPEN && !this.#stopping) this.#fail(err);
    };
    try {
      const pending = this.#hooks.onConnect(ws);
      if (pending !== undefined) pending.then(undefined, failed);
    } catch (err) {
      failed(err);
    }
  }
}

function describeClose(outcome: Outcome): string {
  if (outcome.error instanceof Error) return outcome.error.message;
  if (outcome.reason) return `closed by server with ${outcome.code}: ${outcome.reason}`;
  if (outcome.code === 1006) return 'connection lost without a close frame (1006)';
  return `closed by server with ${outcome.code}`;
}
