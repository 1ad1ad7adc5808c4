/**
 * "Collect all" on top of any paginator.
 *
 * @module
 */
import { assertPositiveInt } from '../../core/validate.js';

/**
 * Drains `iterable` into an array. With `limit`, stops (and closes the iterator, so no further page is
 * fetched) once that many items are collected. Errors propagate unchanged; on an
 * `IncompleteRangeError` the items collected so far are lost, so iterate directly to keep them.
 *
 * @param options.limit most items to collect @default Infinity
 */
export async function collect<T>(iterable: AsyncIterable<T>, options: { limit?: number } = {}): Promise<T[]> {
  if (options.limit !== undefined) assertPositiveInt('options.limit', options.limit);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
