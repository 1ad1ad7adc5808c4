/**
 * What a Bybit feed remembers across frames (pure, no I/O):
 *
 * - **Trades.** Bybit trade ids are opaque (a UUID on linear, a large number on spot) and not
 *   contiguous, and its `seq` (cross sequence) rises with gaps, because book updates take numbers too,
 *   so a missing trade cannot be detected from ids. What can be done: drop repeats by id (a reconnect, or
 *   the exchange, may send a trade twice) with a bounded memory of the last 50,000 ids per market, drop
 *   a trade older than the newest one delivered (a replay reaching back before the stream began), and
 *   number the trades delivered per market
 *   1, 2, 3... as `LiveTrade.seq`, so the streams above see no id jumps. Losses show as the feed's
 *   `disconnected`/`reconnected` events (the window in between is unknown), never as a silence.
 * - **Tickers.** `tickers` sends a snapshot, then deltas with only the changed fields: they are merged
 *   into the full state, and each message yields one `LiveMark` once a mark price is known.
 *
 * @module
 */
import type { LiveMark, LiveTrade } from '../live.js';
import type { BybitTickerFields, BybitWsTrade } from './ws-parse.js';

/** Trade ids remembered per market for de-duplication. */
export const BYBIT_DEDUPE_IDS = 50_000;

type TradeState = { seen: Set<string>; order: string[]; head: number; seq: number; lastNs: bigint };

/** Per-market state of one feed. */
export class BybitLiveState {
  readonly #trades = new Map<string, TradeState>();
  readonly #tickers = new Map<string, BybitTickerFields>();
  /** Trades dropped so far as repeats (by id) or replays older than the newest delivered. */
  duplicates = 0;

  /** The trades of one message that were not delivered before, numbered per market. */
  trades(rows: readonly BybitWsTrade[]): LiveTrade[] {
    const out: LiveTrade[] = [];
    for (const r of rows) {
      let st = this.#trades.get(r.market);
      if (!st) {
        st = { seen: new Set(), order: [], head: 0, seq: 0, lastNs: 0n };
        this.#trades.set(r.market, st);
      }
      // A repeat by id, or a replayed trade older than the newest delivered (from before the stream
      // began or beyond the id memory): Bybit sends trades in time order, so neither is new.
      if (st.seen.has(r.id) || r.tsNs < st.lastNs) {
        this.duplicates++;
        continue;
      }
      st.seen.add(r.id);
      st.order.push(r.id);
      if (st.order.length - st.head > BYBIT_DEDUPE_IDS) {
        st.seen.delete(st.order[st.head] as string);
        st.head++;
        if (st.head > BYBIT_DEDUPE_IDS) {
          st.order = st.order.slice(st.head);
          st.head = 0;
        }
      }
      if (r.tsNs > st.lastNs) st.lastNs = r.tsNs;
      st.seq++;
      out.push({
        kind: 'trade',
        market: r.market,
        seq: st.seq,
        trade: { id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side },
      });
    }
    return out;
  }

  /** Merges a ticker message; the full mark state once a mark price is known. */
  ticker(market: string, snapshot: boolean, tsNs: bigint, fields: BybitTickerFields): LiveMark | undefined {
    const merged: BybitTickerFields = snapshot ? { ...fields } : { ...this.#tickers.get(market), ...fields };
    this.#tickers.set(market, merged);
    if (merged.markPrice === undefined) return undefined;
    return {
      kind: 'mark',
      market,
      mark: {
        tsNs,
        markPrice: merged.markPrice,
        ...(merged.indexPrice === undefined ? {} : { indexPrice: merged.indexPrice }),
        ...(merged.fundingRate === undefined ? {} : { fundingRate: merged.fundingRate }),
        ...(merged.nextFundingNs === undefined ? {} : { nextFundingNs: merged.nextFundingNs }),
      },
    };
  }

  /** Forgets the ticker states (a new connection starts with snapshots); trade ids are kept. */
  onReconnect(): void {
    this.#tickers.clear();
  }
}
