/**
 * `paginateTrades`: every trade in `[startNs, endNs]` (both inclusive, as in the seed), by following the
 * adapter's opaque cursor until it is exhausted.
 *
 * Trades are far denser than one page: a liquid pair trades millions of times a day while a page holds
 * `cap.maxPerRequest`. Advancing by fixed time windows silently dropped everything past each window's
 * first page; following the cursor drains the range.
 *
 * ## Guarantees
 *
 * - **Cursor followed to the end.** The walk stops when `fetchPage` returns a `null` cursor, or when a page
 *   holds a trade after `endNs` (pages run forward, so nothing later is wanted). An empty page with a new
 *   cursor is followed: adapters signal the end with `null`.
 * - **In range, once.** Trades outside `[startNs, endNs]` are dropped. A trade repeated at the edge of two
 *   pages (Kraken's `since` is inclusive) is yielded once: a trade with the id and time of one already
 *   on this page or the previous one is a repeat. Only those two pages are compared, so memory stays
 *   bounded by two pages whatever the range; only trades at the same time are compared, so it costs no
 *   lookup for a trade newer than all before it.
 * - **Order.** Each page is sorted by `tsNs` (stable, so same-nanosecond trades keep the source's order);
 *   pages are yielded as they come. Output is ascending for sources whose pages run forward, as the
 *   adapter contract requires.
 * - **No silent truncation.** A cursor that comes back unchanged, or `maxPages` pages with the cursor still
 *   live, throws {@link IncompleteRangeError}: `covered` is `[startNs, t)` and `missing` is
 *   `[t, endNs + 1)`, where `t` is the newest trade time seen (trades at `t` itself may be incomplete, so
 *   it is counted as missing). A failing `fetchPage` throws the same error with the original as `cause`
 *   (an `AbortError` propagates as is).
 * - **Stopping.** `break` requests no further page and aborts the in-flight one through the `{ signal }`
 *   passed as `fetchPage`'s 5th argument; an aborted `options.signal` rejects promptly with
 *   {@link AbortError}, also while a page is pending.
 * - **Validation.** Bad arguments throw {@link ValidationError} synchronously.
 *
 * @module
 */
import type { NsRange } from '../../core/errors.js';
import type { Capability, Trade } from '../../core/records.js';
import { assertNs, assertPositiveInt, assertRange } from '../../core/validate.js';
import { linkedController } from './abortable.js';
import {
  assertCapability,
  assertFunction,
  assertOptionalFunction,
  assertOptionalPositiveInt,
  assertOptionalSignal,
  assertOptions,
} from './args.js';
import { fetchCursorPage, guardCursor, pageFailure, type WalkState } from './cursor-page.js';
import { flatten } from './flatten.js';
import { toPaginator } from './paginator.js';
import type { FetchExtras, Paginator, ProgressFn } from './types.js';

/**
 * Fetches one page of trades in `[startNs, endNs]` (inclusive) at or after `cursor` (`null` on the first
 * call), at most `limit`, oldest first; resolves to `[trades, nextCursor]` with `nextCursor = null` when
 * there is no more. The 5th argument is optional; see {@link FetchExtras}.
 */
export type TradesFetch<C> = (
  startNs: bigint,
  endNs: bigint,
  limit: number,
  cursor: C | null,
  extras: FetchExtras,
) => Promise<[Trade[], C | null]>;

/** Options of {@link paginateTrades}. */
export type TradesOptions = {
  /** Called with `(pagesDone, -1, info)` after each page. @default undefined */
  onProgress?: ProgressFn;
  /** Most pages to request; reaching it with the cursor still live throws. @default 1_000_000 */
  maxPages?: number;
  /** Aborts the iteration: pending and future waits reject with {@link AbortError}. @default undefined */
  signal?: AbortSignal;
};

/** Default {@link TradesOptions.maxPages}. */
export const DEFAULT_MAX_PAGES = 1_000_000;

/**
 * Paginates trades in `[startNs, endNs]` (inclusive) by cursor. See the module documentation.
 *
 * @param fetchPage closure over the adapter's `fetchTradesPage(symbol, …)`
 * @param cap the source's trades capability (`maxPerRequest` is passed as `limit`)
 * @param startNs first nanosecond wanted (inclusive)
 * @param endNs last nanosecond wanted (inclusive)
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function paginateTrades<C>(
  fetchPage: TradesFetch<C>,
  cap: Capability,
  startNs: bigint,
  endNs: bigint,
  options: TradesOptions = {},
): Paginator<Trade> {
  return toPaginator(flatten(tradePages(fetchPage, cap, startNs, endNs, options)));
}

/**
 * {@link paginateTrades} page by page: each array holds one page's new trades in `[startNs, endNs]`, in
 * order (never empty). Internal: the download layer hands pages on whole, so a trade costs no promise of
 * its own on its way to the consumer. Same arguments, errors and guarantees.
 *
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function tradePages<C>(
  fetchPage: TradesFetch<C>,
  cap: Capability,
  startNs: bigint,
  endNs: bigint,
  options: TradesOptions = {},
): AsyncGenerator<readonly Trade[], void, undefined> {
  assertFunction('fetchPage', fetchPage);
  assertCapability('cap', cap);
  assertNs('startNs', startNs);
  assertNs('endNs', endNs);
  assertRange(startNs, endNs + 1n);
  assertOptions('options', options);
  const opts = options ?? {};
  assertOptionalFunction('options.onProgress', opts.onProgress);
  assertOptionalPositiveInt('options.maxPages', opts.maxPages);
  assertOptionalSignal('options.signal', opts.signal);
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  assertPositiveInt('options.maxPages', maxPages);
  return runTrades(fetchPage, cap.maxPerRequest, startNs, endNs, maxPages, opts.onProgress, opts.signal);
}

async function* runTrades<C>(
  fetchPage: TradesFetch<C>,
  limit: number,
  startNs: bigint,
  endNs: bigint,
  maxPages: number,
  onProgress: ProgressFn | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<readonly Trade[], void, undefined> {
  const ctl = linkedController(signal);
  const requested: NsRange = { startNs, endNs: endNs + 1n };
  let previous: readonly Trade[] = []; // the last page's trades in range, in time order, repeats included
  let cursor: C | null = null;
  let pages = 0;
  let itemsSoFar = 0;
  let reachedNs = startNs; // newest trade time seen; everything before it is complete

  const state = (): WalkState => ({
    requested,
    covered: reachedNs > startNs ? { startNs, endNs: reachedNs } : undefined,
    missing: { startNs: reachedNs, endNs: endNs + 1n },
  });

  try {
    while (true) {
      let page: Trade[];
      let next: C | null;
      try {
        [page, next] = await fetchCursorPage(
          () => fetchPage(startNs, endNs, limit, cursor, { signal: ctl.signal }),
          ctl.signal,
        );
      } catch (error) {
        throw pageFailure(error, signal, state());
      }
      pages++;
      let pastEnd = false;
      const inRange: Trade[] = [];
      let repeats: number[] | undefined; // indexes in `inRange` of trades already yielded
      const prevLast = previous.at(-1)?.tsNs;
      for (const trade of sortedByTime(page)) {
        const t = trade.tsNs;
        if (t > endNs) {
          pastEnd = true;
          continue;
        }
        if (t < startNs) continue;
        // A repeat has the same id and time as a trade of this page or of the previous one (no older page
        // can overlap). Pages are in time order, so only trades at the same time are compared.
        if (
          repeatedIn(inRange, trade) ||
          (prevLast !== undefined && t <= prevLast && repeatedIn(previous, trade))
        ) {
          repeats ??= [];
          repeats.push(inRange.length);
        } else if (t > reachedNs) reachedNs = t;
        inRange.push(trade); // also a repeat: the next page's overlap is checked against this page
      }
      previous = inRange;
      const fresh = repeats === undefined ? inRange : withoutIndexes(inRange, repeats);
      itemsSoFar += fresh.length;
      if (fresh.length > 0) yield fresh;
      if (pastEnd) reachedNs = endNs + 1n;
      onProgress?.(pages, -1, {
        itemsSoFar,
        coveredUntilNs: reachedNs > startNs ? reachedNs : undefined,
        requests: pages,
      });
      if (next === null || pastEnd) return;
      guardCursor('trades', next, cursor, pages, maxPages, state);
      cursor = next;
    }
  } finally {
    ctl.dispose();
  }
}

/**
 * Whether `sorted` (in time order) holds a trade with the id and time of `trade`: a binary search for the
 * time, then the trades at that time.
 */
function repeatedIn(sorted: readonly Trade[], trade: Trade): boolean {
  const t = trade.tsNs;
  let lo = 0;
  let hi = sorted.length;
  if (hi === 0 || (sorted[hi - 1] as Trade).tsNs < t) return false; // the usual case: newer than all
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as Trade).tsNs < t) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && (sorted[i] as Trade).tsNs === t; i++) {
    if ((sorted[i] as Trade).id === trade.id) return true;
  }
  return false;
}

/** `items` without the ones at `indexes` (ascending). */
function withoutIndexes<T>(items: readonly T[], indexes: readonly number[]): T[] {
  const out: T[] = [];
  let k = 0;
  for (let i = 0; i < items.length; i++) {
    if (indexes[k] === i) k++;
    else out.push(items[i] as T);
  }
  return out;
}

/** `page` itself when already in time order (the usual case), else a stably sorted copy. */
function sortedByTime(page: readonly Trade[]): readonly Trade[] {
  for (let i = 1; i < page.length; i++) {
    if ((page[i] as Trade).tsNs < (page[i - 1] as Trade).tsNs) return [...page].sort(byTime);
  }
  return page;
}

function byTime(a: Trade, b: Trade): number {
  return a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0;
}
