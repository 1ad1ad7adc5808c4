/**
 * What the two cursor paginators (trades, backward) share: one abortable page fetch, and the errors that
 * end a cursor walk with the gap named.
 *
 * @module
 */
import { IncompleteRangeError, isTickwireError, type NsRange, ProtocolError } from '../../core/errors.js';
import { abortErrorFrom } from '../sleep.js';
import { callAsync, raceAbort } from './abortable.js';
import { sameCursor } from './cursor.js';

/** Fetches one cursor page, abortable through `signal`; checks the `[items, cursor]` shape. */
export async function fetchCursorPage<T, C>(
  fetch: () => Promise<[T[], C | null]>,
  signal: AbortSignal,
): Promise<[T[], C | null]> {
  const answer = await raceAbort(callAsync(fetch), signal);
  if (!Array.isArray(answer) || !Array.isArray(answer[0]) || answer.length !== 2) {
    throw new ProtocolError('fetchPage must resolve to [items, nextCursor]');
  }
  const next = answer[1] === undefined ? null : answer[1];
  for (const item of answer[0]) {
    if (typeof (item as { tsNs?: unknown } | null)?.tsNs !== 'bigint') {
      throw new ProtocolError('fetchPage returned an item without a bigint tsNs');
    }
  }
  return [answer[0], next];
}

/** Where a cursor walk stands, for error reports. */
export type WalkState = {
  requested: NsRange;
  covered: NsRange | undefined;
  missing: NsRange;
};

/**
 * The error to throw when a page fetch failed: an {@link AbortError} as is (or the caller's abort), anything
 * else wrapped in {@link IncompleteRangeError} with `cause`.
 */
export function pageFailure(
  error: unknown,
  callerSignal: AbortSignal | undefined,
  state: WalkState,
): unknown {
  if (isTickwireError(error, 'ERR_ABORTED')) return error;
  if (callerSignal?.aborted) return abortErrorFrom(callerSignal);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return incomplete(`A page request failed (${detail})`, state, error);
}

/** An {@link IncompleteRangeError} for `state`. */
export function incomplete(reason: string, state: WalkState, cause?: unknown): IncompleteRangeError {
  return new IncompleteRangeError(
    reason,
    {
      requested: state.requested,
      covered: state.covered ? [state.covered] : [],
      missing: [state.missing],
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The guards every cursor walk runs before following `next`: a cursor that comes back unchanged would loop
 * forever, and `maxPages` bounds a cursor that never ends. Either throws an {@link IncompleteRangeError}
 * naming the range covered so far.
 *
 * @param label the walk, for the message (`"trades"`, `"backward"`)
 */
export function guardCursor(
  label: string,
  next: unknown,
  cursor: unknown,
  pages: number,
  maxPages: number,
  state: () => WalkState,
): void {
  if (sameCursor(next, cursor)) {
    throw incomplete(`The ${label} cursor repeated after ${pages} pages (${String(next)})`, state());
  }
  if (pages >= maxPages) {
    throw incomplete(`maxPages (${maxPages}) reached with the ${label} cursor still live`, state());
  }
}
