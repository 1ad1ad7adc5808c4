/**
 * Pure fixed-window arithmetic: the clock (epoch ms) is passed in, nothing here waits.
 *
 * A window is `[k × windowMs + offsetMs, (k + 1) × windowMs + offsetMs)` on the epoch clock, the way
 * Binance counts its minutes. Per window the state holds:
 * - `used`: what this limiter granted in the window, plus what it carried over (below);
 * - `others`: the most the server was seen to count beyond our own grants — for a report on a request
 *   granted when our count stood at `after`, `reported - after` (other programs on the same IP, or other
 *   processes). The estimate of the server's count is `used + others`, which is never below any report:
 *   the higher of our count and the server's, kept current as we grant more.
 * - `next`: weight granted within `edgeMs` of the window's end. Such a request may reach the server after
 *   the window rolls over, so it is counted in the next window too (conservative: it is counted once by
 *   the server, in one of them).
 *
 * A report on a request granted in an earlier window says nothing about this one and is ignored. A
 * response that arrives while its grant's window is still current proves the request was counted in that
 * window: what it carried into the next one is given back.
 *
 * @module
 */
import type { NormalizedRateLimit, Observation } from './types.js';

/** Mutable state of one fixed-window limit. */
export type WindowState = {
  /** Index of the window the state describes. */
  window: number;
  /** Granted (and carried over) in it. */
  used: number;
  /** Counted by the server beyond our own grants, as seen in reports. */
  others: number;
  /** Granted near its end: carried into the next window. */
  next: number;
};

/** Index of the window holding epoch ms `nowMs`. */
export function windowIndex(limit: NormalizedRateLimit, nowMs: number): number {
  return Math.floor((nowMs - limit.offsetMs) / limit.intervalMs);
}

/** Epoch ms at which window `index` ends. */
export function windowEnd(limit: NormalizedRateLimit, index: number): number {
  return (index + 1) * limit.intervalMs + limit.offsetMs;
}

/** An empty window state at `nowMs`. */
export function createWindow(limit: NormalizedRateLimit, nowMs: number): WindowState {
  return { window: windowIndex(limit, nowMs), used: 0, others: 0, next: 0 };
}

/** Moves the state to the window holding `nowMs`, carrying `next` into the window right after. */
export function roll(state: WindowState, limit: NormalizedRateLimit, nowMs: number): void {
  const w = windowIndex(limit, nowMs);
  if (w <= state.window) return;
  state.used = w === state.window + 1 ? state.next : 0;
  state.others = 0;
  state.next = 0;
  state.window = w;
}

/** The server's count as estimated now: our grants plus what others were seen to spend. */
export function estimate(state: WindowState): number {
  return state.used + state.others;
}

/**
 * Milliseconds until `charge` fits into a state already rolled to `nowMs`: 0 when it fits now, else
 * until the window ends (the next one starts with at most the carried-over weight; if even that does not
 * leave room, the caller simply waits again).
 */
export function windowWaitMs(
  state: WindowState,
  limit: NormalizedRateLimit,
  charge: number,
  nowMs: number,
): number {
  if (estimate(state) + charge <= limit.burst) return 0;
  return Math.max(1, windowEnd(limit, state.window) - nowMs);
}

/** The largest edge used, as a share of the window: a slow round trip must not double-count a whole window. */
const MAX_EDGE_SHARE = 0.1;

/**
 * Counts `charge` in the current window (and in the next one too when the grant falls within `edgeMs` of
 * the window's end, `edgeMs` capped at a tenth of the window). Returns the count after this grant, for
 * {@link observeUsage}, and what was carried into the next window (0 when nothing), for {@link settle}.
 */
export function windowTake(
  state: WindowState,
  limit: NormalizedRateLimit,
  charge: number,
  nowMs: number,
  edgeMs: number,
): { after: number; carried: number } {
  state.used += charge;
  const edge = Math.min(edgeMs, limit.intervalMs * MAX_EDGE_SHARE);
  let carried = 0;
  if (nowMs + edge >= windowEnd(limit, state.window)) {
    state.next += charge;
    carried = charge;
  }
  return { after: state.used, carried };
}

/**
 * A response to a request granted in window `window`, observed in a state already rolled to now: when that
 * window is still the current one, the request reached the server inside it, so what it carried into the
 * next window is given back.
 */
export function settle(state: WindowState, grant: { window: number; carried?: number }): void {
  const carried = grant.carried ?? 0;
  if (carried > 0 && grant.window === state.window) state.next = Math.max(0, state.next - carried);
}

/**
 * Adopts a server report `reported` on a request granted in window `window` when our count stood at
 * `after` (this request included); without a grant, the report is taken as current. Returns whether the
 * estimate rose.
 */
export function observeUsage(
  state: WindowState,
  reported: number,
  grant: { window: number; after: number } | undefined,
): boolean {
  if (!Number.isFinite(reported) || reported < 0) return false;
  if (grant !== undefined && grant.window !== state.window) return false;
  const beyond = reported - (grant === undefined ? state.used : grant.after);
  if (beyond <= state.others) return false;
  state.others = beyond;
  return true;
}

/**
 * Applies one response's observation to an exchange's limits (`windows[i]` is limit `i`'s window state,
 * undefined for a bucket), rolled to epoch ms `nowMs`: gives back carries whose answer came in time, then
 * adopts reported usage. Reports for unknown names and buckets are ignored. Returns whether an estimate
 * rose (waiters must re-plan).
 */
export function applyObservation(
  limits: readonly NormalizedRateLimit[],
  windows: readonly (WindowState | undefined)[],
  observation: Observation,
  nowMs: number,
): boolean {
  const at = (name: string): [WindowState, NormalizedRateLimit] | undefined => {
    const i = limits.findIndex((l) => l.name === name);
    const window = windows[i];
    if (window === undefined) return undefined;
    roll(window, limits[i] as NormalizedRateLimit, nowMs);
    return [window, limits[i] as NormalizedRateLimit];
  };
  const marks = observation.grant?.marks;
  if (Array.isArray(marks)) {
    for (const mark of marks) {
      const hit = at(mark.name);
      if (hit) settle(hit[0], mark);
    }
  }
  let rose = false;
  const usage = observation.usage;
  if (!Array.isArray(usage)) return false;
  for (const report of usage) {
    const hit = at(report.name);
    if (!hit) continue;
    const mark = Array.isArray(marks) ? marks.find((m) => m.name === report.name) : undefined;
    if (observeUsage(hit[0], report.used, mark)) rose = true;
  }
  return rose;
}
