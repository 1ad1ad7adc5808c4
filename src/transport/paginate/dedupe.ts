/**
 * Bounded de-duplication for cursor paginators.
 *
 * Cursor pages may overlap at their edges (Kraken pages from `since = last`, inclusive; a backward source
 * may repeat the item its cursor points at). Remembering every key ever seen would grow with the range, so
 * {@link RecentKeys} remembers only the keys of the current and the previous page: enough for any overlap
 * of up to one page, and bounded by two pages whatever the range.
 *
 * @module
 */

/** Keys of the current and the previous page. */
export class RecentKeys<K> {
  #previous = new Set<K>();
  #current = new Set<K>();

  /** True when `key` was added during this page or the one before. */
  has(key: K): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  /** Remembers `key` for this page and the next. */
  add(key: K): void {
    this.#current.add(key);
  }

  /** Call after each page: forgets the keys of the page before the one just finished. */
  nextPage(): void {
    this.#previous = this.#current;
    this.#current = new Set<K>();
  }

  /** How many keys are remembered (for tests of the bound). */
  get size(): number {
    return this.#previous.size + this.#current.size;
  }
}

/** The default dedupe key: the item's time (one item per nanosecond, as for candles). */
export function timeKey(item: { tsNs: bigint }): bigint {
  return item.tsNs;
}

/**
 * The default dedupe key of cursor paginators, which must never lose a record: an item with an `id`
 * (a non-empty string, a number or a bigint: trades) is keyed by it, so items sharing a nanosecond are all
 * kept; an item without one (candles) by its time. Pass `key` for anything else.
 */
export function idOrTimeKey(item: { tsNs: bigint }): string | bigint {
  const id = (item as { id?: unknown }).id;
  if (typeof id === 'string' && id !== '') return `id:${id}`;
  if (typeof id === 'number' || typeof id === 'bigint') return `id:${String(id)}`;
  return item.tsNs;
}
