/**
 * Gap repair by time, for exchanges whose trade ids are not contiguous (Bybit: UUIDs on linear, and a
 * `seq` that skips numbers), so a hole cannot be named by ids. After a reconnect, the trades between the
 * last one delivered and the first live one are fetched over REST (`recent-trade` on Bybit, which
 * reaches back its newest 1000 trades) and the ones not delivered yet are handed on, in order, before
 * the live trade. Delivered ids are remembered (bounded) so a trade is never handed on twice.
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import type { Trade } from '../core/records.js';
import { paginateTrades } from '../transport/paginate/index.js';

/** The ids of the last `capacity` trades delivered for one market. */
export class RecentIds {
  readonly #set = new Set<string>();
  readonly #order: string[] = [];
  #head = 0;

  constructor(readonly capacity = 20_000) {}

  has(id: string): boolean {
    return this.#set.has(id);
  }

  add(id: string): void {
    if (this.#set.has(id)) return;
    this.#set.add(id);
    this.#order.push(id);
    if (this.#order.length - this.#head > this.capacity) {
      this.#set.delete(this.#order[this.#head] as string);
      this.#head++;
      if (this.#head >= this.capacity) {
        this.#order.splice(0, this.#head);
        this.#head = 0;
      }
    }
  }
}

/** What {@link fetchMissedTrades} found. */
export type WindowFetch =
  | { readonly ok: true; readonly trades: Trade[] }
  | { readonly ok: false; readonly reason: 'too-large' };

/**
 * The trades of `marketId` after the last delivered one (at `sinceNs`) and before the live trade
 * `next`, that `delivered` does not hold, ascending. Trades in `next`'s own ms count only when REST
 * lists them before it. Throws what the adapter throws (e.g. `UnsupportedRangeError` when REST does not
 * reach back to `sinceNs`).
 */
export async function fetchMissedTrades(
  adapter: ExchangeAdapter,
  marketId: string,
  sinceNs: bigint,
  next: Trade,
  delivered: RecentIds,
  maxTrades: number,
  signal: AbortSignal | undefined,
): Promise<WindowFetch> {
  const rows: Trade[] = [];
  let foundNext = false;
  const pages = paginateTrades<string>(
    (s, e, limit, cursor, extras) => adapter.fetchTradesPage(marketId, s, e, limit, cursor, extras),
    adapter.tradesCapability,
    sinceNs,
    next.tsNs,
    signal ? { signal } : {},
  );
  for await (const t of pages) {
    if (t.id === next.id) {
      foundNext = true; // REST lists it: everything before it is in hand, what follows comes live
      break;
    }
    rows.push(t);
    if (rows.length > maxTrades) return { ok: false, reason: 'too-large' };
  }
  // Without `next` in the answer, trades of its ms cannot be placed before it: they come live.
  const trades = rows.filter((t) => !delivered.has(t.id) && (foundNext || t.tsNs < next.tsNs));
  return { ok: true, trades };
}
