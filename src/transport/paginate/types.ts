/**
 * Types shared by every paginator: progress reports, notices, the optional fetch extension, and the
 * {@link Paginator} handle they all return.
 *
 * @module
 */

/** Extra information passed with each progress report. */
export type ProgressInfo = {
  /** Items yielded to the consumer so far. */
  itemsSoFar: number;
  /**
   * Everything before this time (forward, trades) or from this time on (backward) has been delivered,
   * in epoch ns. Undefined until something is known to be complete.
   */
  coveredUntilNs?: bigint;
  /** Page requests made so far (`fetchPage` calls, continuations included). */
  requests: number;
  /**
   * Sliced walks only: ns of the range fetched so far, summed over every slice (merged, finished and
   * waiting for an earlier one, or still running). Grows evenly while `coveredUntilNs` jumps as slices
   * are merged in order: the measure for a rate or an ETA.
   */
  fetchedNs?: bigint;
  /** Forward paginators only: the current window in seconds (smaller than at the start after a cap shrink). */
  windowS?: number;
  /** Forward paginators only: the page cap the source was seen to enforce, when it is below the declared one. */
  observedCap?: number;
};

/**
 * Progress callback. Forward paginators call it with `(windowsDone, windowsTotal, info)` after each window
 * has been yielded; `windowsTotal` can shrink or grow when the window size changes. Cursor paginators
 * (trades, backward) call it with `(pagesDone, -1, info)` after each page: their total is unknown.
 */
export type ProgressFn = (done: number, total: number, info: ProgressInfo) => void;

/**
 * Something the caller should know about that is not an error.
 *
 * `cap-shrunk`: a page came back with fewer items than `declared` although its window was not covered,
 * and the next page proved there was more: the source's real cap is `observed`. The paginator shrank its
 * window to `windowS` seconds for the rest of the run so that one request again covers one window.
 */
export type PaginateNotice = {
  kind: 'cap-shrunk';
  /** The cap the caller declared (`maxPerRequest`). */
  declared: number;
  /** The cap the source was seen to enforce. */
  observed: number;
  /** The new window, in seconds. */
  windowS: number;
};

/** Notice callback; see {@link PaginateNotice}. */
export type NoticeFn = (notice: PaginateNotice) => void;

/**
 * Optional last argument every paginator passes to `fetchPage` (an extension of the seed's contract).
 * `signal` aborts when the iteration ends early (`break`, `return()`, an aborted caller signal), so an
 * adapter that hands it to its HTTP request cancels work nobody will read. Fetchers may ignore it.
 */
export type FetchExtras = {
  /** Aborted when the paginator no longer needs this page. */
  signal: AbortSignal;
};

/** A dedupe key: two items with the same key are the same record. */
export type KeyFn<T> = (item: T) => string | bigint;

/**
 * What every paginator returns: an async generator (use `for await`), also disposable with
 * `await using`. `break`, `return()` and disposal stop fetching and abort in-flight requests.
 */
export type Paginator<T> = AsyncGenerator<T, void, undefined> & AsyncDisposable;
