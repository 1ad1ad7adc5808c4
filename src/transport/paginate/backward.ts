/**
 * `paginateBackward`: a range `[startNs, endNs)` walked from the newest item back, by opaque cursor
 * (Coinbase trades: `after` pages toward older trades).
 *
 * ## Order: newest → oldest
 *
 * Items are yielded as pages arrive, **newest first** (each page sorted by descending `tsNs`). Ascending
 * output is promised only for forward sources (design.md): reordering a backward walk would mean holding
 * the whole range in memory. A caller that wants ascending order collects and reverses (`collect` then
 * `reverse()`), knowingly paying that memory.
 *
 * ## Guarantees
 *
 * - **Stops** after the first page holding an item older than `startNs` (its in-range items are yielded
 *   first), or when the cursor is `null`. An empty page with a new cursor is followed.
 * - **In range, once.** Items outside `[startNs, endNs)` are dropped; an item repeated at the edge of two
 *   pages is yielded once (keys of the current and previous page are remembered, nothing older). The
 *   default key is the item's `id` when it has one (trades sharing a nanosecond are all kept), else its
 *   `tsNs`.
 * - **No silent truncation.** A repeated cursor, or `maxPages` pages with the cursor still live, throws
 *   {@link IncompleteRangeError}: `covered` is `(t, endNs)` = `[t + 1, endNs)` and `missing` is
 *   `[startNs, t + 1)`, where `t` is the oldest item time seen (items at `t` may be incomplete). A failing
 *   `fetchPage` throws the same error with `cause` (an `AbortError` propagates as is).
 * - **Stopping.** `break` requests no further page and aborts the in-flight one through the `{ signal }`
 *   passed as `fetchPage`'s 3rd argument; an aborted `options.signal` rejects promptly with
 *   {@link AbortError}.
 * - **Validation.** Bad arguments throw {@link ValidationError} synchronously.
 *
 * @module
 */
import type { NsRange } from '../../core/errors.js';
import { assertNs, assertPositiveInt, assertRange } from '../../core/validate.js';
import { linkedController } from './abortable.js';
import {
  assertFunction,
  assertOptionalFunction,
  assertOptionalPositiveInt,
  assertOptionalSignal,
  assertOptions,
} from './args.js';
import { fetchCursorPage, guardCursor, pageFailure, type WalkState } from './cursor-page.js';
import { idOrTimeKey, RecentKeys } from './dedupe.js';
import { toPaginator } from './paginator.js';
import { DEFAULT_MAX_PAGES } from './trades.js';
import type { FetchExtras, KeyFn, Paginator, ProgressFn } from './types.js';

/**
 * Fetches the page at `cursor` (`null`: the newest page), at most `limit` items; resolves to
 * `[items, olderCursor]`, with `null` when there is nothing older. The 3rd argument is optional; see
 * {@link FetchExtras}.
 */
export type BackwardFetch<T, C> = (
  cursor: C | null,
  limit: number,
  extras: FetchExtras,
) => Promise<[T[], C | null]>;

/** Options of {@link paginateBackward}. */
export type BackwardOptions<T> = {
  /** Called with `(pagesDone, -1, info)` after each page; `info.coveredUntilNs` is the oldest complete time. @default undefined */
  onProgress?: ProgressFn;
  /** Aborts the iteration: pending and future waits reject with {@link AbortError}. @default undefined */
  signal?: AbortSignal;
  /** Most pages to request; reaching it with the cursor still live throws. @default 1_000_000 */
  maxPages?: number;
  /**
   * The de-duplication key (two items with the same key are one record). The default never drops two
   * records that share a timestamp when they carry ids: an item with an `id` (non-empty string, number or
   * bigint) is keyed by it, one without by its `tsNs` (one item per nanosecond, as for candles). Give a
   * key when items have neither, or their identity is elsewhere.
   * @default the item's `id` when it has one, else its `tsNs`
   */
  key?: KeyFn<T>;
};

/**
 * Paginates `[startNs, endNs)` backward, newest first, by cursor. See the module documentation.
 *
 * @param fetchPage fetches one page; bind symbol in a closure
 * @param startNs oldest nanosecond wanted (inclusive)
 * @param endNs end of the range (exclusive)
 * @param maxPerRequest passed as `limit`
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function paginateBackward<T extends { tsNs: bigint }, C>(
  fetchPage: BackwardFetch<T, C>,
  startNs: bigint,
  endNs: bigint,
  maxPerRequest: number,
  options: BackwardOptions<T> = {},
): Paginator<T> {
  assertFunction('fetchPage', fetchPage);
  assertNs('startNs', startNs);
  assertNs('endNs', endNs);
  assertRange(startNs, endNs);
  assertPositiveInt('maxPerRequest', maxPerRequest);
  assertOptions('options', options);
  const opts = options ?? {};
  assertOptionalFunction('options.onProgress', opts.onProgress);
  assertOptionalSignal('options.signal', opts.signal);
  assertOptionalPositiveInt('options.maxPages', opts.maxPages);
  assertOptionalFunction('options.key', opts.key);
  return toPaginator(
    runBackward(fetchPage, startNs, endNs, maxPerRequest, opts.maxPages ?? DEFAULT_MAX_PAGES, {
      key: opts.key ?? idOrTimeKey,
      onProgress: opts.onProgress,
      signal: opts.signal,
    }),
  );
}

async function* runBackward<T extends { tsNs: bigint }, C>(
  fetchPage: BackwardFetch<T, C>,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  maxPages: number,
  opts: { key: KeyFn<T>; onProgress: ProgressFn | undefined; signal: AbortSignal | undefined },
): AsyncGenerator<T, void, undefined> {
  const ctl = linkedController(opts.signal);
  const requested: NsRange = { startNs, endNs };
  const recent = new RecentKeys<string | bigint>();
  let cursor: C | null = null;
  let pages = 0;
  let itemsSoFar = 0;
  let completeFromNs = endNs; // everything in [completeFromNs, endNs) has been delivered

  const state = (): WalkState => ({
    requested,
    covered: completeFromNs < endNs ? { startNs: completeFromNs, endNs } : undefined,
    missing: { startNs, endNs: completeFromNs },
  });

  try {
    while (true) {
      let page: T[];
      let next: C | null;
      try {
        [page, next] = await fetchCursorPage(
          () => fetchPage(cursor, limit, { signal: ctl.signal }),
          ctl.signal,
        );
      } catch (error) {
        throw pageFailure(error, opts.signal, state());
      }
      pages++;
      let pastStart = false;
      for (const item of [...page].sort(byTimeDesc)) {
        if (item.tsNs < startNs) {
          pastStart = true;
          continue;
        }
        if (item.tsNs + 1n < completeFromNs) completeFromNs = item.tsNs + 1n;
        if (item.tsNs >= endNs) continue;
        const k = opts.key(item);
        const seen = recent.has(k);
        recent.add(k); // also when seen: this page's keys must cover the next page's overlap
        if (seen) continue;
        itemsSoFar++;
        yield item;
      }
      recent.nextPage();
      if (pastStart) completeFromNs = startNs;
      opts.onProgress?.(pages, -1, {
        itemsSoFar,
        coveredUntilNs: completeFromNs < endNs ? completeFromNs : undefined,
        requests: pages,
      });
      if (next === null || pastStart) return;
      guardCursor('backward', next, cursor, pages, maxPages, state);
      cursor = next;
    }
  } finally {
    ctl.dispose();
  }
}

function byTimeDesc(a: { tsNs: bigint }, b: { tsNs: bigint }): number {
  return a.tsNs > b.tsNs ? -1 : a.tsNs < b.tsNs ? 1 : 0;
}
