/**
 * The REST backfill behind gap repair: the trades with ids `fromSeq..toSeq` of one market, fetched
 * through the adapter's `fetchTradesPage` from the first missing id where the exchange pages by id
 * (`tradeIdCursor`: Binance, Coinbase), else by time window `[sinceNs, untilNs]` (the last trade before
 * the gap and the first after it) with the trades paginator (Kraken), then picked by id. Memory is bounded by the
 * number of ids asked for; the walk stops as soon as all of them are found.
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import type { Trade } from '../core/records.js';
import { paginateTrades } from '../transport/paginate/index.js';

/** What {@link fetchTradeRange} found: trades by id (ascending), and the ids it did not find. */
export type RangeFetch = {
  /** Found trades, ascending by id, each id once. */
  readonly trades: Trade[];
  /** The ids in `fromSeq..toSeq` that REST did not return, as inclusive runs `[from, to]`, ascending. */
  readonly missing: [number, number][];
};

/**
 * Fetches trades `fromSeq..toSeq` (inclusive) of `marketId` from the window `[sinceNs, untilNs]`.
 * Throws what the paginator throws (e.g. `IncompleteRangeError`, `AbortError`).
 */
export async function fetchTradeRange(
  adapter: ExchangeAdapter,
  marketId: string,
  fromSeq: number,
  toSeq: number,
  sinceNs: bigint,
  untilNs: bigint,
  signal: AbortSignal | undefined,
): Promise<RangeFetch> {
  const wanted = toSeq - fromSeq + 1;
  const found = new Map<number, Trade>();
  const take = (t: Trade): boolean => {
    const seq = Number(t.id);
    if (Number.isInteger(seq) && seq >= fromSeq && seq <= toSeq && !found.has(seq)) found.set(seq, t);
    return found.size === wanted;
  };
  const endNs = untilNs < sinceNs ? sinceNs : untilNs;
  if (adapter.tradeIdCursor) {
    // Page straight from the first missing id: no search by time.
    const limit = adapter.tradesCapability.maxPerRequest;
    let cursor = adapter.tradeIdCursor(fromSeq, toSeq);
    const maxPages = Math.ceil(wanted / limit) + 2;
    for (let page = 0; cursor !== null && page < maxPages; page++) {
      const [rows, next] = await adapter.fetchTradesPage(
        marketId,
        sinceNs,
        endNs,
        limit,
        cursor,
        signal ? { signal } : {},
      );
      let done = false;
      for (const t of rows) if (take(t)) done = true;
      if (done || next === cursor) break;
      cursor = next;
    }
  } else {
    const pages = paginateTrades<string>(
      (s, e, limit, cursor, extras) => adapter.fetchTradesPage(marketId, s, e, limit, cursor, extras),
      adapter.tradesCapability,
      sinceNs,
      endNs,
      signal ? { signal } : {},
    );
    for await (const t of pages) if (take(t)) break;
  }
  const trades: Trade[] = [];
  const missing: [number, number][] = [];
  let run: [number, number] | undefined;
  for (let seq = fromSeq; seq <= toSeq; seq++) {
    const t = found.get(seq);
    if (t) {
      trades.push(t);
      run = undefined;
    } else if (run) run[1] = seq;
    else {
      run = [seq, seq];
      missing.push(run);
    }
  }
  return { trades, missing };
}
