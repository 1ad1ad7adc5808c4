/**
 * `paginateSliced`: several cursor walks over consecutive time slices of one range, run concurrently,
 * yielded strictly in order.
 *
 * A cursor walk (trades) makes one request per round trip: at 50 ms latency that is ~15 pages/s, below what
 * a rate limit such as Binance's (25 aggTrades pages/s) allows. Cutting `[startNs, endNs)` into consecutive
 * half-open slices, each drained by its own walk, keeps `concurrency` requests in flight, so the rate limiter
 * (shared by the walks through the adapter) becomes the bound again.
 *
 * ## Guarantees
 *
 * - **Order, once, no gap.** Slices are consecutive and half-open: an item belongs to the slice holding its
 *   `tsNs` (items sharing a nanosecond at a boundary all belong to the later slice). Items a walk yields
 *   outside its slice are dropped, so no item can come twice; the consumer receives slice after slice, each
 *   in its walk's order (ascending for forward walks).
 * - **Bounded memory.** At most `concurrency` slices run or wait at once, counting the one being read. A slice
 *   stops pulling its walk once it holds `2 × sliceItems` unread items, and a slice not being read also once
 *   all slices together hold `maxBufferedItems` (real backpressure: the walk requests no further page), so
 *   at most about `maxBufferedItems + 2 × sliceItems` items are buffered whatever the concurrency.
 * - **Buffer only what helps.** The walks ahead need room to finish their slices while the head one is
 *   still read, but only while the consumer waits for the network. All slices together hold at most
 *   `2 × sliceItems` instead of `maxBufferedItems` while either (a) the event loop was busy more than 90 % of
 *   the time it took to read a slice (the process is bound by its CPU: parsing, a database sink's encoding,
 *   a disk), or (b) the consumer waited for the head slice's pages less than 5 % of that time, for two
 *   slices in a row (it is slower than the download: a database that takes the rows more slowly than they
 *   come). Then more pages in flight cannot make it faster, and holding their items costs memory and garbage
 *   collection. The whole buffer comes back with the first slice the consumer waited for a quarter of its
 *   read time or more (the event loop not that busy).
 * - **Adaptive slice sizes.** The first slice spans `initialSliceS`; it is a probe. Further slices start once
 *   a walk has reported how far its first page reached, and span `sliceItems ÷ density` (density = items seen
 *   per ns over the last four slices read and the running ones, so it follows a market that gets busier;
 *   at least `minSliceS`). When the rest of the range is estimated to hold
 *   no more than one such slice per free walk, it is cut into equal parts, one per free walk, so the tail
 *   keeps the walks busy. Trade-off: larger slices waste less (each slice's last page is partly empty, and its
 *   first page may need a lookup, e.g. Coinbase's id search) but buffer more; a density estimated on a quiet
 *   stretch makes later busy slices larger than aimed (the buffer cap still holds).
 * - **Failures.** A failed slice is reported when the consumer reaches it, after every earlier slice has been
 *   yielded; later slices are then discarded, so what was delivered is always a prefix of the range (a sink
 *   can resume from its last record). The error is an {@link IncompleteRangeError} over the whole range:
 *   `covered` is `[startNs, t)` and `missing` `[t, endNs)`, where `t` is how far the failed slice's own
 *   `IncompleteRangeError` says it got (else the slice's start); `cause` is the original error. An
 *   {@link AbortError} propagates as is.
 * - **Stopping.** `break`, `return()` and an aborted `signal` abort every running walk through the signal
 *   passed to `walk`.
 * - **`concurrency = 1`** walks the whole range as one slice: nothing to gain from cutting it.
 *
 * Why not `orderedPrefetch`: it calls `nextJob()` for all free slots at once, before any result, and hands a
 * result over only once its job has settled. Here slice sizes depend on the first page's density, and the
 * head slice must stream while it is still being fetched.
 *
 * @module
 */
import { formatRange, IncompleteRangeError, isTickwireError, type NsRange } from '../../core/errors.js';
import { assertNs, assertPositiveInt, assertRange } from '../../core/validate.js';
import { abortErrorFrom } from '../sleep.js';
import { linkedController } from './abortable.js';
import {
  assertFunction,
  assertOptionalFunction,
  assertOptionalPositiveInt,
  assertOptionalPositiveNumber,
  assertOptionalSignal,
  assertOptions,
} from './args.js';
import { flatten, onePerPage } from './flatten.js';
import { toPaginator } from './paginator.js';
import type { Paginator, ProgressFn } from './types.js';

/** What {@link paginateSliced} passes to each slice's walk. */
export type SliceExtras = {
  /** Aborted when the slice is no longer wanted (early stop, abort, an earlier slice failed). */
  signal: AbortSignal;
  /** The walk's own progress: `info.requests` and `info.coveredUntilNs` feed the totals and the density. */
  onProgress: ProgressFn;
};

/**
 * Walks one slice `[slice.startNs, slice.endNs)` (half-open) in order, e.g. `paginateTrades` over
 * `[slice.startNs, slice.endNs - 1n]`.
 */
export type SliceWalk<T> = (slice: NsRange, extras: SliceExtras) => AsyncIterable<T>;

/** A {@link SliceWalk} that yields pages (arrays of items, in order) rather than items one by one. */
export type SlicePagesWalk<T> = (slice: NsRange, extras: SliceExtras) => AsyncIterable<readonly T[]>;

/** Options of {@link paginateSliced}. */
export type SlicedOptions = {
  /** Slices walked at once (running or buffered, the one being read included). @default 4 */
  concurrency?: number;
  /** Items a slice should hold; its span is sized from the density seen so far. @default 16_000 */
  sliceItems?: number;
  /** Span of the first slice (the probe), in seconds. @default 60 */
  initialSliceS?: number;
  /** Shortest slice, in seconds (also: a shorter tail joins the slice before it). @default 1 */
  minSliceS?: number;
  /**
   * Unread items all slices may hold together before the walks not being read stop pulling (the one being
   * read stops at `2 × sliceItems` of its own). Bounds memory whatever `concurrency` is. While the process is
   * bound by its CPU, or the consumer is slower than the walks, all slices hold at most `2 × sliceItems`
   * (see the module documentation).
   * @default 2 × sliceItems (32,000 items with the default slice size)
   */
  maxBufferedItems?: number;
  /** Aborts the iteration: running walks are aborted and it rejects with {@link AbortError}. @default undefined */
  signal?: AbortSignal;
  /**
   * Called with `(requests, -1, info)` after each page of any slice and after each finished slice;
   * `info.coveredUntilNs` is the end of the slices fully yielded. @default undefined
   */
  onProgress?: ProgressFn;
};

/** Default {@link SlicedOptions.concurrency}. */
export const DEFAULT_SLICE_CONCURRENCY = 4;
/** Default {@link SlicedOptions.sliceItems}. */
export const DEFAULT_SLICE_ITEMS = 16_000;

const NS_PER_S = 1_000_000_000;

/** Event loop utilization above which a sliced walk counts as bound by its CPU ("Buffer only what helps"). */
const CPU_BOUND_UTILIZATION = 0.9;
/** Share of a slice's read time below which the consumer hardly waited for it ("Buffer only what helps"). */
const AHEAD_WAIT_FRACTION = 0.05;
/** Share of a slice's read time the consumer waited for it that brings the whole buffer back. */
const WAITED_FRACTION = 0.25;
/** Slices in a row read with hardly a wait before the buffer shrinks. */
const AHEAD_SLICES = 2;

/** Finished slices the density is measured over (with the running ones). */
const DENSITY_SLICES = 4;

type Slice<T> = {
  range: NsRange;
  ctl: ReturnType<typeof linkedController>;
  /** Pages received and not yet read, oldest first, and how many items they hold. */
  pages: (readonly T[])[];
  unread: number;
  done: boolean;
  failed: boolean;
  error: unknown;
  /** Items the walk yielded in the slice, and how far its progress said it reached (for the density). */
  seen: number;
  reachedNs: bigint;
  requests: number;
  /** Resolves a walk paused on a full buffer. */
  resume: (() => void) | undefined;
};

/**
 * Walks `[startNs, endNs)` (half-open) as consecutive slices, `concurrency` at a time, yielding strictly in
 * slice order. See the module documentation.
 *
 * @param walk walks one half-open slice; items must carry `tsNs`
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function paginateSliced<T extends { tsNs: bigint }>(
  walk: SliceWalk<T>,
  startNs: bigint,
  endNs: bigint,
  options: SlicedOptions = {},
): Paginator<T> {
  assertFunction('walk', walk);
  return toPaginator(
    flatten(slicedPages((slice, extras) => onePerPage(walk(slice, extras)), startNs, endNs, options)),
  );
}

/**
 * {@link paginateSliced} page by page: `walk` yields pages and so does the result (each page of a slice,
 * in slice order, without the items outside its slice; never empty). Internal: the download layer hands
 * pages on whole. Same arguments, errors and guarantees.
 *
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function slicedPages<T extends { tsNs: bigint }>(
  walk: SlicePagesWalk<T>,
  startNs: bigint,
  endNs: bigint,
  options: SlicedOptions = {},
): AsyncGenerator<readonly T[], void, undefined> {
  assertFunction('walk', walk);
  assertNs('startNs', startNs);
  assertNs('endNs', endNs);
  assertRange(startNs, endNs);
  assertOptions('options', options);
  const o = options ?? {};
  assertOptionalPositiveInt('options.concurrency', o.concurrency);
  assertOptionalPositiveInt('options.sliceItems', o.sliceItems);
  assertOptionalPositiveNumber('options.initialSliceS', o.initialSliceS);
  assertOptionalPositiveNumber('options.minSliceS', o.minSliceS);
  assertOptionalPositiveInt('options.maxBufferedItems', o.maxBufferedItems);
  assertOptionalSignal('options.signal', o.signal);
  assertOptionalFunction('options.onProgress', o.onProgress);
  const concurrency = o.concurrency ?? DEFAULT_SLICE_CONCURRENCY;
  assertPositiveInt('options.concurrency', concurrency);
  return runSliced(walk, startNs, endNs, {
    concurrency,
    sliceItems: o.sliceItems ?? DEFAULT_SLICE_ITEMS,
    maxBufferedItems: o.maxBufferedItems ?? 2 * (o.sliceItems ?? DEFAULT_SLICE_ITEMS),
    initialSliceNs: secondsToNs(o.initialSliceS ?? 60),
    minSliceNs: secondsToNs(o.minSliceS ?? 1),
    signal: o.signal,
    onProgress: o.onProgress,
  });
}

type Plan = {
  concurrency: number;
  sliceItems: number;
  maxBufferedItems: number;
  initialSliceNs: bigint;
  minSliceNs: bigint;
  signal: AbortSignal | undefined;
  onProgress: ProgressFn | undefined;
};

function secondsToNs(s: number): bigint {
  return BigInt(Math.max(1, Math.round(s * NS_PER_S)));
}

/**
 * The end of the next slice starting at `from`: pure, so the sizing rule is tested on its own.
 * `density` is items per ns seen so far (`undefined` before the probe's first page); `free` is how many
 * slices may start now, this one included. Slices aim at `sliceItems` items; when the rest of the range is
 * estimated to hold no more than `free` such slices, it is cut into `free` equal parts instead, so the
 * tail keeps every walk busy without shrinking slice after slice.
 */
export function nextSliceEnd(
  from: bigint,
  endNs: bigint,
  density: number | undefined,
  free: number,
  plan: Pick<Plan, 'concurrency' | 'sliceItems' | 'initialSliceNs' | 'minSliceNs'>,
): bigint {
  const remaining = endNs - from;
  if (plan.concurrency === 1) return endNs;
  let span: bigint;
  if (density === undefined) span = plan.initialSliceNs;
  else {
    const wanted = density > 0 ? plan.sliceItems / density : Number.POSITIVE_INFINITY;
    const parts = BigInt(Math.max(1, free));
    span =
      wanted * Number(parts) >= Number(remaining) ? ceilDiv(remaining, parts) : BigInt(Math.ceil(wanted));
  }
  if (span < plan.minSliceNs) span = plan.minSliceNs;
  // A tail shorter than the shortest slice joins this one.
  if (remaining - span < plan.minSliceNs) return endNs;
  return from + span;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

async function* runSliced<T extends { tsNs: bigint }>(
  walk: SlicePagesWalk<T>,
  startNs: bigint,
  endNs: bigint,
  plan: Plan,
): AsyncGenerator<readonly T[], void, undefined> {
  const ctl = linkedController(plan.signal);
  const active: Slice<T>[] = [];
  const maxBuffered = plan.sliceItems * 2;
  let buffered = 0; // unread items across all slices
  // What all slices may hold (see "Buffer only what helps"): `maxBufferedItems` while the process waits for
  // the network, two slices' worth while it is bound by its CPU.
  const cpuBoundCap = Math.min(plan.maxBufferedItems, 2 * plan.sliceItems);
  let cap = plan.maxBufferedItems;
  let loop = performance.eventLoopUtilization(); // since the head slice began to be read
  let headSince = performance.now();
  let waitedMs = 0; // how long the consumer waited for the head slice's pages since then
  let aheadStreak = 0; // slices in a row read with hardly a wait
  let small = false; // holding two slices' worth (see "Buffer only what helps")
  /** Whether `slice` may fetch its next page now (its own limit aside). */
  const mayFetch = (slice: Slice<T>): boolean => slice === active[0] || buffered < cap;
  let next = startNs;
  let launched = 0;
  let coveredUntil = startNs; // everything before it has been yielded
  let itemsSoFar = 0;
  let requests = 0;
  let doneNs = 0n; // ns of the slices finished and read
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  ctl.signal.addEventListener('abort', notify, { once: true });

  /** Ns of the range fetched so far over all slices: merged ones, finished ones waiting, running ones. */
  const fetched = (): bigint => {
    let ns = doneNs;
    for (const s of active) {
      if (s.done) ns += s.range.endNs - s.range.startNs;
      else if (s.reachedNs > s.range.startNs) ns += s.reachedNs - s.range.startNs;
    }
    return ns;
  };

  const report = (): void =>
    plan.onProgress?.(requests, -1, {
      itemsSoFar,
      coveredUntilNs: coveredUntil > startNs ? coveredUntil : undefined,
      requests,
      fetchedNs: fetched(),
    });

  // Density follows the market: the last few slices read, not the whole range so far (a busy stretch after
  // a quiet one would otherwise get slices several times the aimed size, and the walk being read, which
  // is sequential, would hold back the others).
  const recent: { items: number; ns: bigint }[] = [];
  const density = (): number | undefined => {
    let items = 0;
    let ns = 0n;
    for (const r of recent) {
      items += r.items;
      ns += r.ns;
    }
    for (const s of active) {
      if (s.done || s.reachedNs <= s.range.startNs) continue;
      items += s.seen;
      ns += s.reachedNs - s.range.startNs;
    }
    return ns > 0n ? items / Number(ns) : undefined;
  };

  const drain = async (slice: Slice<T>): Promise<void> => {
    const { startNs: from, endNs: to } = slice.range;
    try {
      const onProgress: ProgressFn = (_d, _t, info) => {
        requests += info.requests - slice.requests;
        slice.requests = info.requests;
        if (info.coveredUntilNs !== undefined && info.coveredUntilNs > slice.reachedNs) {
          slice.reachedNs = earlier(info.coveredUntilNs, to);
        }
        report();
        notify();
      };
      for await (const page of walk(slice.range, { signal: slice.ctl.signal, onProgress })) {
        const kept = within(page, from, to); // without another slice's items
        if (kept.length === 0) continue;
        slice.seen += kept.length;
        slice.pages.push(kept);
        slice.unread += kept.length;
        buffered += kept.length;
        if (wake) notify();
        // Backpressure: this slice holds enough, or (not being read) all slices together hold enough.
        while (!slice.ctl.signal.aborted && (slice.unread >= maxBuffered || !mayFetch(slice))) {
          await new Promise<void>((resolve) => {
            slice.resume = resolve;
          });
          slice.resume = undefined;
        }
      }
      slice.done = true;
    } catch (error) {
      slice.failed = true;
      slice.error = error;
    }
    notify();
  };

  const launch = (): void => {
    while (active.length < plan.concurrency && next < endNs) {
      const d = launched === 0 ? undefined : density();
      if (launched > 0 && d === undefined) return; // wait for the probe's first page
      const sliceEnd = nextSliceEnd(next, endNs, d, plan.concurrency - active.length, plan);
      const slice: Slice<T> = {
        range: { startNs: next, endNs: sliceEnd },
        ctl: linkedController(ctl.signal),
        pages: [],
        unread: 0,
        done: false,
        failed: false,
        error: undefined,
        seen: 0,
        reachedNs: next,
        requests: 0,
        resume: undefined,
      };
      active.push(slice);
      launched++;
      next = sliceEnd;
      void drain(slice);
    }
  };

  try {
    while (true) {
      launch();
      const head = active[0];
      if (head === undefined) return;
      if (head.pages.length > 0) {
        const pages = head.pages;
        head.pages = [];
        for (const page of pages) {
          head.unread -= page.length;
          buffered -= page.length;
          itemsSoFar += page.length;
          yield page;
        }
        for (const s of active) s.resume?.(); // room again: paused walks re-check
        continue;
      }
      if (head.failed) throw failure(head, startNs, endNs, plan.signal);
      if (head.done) {
        active.shift();
        head.ctl.dispose();
        doneNs += head.range.endNs - head.range.startNs;
        recent.push({ items: head.seen, ns: head.range.endNs - head.range.startNs });
        if (recent.length > DENSITY_SLICES) recent.shift();
        coveredUntil = head.range.endNs;
        // The event loop hardly idle while this slice was read: the process is bound by its CPU.
        const used = performance.eventLoopUtilization(loop);
        loop = performance.eventLoopUtilization();
        const now = performance.now();
        const waited = waitedMs / Math.max(now - headSince, 1e-3);
        headSince = now;
        waitedMs = 0;
        if (used.utilization > CPU_BOUND_UTILIZATION) small = true;
        else if (waited >= WAITED_FRACTION) {
          // The consumer waited for the network: lookahead helps.
          aheadStreak = 0;
          small = false;
        } else if (waited >= AHEAD_WAIT_FRACTION) aheadStreak = 0;
        else if (++aheadStreak >= AHEAD_SLICES) small = true; // the walks are ahead of the consumer
        const next = small ? cpuBoundCap : plan.maxBufferedItems;
        if (next > cap) for (const s of active) s.resume?.();
        cap = next;
        report();
        continue;
      }
      head.resume?.(); // the head may have paused before it became the head
      // Woken by the head's next item or by the abort listener below: one listener for the whole run,
      // not one per wait (the head wakes this loop once per item).
      if (ctl.signal.aborted) throw abortErrorFrom(ctl.signal);
      const waitStart = performance.now();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      waitedMs += performance.now() - waitStart;
      if (ctl.signal.aborted) throw abortErrorFrom(ctl.signal);
    }
  } finally {
    ctl.signal.removeEventListener('abort', notify);
    for (const s of active) {
      s.ctl.dispose();
      s.resume?.();
    }
    ctl.dispose();
  }
}

/** The error for a failed slice: the whole range's covered prefix and missing rest. */
function failure(
  slice: Slice<unknown>,
  startNs: bigint,
  endNs: bigint,
  callerSignal: AbortSignal | undefined,
): unknown {
  const error = slice.error;
  if (isTickwireError(error, 'ERR_ABORTED')) return error;
  if (callerSignal?.aborted) return abortErrorFrom(callerSignal);
  let reached = slice.range.startNs;
  let cause: unknown = error;
  if (error instanceof IncompleteRangeError) {
    const first = error.covered[0];
    if (first && first.startNs <= slice.range.startNs && first.endNs > reached) {
      reached = earlier(first.endNs, slice.range.endNs);
    }
    cause = error.cause ?? error;
  }
  if (reached >= slice.range.endNs) reached = slice.range.startNs; // claimed all yet failed: trust nothing
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new IncompleteRangeError(
    `The cursor walk of the slice ${formatRange(slice.range)} failed (${detail})`,
    {
      requested: { startNs, endNs },
      covered: reached > startNs ? [{ startNs, endNs: reached }] : [],
      missing: [{ startNs: reached, endNs }],
    },
    { cause },
  );
}

/** The items of `page` in `[from, to)`: `page` itself when all are (the usual case). */
function within<T extends { tsNs: bigint }>(page: readonly T[], from: bigint, to: bigint): readonly T[] {
  for (const item of page) {
    if (item.tsNs < from || item.tsNs >= to) return page.filter((i) => i.tsNs >= from && i.tsNs < to);
  }
  return page;
}

function earlier(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
