/**
 * `paginateForward`: a time range, cut into fixed windows, fetched oldest first.
 *
 * ## Guarantees
 *
 * - **Windows.** The first window starts at `startNs` snapped down to `alignS` (default `windowS`), moved
 *   on by whole windows if that one would end before `startNs` (an `alignS` that does not divide
 *   `windowS`), so no request is made for a window outside the range. Windows are half-open,
 *   `[s, s + windowS)`, and advance by `windowS` whatever a page returns. Each request is clipped to the
 *   requested range, and its end is the *last nanosecond inside* the window, so a source
 *   that treats the end as inclusive is never asked for one item too many, and one request covers one
 *   full window.
 * - **Nothing skipped.** A page that is not empty, does not reach its window's end and may have been capped
 *   is continued from after its newest item until the window is covered, a page comes back empty, or a
 *   page is provably complete (see `short-page.ts` for the exact rule). When the continuation proves the
 *   source's real cap is below `maxPerRequest`, the window shrinks for the rest of the run and
 *   `onNotice` receives a `cap-shrunk` notice, so the extra request is not paid again.
 * - **Ascending, once, in range.** Items are yielded in ascending `tsNs` (each window's items are sorted;
 *   windows are disjoint), each key at most once (items a source returns for two windows are kept only by
 *   the window that contains them; continuations are de-duplicated by `key`), and only when
 *   `startNs <= tsNs < endNs`.
 * - **Concurrency.** Up to `concurrency` windows are fetched at once; output stays strictly ordered and at
 *   most `concurrency` windows are held in memory. Nothing is fetched before the consumer asks for it:
 *   with `concurrency = 1` window *k + 1* is requested only once window *k* has been consumed.
 *   Continuations inside one window are sequential.
 * - **Stopping.** `break` (or `return()`, or `await using` disposal) requests no further page and aborts
 *   in-flight ones through the `{ signal }` passed as `fetchPage`'s 4th argument. An aborted
 *   `options.signal` ends the iteration promptly with {@link AbortError} (`ERR_ABORTED`), also while a page
 *   is pending.
 * - **Failures name the gap.** When `fetchPage` throws (an `AbortError` excepted, which propagates as is),
 *   the paginator throws {@link IncompleteRangeError} with `cause` = the original error,
 *   `covered` = the range yielded so far and `missing` = `[first unfetched ns, endNs)`. Errors surface in
 *   order: everything before the failed window is yielded first.
 * - **Validation.** Bad arguments throw {@link ValidationError} synchronously, when `paginateForward` is
 *   called, not on the first `next()`.
 *
 * @module
 */
import { IncompleteRangeError, isTickwireError, ProtocolError, ValidationError } from '../../core/errors.js';
import { NS_PER_S } from '../../core/time.js';
import { assertNs, assertPositiveInt, assertPositiveNumber, assertRange } from '../../core/validate.js';
import { abortErrorFrom, throwIfAborted } from '../sleep.js';
import { callAsync, linkedController } from './abortable.js';
import {
  assertFunction,
  assertOptionalFunction,
  assertOptionalPositiveInt,
  assertOptionalPositiveNumber,
  assertOptionalSignal,
  assertOptions,
} from './args.js';
import { timeKey } from './dedupe.js';
import { flatten } from './flatten.js';
import { toPaginator } from './paginator.js';
import { orderedPrefetch } from './prefetch.js';
import { confirmCap, initialCapState, judgePage, recordPage } from './short-page.js';
import type { FetchExtras, KeyFn, NoticeFn, Paginator, ProgressFn } from './types.js';
import {
  continuationStart,
  firstWindowStart,
  gridStart,
  nsToSecondsFloat,
  pageCoversWindow,
  secondsToNs,
  shrunkWindowNs,
  type WindowRequest,
  windowAt,
  windowsBetween,
} from './windows.js';

/**
 * Fetches the items of one window (or the rest of one): those with
 * `windowStartNs <= tsNs <= windowEndNs` (the end is the last nanosecond inside the window), at most
 * `limit` of them, oldest first when the source has to cut the answer short. The 4th argument is an
 * extension of the seed's contract; see {@link FetchExtras}.
 */
export type ForwardFetch<T> = (
  windowStartNs: bigint,
  windowEndNs: bigint,
  limit: number,
  extras: FetchExtras,
) => Promise<T[]>;

/** Options of {@link paginateForward}. */
export type ForwardOptions<T> = {
  /**
   * Granularity, in seconds, the first window's start is snapped down to (the bar span for candles), so
   * the requested start is honoured without fetching up to a whole window of data nobody asked for.
   * @default windowS
   */
  alignS?: number;
  /** Called with `(windowsDone, windowsTotal, info)` after each window has been yielded. @default undefined */
  onProgress?: ProgressFn;
  /** Aborts the iteration: pending and future waits reject with {@link AbortError}. @default undefined */
  signal?: AbortSignal;
  /** Windows fetched at once; output order is unaffected. @default 1 */
  concurrency?: number;
  /**
   * The de-duplication key. The default assumes one item per nanosecond (candles); give an id when several
   * items may share a timestamp (trades), which also makes continuations restart *at* the newest item's
   * time instead of just after it, so items sharing it are not skipped (also at a window's last
   * nanosecond: a page that may have been capped there is continued there). Such a source must not
   * return rows before the asked start (they could not be told from a cap), and must not hold as many
   * items on one nanosecond as it returns in one page (they could not be paged past: a `ProtocolError`).
   * @default (item) => item.tsNs
   */
  key?: KeyFn<T>;
  /** Receives notices such as `cap-shrunk`. @default undefined */
  onNotice?: NoticeFn;
  /**
   * The smallest spacing between two items' times, in seconds (the bar span for candles). A continuation
   * then starts `stepS` after the newest item, and a page whose newest item is within `stepS` of the
   * window's end covers it. When unset: 1 ns with the default `key`, 0 (restart at the newest item) with a
   * custom `key`.
   * @default undefined
   */
  stepS?: number;
};

/** Resolved, validated settings of one forward run (internal). */
type ForwardConfig<T> = {
  fetchPage: ForwardFetch<T>;
  startNs: bigint;
  endNs: bigint;
  windowNs: bigint;
  alignS: number;
  maxPerRequest: number;
  concurrency: number;
  key: KeyFn<T>;
  stepNs: bigint;
  granuleNs: bigint;
  onProgress: ProgressFn | undefined;
  onNotice: NoticeFn | undefined;
  signal: AbortSignal | undefined;
};

/**
 * Paginates `[startNs, endNs)` forward in fixed windows of `windowS` seconds, `maxPerRequest` items per
 * request. See the module documentation for the guarantees.
 *
 * @param fetchPage fetches one window; bind symbol (and span) in a closure
 * @param startNs first nanosecond wanted (inclusive)
 * @param endNs end of the range (exclusive)
 * @param windowS window size in seconds, sized so one window holds at most `maxPerRequest` items
 * @param maxPerRequest the source's declared cap, passed as `limit`
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function paginateForward<T extends { tsNs: bigint }>(
  fetchPage: ForwardFetch<T>,
  startNs: bigint,
  endNs: bigint,
  windowS: number,
  maxPerRequest: number,
  options: ForwardOptions<T> = {},
): Paginator<T> {
  return toPaginator(flatten(forwardPages(fetchPage, startNs, endNs, windowS, maxPerRequest, options)));
}

/**
 * {@link paginateForward} window by window: each array holds one window's items, in order (never empty).
 * Internal: the download layer hands pages on whole, so a record costs no promise of its own on its way
 * to the consumer. Same arguments, errors and guarantees.
 *
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function forwardPages<T extends { tsNs: bigint }>(
  fetchPage: ForwardFetch<T>,
  startNs: bigint,
  endNs: bigint,
  windowS: number,
  maxPerRequest: number,
  options: ForwardOptions<T> = {},
): AsyncGenerator<readonly T[], void, undefined> {
  assertFunction('fetchPage', fetchPage);
  assertNs('startNs', startNs);
  assertNs('endNs', endNs);
  assertRange(startNs, endNs);
  assertPositiveNumber('windowS', windowS);
  assertPositiveInt('maxPerRequest', maxPerRequest);
  assertOptions('options', options);
  const opts = options ?? {};
  assertOptionalPositiveNumber('options.alignS', opts.alignS);
  assertOptionalFunction('options.onProgress', opts.onProgress);
  assertOptionalSignal('options.signal', opts.signal);
  assertOptionalPositiveInt('options.concurrency', opts.concurrency);
  assertOptionalFunction('options.key', opts.key);
  assertOptionalFunction('options.onNotice', opts.onNotice);
  assertOptionalPositiveNumber('options.stepS', opts.stepS);
  const windowNs = positiveNs('windowS', windowS);
  const alignS = opts.alignS ?? windowS;
  const alignNs = positiveNs('options.alignS', alignS);
  const stepNs =
    opts.stepS !== undefined ? positiveNs('options.stepS', opts.stepS) : opts.key !== undefined ? 0n : 1n;
  // The unit a shrunk window is rounded to: the item spacing, else the alignment, else whole seconds.
  let granuleNs = stepNs > 1n ? stepNs : alignNs < windowNs ? alignNs : NS_PER_S;
  if (granuleNs > windowNs) granuleNs = 1n;
  return runForward<T>({
    fetchPage,
    startNs,
    endNs,
    windowNs,
    alignS,
    maxPerRequest,
    concurrency: opts.concurrency ?? 1,
    key: opts.key ?? timeKey,
    stepNs,
    granuleNs,
    onProgress: opts.onProgress,
    onNotice: opts.onNotice,
    signal: opts.signal,
  });
}

function positiveNs(argument: string, seconds: number): bigint {
  const ns = secondsToNs(seconds);
  if (ns <= 0n) throw new ValidationError(argument, seconds, 'at least one nanosecond (1e-9 s)');
  return ns;
}

async function* runForward<T extends { tsNs: bigint }>(
  cfg: ForwardConfig<T>,
): AsyncGenerator<readonly T[], void, undefined> {
  const ctl = linkedController(cfg.signal);
  let windowNs = cfg.windowNs;
  let cap = initialCapState(cfg.maxPerRequest);
  let nextWindowStart = firstWindowStart(gridStart(cfg.startNs, cfg.alignS), windowNs, cfg.startNs);
  let dispatched = 0;
  let done = 0;
  let requests = 0;
  let itemsSoFar = 0;
  let coveredUntil = cfg.startNs;

  const nextJob = (): WindowRequest | undefined => {
    if (nextWindowStart >= cfg.endNs) return undefined;
    const w = windowAt(nextWindowStart, windowNs, cfg.startNs, cfg.endNs);
    nextWindowStart = w.windowEndNs;
    dispatched++;
    return w;
  };

  /** Fetches one window, continuing inside it while the short-page rule says so. */
  const fetchWindow = async (w: WindowRequest): Promise<T[]> => {
    // Fast path for the default key (the time): while items arrive strictly ascending, each is new and
    // `ordered` is already the answer. The first item out of order switches to a map keyed by `key`.
    const byTime = cfg.key === timeKey;
    const ordered: T[] = [];
    let lastTs: bigint | undefined;
    let byKey: Map<string | bigint, T> | undefined;
    let from = w.fromNs;
    let probedLength: number | undefined;
    while (true) {
      throwIfAborted(ctl.signal);
      requests++;
      const page = await callAsync(() =>
        cfg.fetchPage(from, w.lastNs, cfg.maxPerRequest, { signal: ctl.signal }),
      );
      if (!Array.isArray(page)) {
        throw new ProtocolError('fetchPage must resolve to an array of items', String(page));
      }
      let fresh = 0;
      // Items at or after the asked start: what the source returned *for this request*. Rows before it
      // (Coinbase may add some) are ignored for the cap bookkeeping, whose every use errs on the safe side.
      let answered = 0;
      let newest: bigint | undefined;
      for (const item of page) {
        const ts = item?.tsNs;
        if (typeof ts !== 'bigint')
          throw new ProtocolError('fetchPage returned an item without a bigint tsNs');
        if (newest === undefined || ts > newest) newest = ts;
        if (ts >= from) answered++;
        if (ts < w.fromNs || ts > w.lastNs) continue; // another window's, or outside the range
        if (byKey === undefined) {
          if (byTime && (lastTs === undefined || ts > lastTs)) {
            ordered.push(item);
            lastTs = ts;
            fresh++;
            continue;
          }
          byKey = new Map(ordered.map((i) => [cfg.key(i), i]));
        }
        const k = cfg.key(item);
        if (byKey.has(k)) continue;
        byKey.set(k, item);
        fresh++;
      }
      if (probedLength !== undefined && fresh > 0) onCapProven(probedLength);
      probedLength = undefined;
      if (newest === undefined || answered === 0) break; // nothing at or after `from`: the window is done
      // Judge with the raw length (a larger count only continues more) but remember and confirm with the
      // answered count (a smaller one only makes later pages continue more): both err towards asking.
      const verdict = judgePage(cap, page.length, pageCoversWindow(newest, cfg.stepNs, w.lastNs));
      cap = recordPage(cap, answered);
      if (verdict === 'done') break;
      const next = continuationStart(newest, cfg.stepNs);
      if (next <= from) {
        // No progress possible: a short page means we have it all; a full one means the source cannot
        // page past this instant (more items share one timestamp than fit in a page).
        if (page.length >= (cap.confirmed ?? cfg.maxPerRequest)) {
          throw new ProtocolError(
            `fetchPage returned ${page.length} items without progress at ${newest}n; more items share one timestamp than fit in a page`,
          );
        }
        break;
      }
      if (verdict === 'probe') probedLength = answered;
      from = next;
    }
    return byKey === undefined ? ordered : [...byKey.values()].sort(byTimeAsc);
  };

  const onCapProven = (pageLength: number): void => {
    const before = cap.confirmed;
    cap = confirmCap(cap, pageLength);
    if (cap.confirmed === undefined || cap.confirmed === before) return;
    windowNs = shrunkWindowNs(cfg.windowNs, cfg.maxPerRequest, cap.confirmed, cfg.granuleNs);
    cfg.onNotice?.({
      kind: 'cap-shrunk',
      declared: cfg.maxPerRequest,
      observed: cap.confirmed,
      windowS: nsToSecondsFloat(windowNs),
    });
  };

  const failure = (error: unknown): unknown => {
    if (isTickwireError(error, 'ERR_ABORTED')) return error;
    if (cfg.signal?.aborted) return abortErrorFrom(cfg.signal);
    const requested = { startNs: cfg.startNs, endNs: cfg.endNs };
    return new IncompleteRangeError(
      `A page request failed after ${itemsSoFar} items (${describe(error)})`,
      {
        requested,
        covered: coveredUntil > cfg.startNs ? [{ startNs: cfg.startNs, endNs: coveredUntil }] : [],
        missing: [{ startNs: coveredUntil, endNs: cfg.endNs }],
      },
      { cause: error },
    );
  };

  const source = orderedPrefetch(nextJob, fetchWindow, cfg.concurrency, ctl.signal);
  try {
    while (true) {
      let step: IteratorResult<{ job: WindowRequest; result: T[] }, void>;
      try {
        step = await source.next();
      } catch (error) {
        throw failure(error);
      }
      if (step.done) return;
      const { job, result } = step.value;
      itemsSoFar += result.length;
      if (result.length > 0) yield result;
      done++;
      coveredUntil = job.lastNs + 1n;
      cfg.onProgress?.(done, dispatched + windowsBetween(nextWindowStart, cfg.endNs, windowNs), {
        itemsSoFar,
        coveredUntilNs: coveredUntil,
        requests,
        windowS: nsToSecondsFloat(windowNs),
        observedCap: cap.confirmed,
      });
    }
  } finally {
    ctl.dispose();
    await source.return(undefined);
  }
}

function byTimeAsc(a: { tsNs: bigint }, b: { tsNs: bigint }): number {
  return a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
