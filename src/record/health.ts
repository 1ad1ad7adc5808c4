/**
 * Liveness of the recorder's streams. A stream that delivers no data for longer than its limit is
 * *silent*: reported unhealthy (`/healthz` 503, `tickwire_record_stream_up` 0) until data flows again,
 * and restarted (a new connection) each time a further limit passes without data. This catches what the
 * WebSocket's own idle timeout cannot: a connection that answers pings but sends nothing (subscribed to a
 * wrong stream name, a stuck server).
 *
 * @module
 */

/** One watched stream. */
export type StreamHealth = {
  /** `exchange/kind/symbol` (`*` when one stream serves several symbols). */
  readonly id: string;
  /** Silence limit, ms. */
  readonly limitMs: number;
  /** Wall ms of the latest data (or of the stream's start). */
  lastDataMs: number;
  /** Wall ms of the latest restart for silence. */
  lastRestartMs: number;
  /** Restarts for silence so far. */
  restarts: number;
  /** True once any data arrived. */
  seenData: boolean;
};

/** What `/healthz` reports. */
export type HealthReport = {
  /** True when no stream is silent. */
  ok: boolean;
  /** Every stream with its state. */
  streams: { id: string; silentForS: number; limitS: number; ok: boolean; restarts: number }[];
};

/** The streams of one recorder and their silence timers. */
export class HealthBoard {
  readonly #streams = new Map<
    string,
    StreamHealth & { onSilent: () => void; onChange: (up: boolean) => void; up: boolean }
  >();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Starts watching `id`; `onSilent` is called each time a limit passes without data (restart it). */
  watch(id: string, limitMs: number, onSilent: () => void, onChange: (up: boolean) => void = () => {}): void {
    const now = this.#now();
    const old = this.#streams.get(id);
    if (old) {
      // A restart of the same stream: it stays silent until data arrives.
      old.onSilent = onSilent;
      old.onChange = onChange;
      old.lastRestartMs = now;
      return;
    }
    this.#streams.set(id, {
      id,
      limitMs,
      lastDataMs: now,
      lastRestartMs: now,
      restarts: 0,
      seenData: false,
      onSilent,
      onChange,
      up: true,
    });
    onChange(true);
    this.#schedule();
  }

  /** Notes data on `id`. */
  data(id: string): void {
    const s = this.#streams.get(id);
    if (!s) return;
    s.lastDataMs = this.#now();
    s.seenData = true;
    if (!s.up) {
      s.up = true;
      s.onChange(true);
    }
  }

  /** Stops watching `id`. */
  unwatch(id: string): void {
    this.#streams.delete(id);
    if (this.#streams.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Checks every stream now (the timer calls this). */
  check(): void {
    const now = this.#now();
    for (const s of this.#streams.values()) {
      const silent = now - s.lastDataMs > s.limitMs;
      if (silent && s.up) {
        s.up = false;
        s.onChange(false);
      }
      if (silent && now - Math.max(s.lastDataMs, s.lastRestartMs) > s.limitMs) {
        s.lastRestartMs = now;
        s.restarts++;
        s.onSilent();
      }
    }
  }

  /** The current report. */
  report(): HealthReport {
    const now = this.#now();
    const streams = [...this.#streams.values()].map((s) => {
      const silentForS = (now - s.lastDataMs) / 1000;
      return {
        id: s.id,
        silentForS: Math.round(silentForS * 10) / 10,
        limitS: s.limitMs / 1000,
        ok: now - s.lastDataMs <= s.limitMs,
        restarts: s.restarts,
      };
    });
    return { ok: streams.every((s) => s.ok), streams };
  }

  #schedule(): void {
    if (this.#timer) return;
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.#streams.values()) min = Math.min(min, s.limitMs);
    this.#timer = setInterval(() => this.check(), Math.max(50, Math.min(1000, Math.floor(min / 4))));
    this.#timer.unref();
  }

  /** Stops the timer. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#streams.clear();
  }
}
