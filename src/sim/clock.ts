/**
 * The simulator's market clock: a fixed instant, the wall clock, or a running clock that starts at a
 * chosen instant and advances `speed` times faster than real time. Only a moving clock (wall or
 * running) produces live trades on the WebSocket side: a fixed clock means a frozen market.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** A running market clock: sim time = `startNs` + real elapsed time × `speed`. */
export type RunningClockOptions = {
  /** Sim time at simulator start, epoch ns. */
  startNs: bigint;
  /** Sim seconds per real second. @default 1 */
  speed?: number;
};

/** The market clock of one simulator. */
export type SimClock = {
  /** Current sim time, epoch µs (an integer). */
  nowUs(): number;
  /** True when the clock advances (wall clock or running). */
  readonly moving: boolean;
};

/** A clock frozen at `ns`. */
export function fixedClock(ns: bigint): SimClock {
  const us = Number(ns / 1000n);
  return { nowUs: () => us, moving: false };
}

/** The wall clock. */
export function wallClock(): SimClock {
  return { nowUs: () => Math.floor((performance.timeOrigin + performance.now()) * 1000), moving: true };
}

/** A clock starting at `startNs` now and advancing `speed` times real time. */
export function runningClock(o: RunningClockOptions): SimClock {
  const startUs = Number(o.startNs / 1000n);
  const speed = o.speed ?? 1;
  const t0 = performance.now();
  return { nowUs: () => startUs + Math.floor((performance.now() - t0) * 1000 * speed), moving: true };
}
