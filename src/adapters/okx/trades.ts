/**
 * The trade walk over `GET /api/v5/market/history-trades`, which pages newest-first: `type=1` pages by
 * trade id (`after` = ids below, `before` = ids above, both exclusive), `type=2` by time (`after` only).
 * A window's first trade is found with ONE `type=2` request (the newest trade before the window's first
 * ms: every later id is at or after it), then pages run FORWARD over id ranges, the page of ids
 * `[c, c + limit)` being `after = c + limit, before = c - 1`, reversed. Trades that share a millisecond
 * are never split by a time boundary, because nothing pages by time after the first request.
 *
 * @module
 */
import type { Trade } from '../../core/records.js';
import type { TradeCursor } from '../adapter.js';
import { ceilMs } from '../base.js';
import type { OkxTrade } from './parse.js';

/** Fetches history-trades with these query parameters (instId bound), rows newest first. */
export type HistoryTradesFetch = (params: Record<string, string | number>) => Promise<OkxTrade[]>;

/** The forward cursor: the next id wanted, and the newest id known when it was made. */
type Cursor = { next: number; head: number };

/** Encodes a forward cursor. */
export function encodeCursor(next: number, head: number): string {
  return `${next}:${head}`;
}

function decode(cursor: string): Cursor {
  const [next, head] = cursor.split(':').map(Number);
  return { next: next ?? 1, head: head ?? 0 };
}

/** Most probes of the bisection for the oldest retained trade (ids below 2^64 need 64). */
const MAX_PROBES = 64;

/** The newest trade id, or undefined when there is no trade at all. */
async function headId(get: HistoryTradesFetch): Promise<number | undefined> {
  const [newest] = await get({ limit: 1 });
  return newest?.tradeId;
}

/**
 * The id of the oldest trade still served (OKX keeps three months): bisection with one-row probes,
 * `after = mid + 1` answering the newest trade at or below `mid`.
 */
async function oldestId(get: HistoryTradesFetch, head: number): Promise<number> {
  let lo = 0; // no served trade has an id ≤ lo
  let hi = head; // a served trade has id hi
  for (let probes = 0; hi - lo > 1 && probes < MAX_PROBES; probes++) {
    const mid = Math.floor((lo + hi) / 2);
    const [row] = await get({ type: 1, after: mid + 1, limit: 1 });
    if (row) hi = row.tradeId;
    else lo = mid;
  }
  return hi;
}

/**
 * One page of trades in `[startNs, endNs]` (inclusive), ascending, and the next cursor (`null` once a
 * trade past `endNs` was seen or the newest trade is behind the cursor).
 */
export async function historyTradesPage(
  get: HistoryTradesFetch,
  startNs: bigint,
  endNs: bigint,
  limit: number,
  cursor: TradeCursor,
): Promise<[Trade[], TradeCursor]> {
  let c: Cursor;
  if (cursor === null) {
    const [before] = await get({ type: 2, after: ceilMs(startNs), limit: 1 });
    const head = await headId(get);
    if (head === undefined) return [[], null];
    c = { next: before ? before.tradeId + 1 : await oldestId(get, head), head };
  } else {
    c = decode(cursor);
  }
  const rows = await get({ type: 1, after: c.next + limit, before: c.next - 1, limit });
  if (rows.length === 0) {
    // Past the newest id known, or a stretch of unused ids: look at the head again.
    const head = (await headId(get)) ?? 0;
    if (head < c.next) return [[], null];
    return [[], encodeCursor(c.next + limit, head)];
  }
  const trades: Trade[] = [];
  let passedEnd = false;
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (r.tradeId < c.next || r.tradeId >= c.next + limit) continue;
    if (r.tsNs > endNs) {
      passedEnd = true;
      continue;
    }
    if (r.tsNs >= startNs)
      trades.push({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side });
  }
  return [trades, passedEnd ? null : encodeCursor(c.next + limit, c.head)];
}
