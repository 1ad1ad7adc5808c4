/**
 * Bybit's history endpoints answer newest first: given `start` and `end` with more rows between them
 * than `limit`, they return the newest `limit` rows next to `end`. The window contract is the opposite
 * (the oldest rows when a page is cut short), so each window is reversed here: requests cover sub-windows
 * small enough to hold every row they can contain, walked from the window's start, until `limit` rows
 * are in hand. Memory stays bounded by one page.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';

/** Most sub-window requests one window may take (the walk is bounded by the window's length anyway). */
const MAX_SUB_WINDOWS = 10_000;

/**
 * The oldest `limit` records with `tsNs` in `[startNs, endNs]`, ascending, each time once.
 *
 * @param fetchAll every record in `[fromNs, toNs]` in any order (one request: the sub-window is `room`
 *   steps long, so it holds at most `room` ≤ `cap` records, since records are at least `stepNs` apart)
 * @param stepNs the smallest spacing of two records (the bar span; funding's shortest interval)
 * @param cap the most records one request returns
 */
export async function oldestFirst<R extends { tsNs: bigint }>(
  fetchAll: (fromNs: bigint, toNs: bigint, room: number) => Promise<R[]>,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  stepNs: bigint,
  cap: number,
): Promise<R[]> {
  const out: R[] = [];
  let from = startNs;
  for (let i = 0; out.length < limit && from <= endNs; i++) {
    if (i >= MAX_SUB_WINDOWS) {
      throw new ProtocolError(`Bybit window walk did not finish within ${MAX_SUB_WINDOWS} requests`);
    }
    const room = Math.min(limit - out.length, cap);
    // A half-open stretch of `room` steps holds at most `room` records spaced `stepNs` apart or more.
    const span = BigInt(room) * stepNs - 1n;
    const to = endNs - from < span ? endNs : from + span;
    const got = (await fetchAll(from, to, room))
      .filter((r) => r.tsNs >= from && r.tsNs <= to)
      .sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
    let last: bigint | undefined;
    let taken = 0;
    for (const r of got) {
      if (r.tsNs === last) continue; // a repeated row
      if (taken === room) break;
      out.push(r);
      last = r.tsNs;
      taken++;
    }
    // Normally the whole sub-window was taken; a denser one than `stepNs` allows continues after its last.
    from = taken === room && last !== undefined && last < to ? last + 1n : to + 1n;
  }
  return out;
}

/**
 * Walks a cursor-paged newest-first endpoint over one window and keeps the oldest `limit` rows,
 * ascending. Bounded: at most `maxPages` pages, at most `limit` + one page in memory.
 *
 * @param fetchPage one page (newest first) at `cursor` (`undefined` first) and the next cursor
 */
export async function oldestByCursor<R extends { tsNs: bigint }>(
  fetchPage: (cursor: string | undefined) => Promise<{ rows: R[]; cursor: string | undefined }>,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  maxPages: number,
): Promise<R[]> {
  let kept: R[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new ProtocolError(`Bybit cursor walk did not end within ${maxPages} pages (repeating cursor?)`);
    }
    const { rows, cursor: next } = await fetchPage(cursor);
    const inWindow = rows.filter((r) => r.tsNs >= startNs && r.tsNs <= endNs);
    kept = kept.concat(inWindow);
    kept.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
    if (kept.length > limit) kept = kept.slice(0, limit);
    const oldest = rows.reduce<bigint | undefined>(
      (m, r) => (m === undefined || r.tsNs < m ? r.tsNs : m),
      undefined,
    );
    if (next === undefined || rows.length === 0 || (oldest !== undefined && oldest < startNs)) break;
    if (seen.has(next)) throw new ProtocolError('Bybit repeated a nextPageCursor', next);
    seen.add(next);
    cursor = next;
  }
  const out: R[] = [];
  for (const r of kept) if (out.at(-1)?.tsNs !== r.tsNs) out.push(r);
  return out;
}
