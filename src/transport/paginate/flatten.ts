/**
 * The per-item view of a page generator. Paginators work page by page inside (a page is handed on as one
 * array, so a record costs no promise of its own between the HTTP response and the consumer); their
 * public form yields item by item through this one layer.
 *
 * @module
 */

/** Yields every item of every page of `pages`, in order; `return()` closes `pages`. */
export async function* flatten<T>(pages: AsyncIterable<readonly T[]>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) {
    for (const item of page) yield item;
  }
}

/** Each item of `items` as a page of its own: a per-item source where pages are expected. */
export async function* onePerPage<T>(items: AsyncIterable<T>): AsyncGenerator<readonly T[], void, undefined> {
  for await (const item of items) yield [item];
}
