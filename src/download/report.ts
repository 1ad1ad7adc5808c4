/**
 * The completeness report of a download: what was asked, what was delivered, and exactly which ranges
 * were not, with why.
 *
 * @module
 */

import { formatRange, IncompleteRangeError, type NsRange, type TickwireError } from '../core/errors.js';
import type { KindId } from '../core/kinds.js';

/** A range that was not delivered, and why. */
export type MissingRange = {
  /** The range, half-open `[startNs, endNs)`. */
  range: NsRange;
  /** Why: the error message, or e.g. "the bar has not closed yet". */
  reason: string;
  /** The error that stopped the download, when one did. */
  error?: TickwireError | Error;
};

/** What a finished (or failed) download delivered. */
export type DownloadReport = {
  /** The data kind (`'ohlc'`, `'trades'`, `'funding'`, ...). */
  kind: KindId;
  /** The exchange id. */
  exchange: string;
  /** The unified symbol (`BTC/USDT`), or the symbol as given when it never resolved. */
  symbol: string;
  /** The span in seconds (candles, open-interest period). */
  span?: number;
  /** The range asked for, half-open. */
  requested: NsRange;
  /** Ranges fully delivered, ascending and disjoint. */
  delivered: NsRange[];
  /** Ranges not delivered. Empty when `complete`. */
  missing: MissingRange[];
  /** True when every part of `requested` was delivered. */
  complete: boolean;
  /** Records yielded. */
  items: number;
  /** Page requests made (as reported by the paginators). */
  pages: number;
};

/** Appends `range` to `list`, merging it with the last range when they touch. */
export function addRange(list: NsRange[], range: NsRange): void {
  if (range.startNs >= range.endNs) return;
  const last = list.at(-1);
  if (last && last.endNs >= range.startNs) {
    list[list.length - 1] = {
      startNs: last.startNs,
      endNs: maxNs(range.endNs, last.endNs),
    };
  } else {
    list.push(range);
  }
}

/** The missing ranges an error implies: an `IncompleteRangeError`'s own, else `fallback`. */
export function missingFrom(
  error: unknown,
  fallback: NsRange,
): { covered: NsRange[]; missing: MissingRange[] } {
  const err = error instanceof Error ? error : new Error(String(error));
  if (error instanceof IncompleteRangeError) {
    const cause = error.cause instanceof Error ? error.cause : error;
    return {
      covered: [...error.covered],
      missing: error.missing.map((range) => ({ range, reason: cause.message, error: cause })),
    };
  }
  return { covered: [], missing: [{ range: fallback, reason: err.message, error: err }] };
}

/** A one-line summary of a report, for logs and the CLI. */
export function formatReport(report: DownloadReport): string {
  const what = `${report.exchange} ${report.symbol} ${report.kind}`;
  if (report.complete)
    return `${what}: complete, ${report.items} records in ${formatRange(report.requested)}`;
  const miss = report.missing.map((m) => `${formatRange(m.range)} (${m.reason})`).join('; ');
  return `${what}: INCOMPLETE, ${report.items} records; missing ${miss}`;
}

/** The smaller of two bigints (`Math.min` does not take bigints). */
export function minNs(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two bigints (`Math.max` does not take bigints). */
export function maxNs(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
