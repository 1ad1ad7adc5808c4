/**
 * Liveness: ping at an interval and declare a connection dead when nothing at all (data, ping or pong)
 * has arrived for `idleTimeoutMs`. A half-open TCP connection (peer gone, no FIN, no RST) otherwise looks
 * exactly like a quiet market and would hang a stream forever.
 *
 * The decision is the pure {@link livenessAction}; {@link Heartbeat} is the one timer around it. Frames
 * are counted, not timestamped: the hot path does `heartbeat.activity++` and the timer notices the
 * change on its next tick, so a death is reported between `idleTimeoutMs` and `idleTimeoutMs + tick`
 * after the last frame, never earlier.
 *
 * @module
 */

/** What the liveness timer should do now. */
export type LivenessAction = 'dead' | 'ping' | 'wait';

/** Input of {@link livenessAction}; times from one monotonic clock, ms. */
export type LivenessInput = {
  readonly nowMs: number;
  /** When activity was last seen. */
  readonly lastActivityMs: number;
  /** When the last ping was sent (or the connection opened). */
  readonly lastPingMs: number;
  /** 0 disables pings. */
  readonly pingIntervalMs: number;
  /** 0 disables the dead-connection check. */
  readonly idleTimeoutMs: number;
};

/** Decides whether the connection is dead, is due a ping, or is fine. */
export function livenessAction(input: LivenessInput): LivenessAction {
  if (input.idleTimeoutMs > 0 && input.nowMs - input.lastActivityMs >= input.idleTimeoutMs) return 'dead';
  if (input.pingIntervalMs > 0 && input.nowMs - input.lastPingMs >= input.pingIntervalMs) return 'ping';
  return 'wait';
}

/**
 * How often the liveness timer ticks: a quarter of the shorter period (so lateness is at most 25%),
 * between 5 ms and 1 s. `undefined` when both checks are off.
 */
export function livenessTickMs(pingIntervalMs: number, idleTimeoutMs: number): number | undefined {
  const periods = [pingIntervalMs, idleTimeoutMs / 4].filter((p) => p > 0);
  if (periods.length === 0) return undefined;
  return Math.min(1000, Math.max(5, Math.min(...periods)));
}

/** Callbacks of a {@link Heartbeat}. */
export type HeartbeatHooks = {
  /** Send a ping (protocol or application level). Errors are ignored: a dead socket is caught by the idle check. */
  readonly ping: () => void;
  /** The connection is dead: nothing arrived for `idleMs`. Called once; the heartbeat stops itself. */
  readonly dead: (idleMs: number) => void;
};

/** One connection's liveness timer. Create on open, `stop()` on close. */
export class Heartbeat {
  /** Incremented by the owner for every frame, ping and pong received. */
  activity = 0;
  readonly #pingIntervalMs: number;
  readonly #idleTimeoutMs: number;
  readonly #hooks: HeartbeatHooks;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #seenActivity = 0;
  #lastActivityMs: number;
  #lastPingMs: number;
  #suspended = false;
  #tickMs = 0;
  #lastTickMs: number;

  constructor(
    options: { readonly pingIntervalMs: number; readonly idleTimeoutMs: number },
    hooks: HeartbeatHooks,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#pingIntervalMs = options.pingIntervalMs;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#hooks = hooks;
    this.#now = now;
    this.#lastActivityMs = this.#lastPingMs = this.#lastTickMs = now();
    const tick = livenessTickMs(this.#pingIntervalMs, this.#idleTimeoutMs);
    if (tick !== undefined) {
      this.#tickMs = tick;
      this.#timer = setInterval(() => this.#tick(), tick);
      // The socket keeps the process alive while it is open; this timer must never do so on its own.
      this.#timer.unref();
    }
  }

  /**
   * Stops the idle check while the owner has paused reading (backpressure): a paused socket reads no
   * pongs either, and a slow consumer must not get its healthy connection killed.
   */
  suspend(): void {
    this.#suspended = true;
  }

  /** Restarts the idle check after {@link suspend}, counting from now. */
  resume(): void {
    this.#suspended = false;
    this.#lastActivityMs = this.#lastPingMs = this.#now();
    this.#seenActivity = this.activity;
  }

  /** Clears the timer. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const nowMs = this.#now();
    const lateMs = nowMs - this.#lastTickMs - this.#tickMs;
    this.#lastTickMs = nowMs;
    if (this.#suspended) return;
    // A tick that fires much later than planned means the event loop was blocked (a busy consumer,
    // a long synchronous parse). Timers run before I/O is polled, so frames that arrived meanwhile
    // are not counted yet: time the process could not read must not count as the peer's silence.
    if (lateMs > this.#tickMs) this.#lastActivityMs += lateMs;
    if (this.activity !== this.#seenActivity) {
      this.#seenActivity = this.activity;
      this.#lastActivityMs = nowMs;
    }
    const action = livenessAction({
      nowMs,
      lastActivityMs: this.#lastActivityMs,
      lastPingMs: this.#lastPingMs,
      pingIntervalMs: this.#pingIntervalMs,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    if (action === 'dead') {
      this.stop();
      this.#hooks.dead(nowMs - this.#lastActivityMs);
    } else if (action === 'ping') {
      this.#lastPingMs = nowMs;
      try {
        this.#hooks.ping();
      } catch {
        // A failed send means the socket is going away; its close event or the idle check handles it.
      }
    }
  }
}
