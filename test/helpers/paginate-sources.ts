/**
 * Synthetic page sources for the paginator tests: each serves a known ground truth the way an exchange
 * would (caps, inclusive ends, spills past the asked range, overlapping cursor pages, slow pages), and
 * records every call so tests can count requests.
 */
import { HTTPError } from '../../src/core/errors.js';
import type { Trade } from '../../src/core/records.js';
import type { FetchExtras } from '../../src/transport/paginate/index.js';

/** An item with a time and an id, for generic forward/backward tests. */
export type Item = { tsNs: bigint; id: string };

/** One recorded window request. */
export type WindowCall = { startNs: bigint; endNs: bigint; limit: number };

/** Settings of {@link windowSource}. */
export type WindowSourceOptions = {
  /** The cap the source really enforces (may be below the declared one). Default: the `limit` asked. */
  realCap?: number;
  /** Extra ns returned past the asked end (an exchange treating an end as inclusive and a sloppy adapter). */
  spillAfterNs?: bigint;
  /**
   * Extra ns returned before the asked start (Coinbase: "some rows may start before start"); these extra
   * rows are not counted against the cap.
   */
  spillBeforeNs?: bigint;
  /** Rows newest first (Coinbase candles). */
  newestFirst?: boolean;
  /** Reject a request (as Coinbase answers HTTP 400) when this returns true. */
  reject?: (startNs: bigint, endNs: bigint) => boolean;
  /** Delay for call number `n` (0-based), in ms. */
  delayMs?: (n: number) => number;
};

/** A forward window source over `items` (ascending by `tsNs`). */
export function windowSource<T extends { tsNs: bigint }>(
  items: readonly T[],
  options: WindowSourceOptions = {},
) {
  const calls: WindowCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (startNs: bigint, endNs: bigint, limit: number, extras?: FetchExtras): Promise<T[]> => {
    const n = calls.length;
    calls.push({ startNs, endNs, limit });
    if (options.reject?.(startNs, endNs)) {
      throw new HTTPError(400, 'http://127.0.0.1/candles', '{"message":"granularity too small"}');
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const ms = options.delayMs?.(n) ?? 0;
      if (ms > 0) await delay(ms, extras?.signal);
      const lo = startNs - (options.spillBeforeNs ?? 0n);
      const hi = endNs + (options.spillAfterNs ?? 0n);
      const cap = Math.min(limit, options.realCap ?? limit);
      const before = items.filter((i) => i.tsNs >= lo && i.tsNs < startNs);
      const page = [...before, ...items.filter((i) => i.tsNs >= startNs && i.tsNs <= hi).slice(0, cap)];
      return options.newestFirst ? page.reverse() : page;
    } finally {
      inFlight--;
    }
  };
  return {
    fetch,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/** One recorded cursor request. */
export type CursorCall<C> = { cursor: C | null; limit: number };

/** Settings of {@link tradeCursorSource}. */
export type TradeCursorOptions = {
  /** Items per page for call `n` (default: the `limit` asked). */
  pageSize?: (n: number) => number;
  /** How many trades of the previous page each page repeats (Kraken's inclusive `since`). */
  overlap?: number;
  /** Keep serving pages past `endNs` instead of ending the cursor there. */
  ignoreEnd?: boolean;
  /** Start serving from this many trades before `startNs` (a source that does not filter). */
  leadIn?: number;
};

/** A forward cursor trade source over `trades` (ascending by `tsNs`); the cursor is an array index. */
export function tradeCursorSource(trades: readonly Trade[], options: TradeCursorOptions = {}) {
  const calls: CursorCall<number>[] = [];
  const overlap = options.overlap ?? 0;
  const fetch = async (
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: number | null,
  ): Promise<[Trade[], number | null]> => {
    const n = calls.length;
    calls.push({ cursor, limit });
    let from = cursor;
    if (from === null) {
      from = trades.findIndex((t) => t.tsNs >= startNs);
      if (from < 0) return [[], null];
      from = Math.max(0, from - (options.leadIn ?? 0));
    }
    const size = Math.max(overlap + 1, Math.min(limit, options.pageSize?.(n) ?? limit));
    const page = trades.slice(from, from + size);
    const after = from + size;
    const done = after >= trades.length || (!options.ignoreEnd && trades[after]!.tsNs > endNs);
    return [page, done ? null : after - overlap];
  };
  return { fetch, calls };
}

/** A backward cursor source over `items` (ascending); pages come newest first. */
export function backwardCursorSource<T extends { tsNs: bigint }>(
  items: readonly T[],
  options: { pageSize?: (n: number) => number; overlap?: number } = {},
) {
  const calls: CursorCall<number>[] = [];
  const overlap = options.overlap ?? 0;
  const fetch = async (cursor: number | null, limit: number): Promise<[T[], number | null]> => {
    const n = calls.length;
    calls.push({ cursor, limit });
    const hi = cursor ?? items.length; // exclusive upper index
    const size = Math.max(overlap + 1, Math.min(limit, options.pageSize?.(n) ?? limit));
    const lo = Math.max(0, hi - size);
    const page = items.slice(lo, hi).reverse();
    return [page, lo === 0 ? null : lo + overlap];
  };
  return { fetch, calls };
}

/** `count` bars of `spanNs` from `startNs`, skipping the indexes in `missing`. */
export function bars(
  startNs: bigint,
  spanNs: bigint,
  count: number,
  missing: ReadonlySet<number> = new Set(),
) {
  const out: { tsNs: bigint; open: number; high: number; low: number; close: number; volume: number }[] = [];
  for (let i = 0; i < count; i++) {
    if (missing.has(i)) continue;
    out.push({ tsNs: startNs + BigInt(i) * spanNs, open: i, high: i + 1, low: i - 1, close: i, volume: 1 });
  }
  return out;
}

/** Trades at the given times (ascending), ids `t0`, `t1`, …. */
export function tradesAt(times: readonly bigint[]): Trade[] {
  return times.map((tsNs, i) => ({ id: `t${i}`, tsNs, price: 100 + i, amount: 1, side: 'buy' as const }));
}

/** Drains an async iterable. */
export async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
