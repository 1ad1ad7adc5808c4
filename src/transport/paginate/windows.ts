/**
 * Window arithmetic for the forward paginators, pure and I/O-free.
 *
 * A window is half-open, `[windowStartNs, windowStartNs + windowNs)`. Windows start on a grid snapped down
 * to `alignS` (the bar span for candles), advance by the window size, and are clipped to the requested
 * range before a request is made. The request end handed to `fetchPage` is the *last nanosecond inside*
 * the window, so an exchange that treats the end as inclusive (Coinbase, Binance) is never asked for
 * `maxPerRequest + 1` items.
 *
 * @module
 */
import { alignDown, NS_PER_S, spanToNs } from '../../core/time.js';

/** Seconds → nanoseconds, exact for whole seconds (large windows stay exact beyond 2^53 ns). */
export function secondsToNs(seconds: number): bigint {
  return Number.isInteger(seconds) ? BigInt(seconds) * NS_PER_S : spanToNs(seconds);
}

/** Nanoseconds → seconds as a number (for reports). */
export function nsToSecondsFloat(ns: bigint): number {
  return Number(ns) / 1e9;
}

/** The first window's start: `startNs` snapped down to a multiple of `alignS` seconds since the epoch. */
export function gridStart(startNs: bigint, alignS: number): bigint {
  return alignDown(startNs, alignS);
}

/** How many windows of `windowNs` it takes to go from `fromNs` to `endNs` (exclusive); 0 when none. */
export function windowsBetween(fromNs: bigint, endNs: bigint, windowNs: bigint): number {
  if (fromNs >= endNs) return 0;
  return Number((endNs - fromNs + windowNs - 1n) / windowNs);
}

/** One window to request: its grid bounds and the clipped range actually asked for. */
export type WindowRequest = {
  /** Grid start of the window (may lie before the requested start for the first window). */
  windowStartNs: bigint;
  /** Grid end of the window, exclusive. */
  windowEndNs: bigint;
  /** First nanosecond requested: `max(windowStartNs, startNs)`. */
  fromNs: bigint;
  /** Last nanosecond requested, inclusive: `min(windowEndNs, endNs) - 1`. */
  lastNs: bigint;
};

/** The window starting at `windowStartNs`, clipped to the requested `[startNs, endNs)`. */
export function windowAt(
  windowStartNs: bigint,
  windowNs: bigint,
  startNs: bigint,
  endNs: bigint,
): WindowRequest {
  const windowEndNs = windowStartNs + windowNs;
  return {
    windowStartNs,
    windowEndNs,
    fromNs: windowStartNs > startNs ? windowStartNs : startNs,
    lastNs: (windowEndNs < endNs ? windowEndNs : endNs) - 1n,
  };
}

/**
 * The window size to use once a source is seen to return at most `observed` items per request although
 * `declared` was promised: the old window scaled by `observed / declared`, rounded down to a multiple of
 * `granuleNs` (the bar span for candles), never below one granule. For candles
 * (`window = span × declared`) this is exactly `span × observed`.
 */
export function shrunkWindowNs(
  windowNs: bigint,
  declared: number,
  observed: number,
  granuleNs: bigint,
): bigint {
  const scaled = (windowNs * BigInt(observed)) / BigInt(declared);
  const snapped = (scaled / granuleNs) * granuleNs;
  return snapped >= granuleNs ? snapped : granuleNs;
}

/**
 * Where a continuation request inside a window starts, given the newest item time `lastItemNs` in the
 * page before it: one `stepNs` later (candles: the next bar; `1n` for items unique per nanosecond), or at
 * `lastItemNs` itself when several items may share a nanosecond (`stepNs === 0n`; repeats are dropped by
 * key).
 */
export function continuationStart(lastItemNs: bigint, stepNs: bigint): bigint {
  return lastItemNs + stepNs;
}

/**
 * True when a page whose newest item is at `lastItemNs` leaves nothing of the window uncovered: no later
 * item could fit at or before `windowLastNs`. With `stepNs === 0n` (several items may share a nanosecond)
 * no page covers its window by its times alone: even an item at the very last nanosecond may have
 * siblings the page's cap cut off, so whether the window is done is left to the short-page rule.
 */
export function pageCoversWindow(lastItemNs: bigint, stepNs: bigint, windowLastNs: bigint): boolean {
  return stepNs !== 0n && lastItemNs + stepNs > windowLastNs;
}

/**
 * Where the window sequence starts: the grid start (`startNs` snapped down to the alignment), moved on by
 * whole windows while its window would end at or before `startNs` (an alignment that is not a divisor of
 * the window), so no request is ever made for a window wholly before the range.
 */
export function firstWindowStart(gridStartNs: bigint, windowNs: bigint, startNs: bigint): bigint {
  if (gridStartNs + windowNs > startNs) return gridStartNs;
  return gridStartNs + ((startNs - gridStartNs) / windowNs) * windowNs;
}
