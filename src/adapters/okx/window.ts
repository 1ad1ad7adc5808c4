/**
 * One window of a newest-first endpoint, returned oldest first: OKX pages every time series from the
 * newest record back (`after` = older than, `before` = newer than, both exclusive), while a
 * `WindowSource.fetchPage` must return the OLDEST `limit` records of its window, ascending (a full page
 * is continued from after its newest record). Walking the window backward and keeping only the oldest
 * `limit` rows seen bounds memory to two pages whatever the window holds; for spanned kinds the request
 * is narrowed so the window has at most `limit` slots and one request suffices.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { ceilMs, floorMs } from '../base.js';

/** Fetches the newest `limit` records with `beforeMs < ts < afterMs`, newest first. */
export type NewestFirstFetch<R> = (afterMs: number, beforeMs: number, limit: number) => Promise<R[]>;

/** Most requests one window may take (a loop guard; a window of a spanned kind takes one). */
const MAX_PAGES = 10_000;

/**
 * The oldest `limit` records with `tsNs` in `[startNs, endNs]`, ascending.
 *
 * @param spanMs the record spacing when fixed (candles, open interest), to narrow the request
 */
export async function oldestInWindow<R extends { tsNs: bigint }>(
  fetch: NewestFirstFetch<R>,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  spanMs?: number,
): Promise<R[]> {
  const beforeMs = ceilMs(startNs) - 1;
  let afterMs = floorMs(endNs) + 1;
  // Fixed spacing: at most `limit` slots in (beforeMs, afterMs), so one answer holds the oldest ones.
  if (spanMs !== undefined) afterMs = Math.min(afterMs, beforeMs + 1 + limit * spanMs);
  let kept: R[] = [];
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetch(afterMs, beforeMs, limit);
    const asc = page.filter((r) => r.tsNs >= startNs && r.tsNs <= endNs).sort(byTime);
    kept = [...asc, ...kept].slice(0, limit);
    const oldest = asc[0];
    if (spanMs !== undefined || page.length < limit || oldest === undefined) return kept;
    const nextAfter = Number(oldest.tsNs / 1_000_000n);
    if (nextAfter >= afterMs) {
      throw new ProtocolError('OKX page did not move back in time', `after=${afterMs} oldest=${nextAfter}`);
    }
    afterMs = nextAfter;
  }
  throw new ProtocolError('OKX window needed too many pages', `${startNs}..${endNs}`);
}

function byTime(a: { tsNs: bigint }, b: { tsNs: bigint }): number {
  return a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0;
}
