/**
 * The contract between the WebSocket hub and one exchange's WebSocket dialect, and the shared frame
 * of live data every session reads from.
 *
 * @module
 */
import type { BookState } from '../market/book.js';
import type { MarketModel } from '../market/model.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import type { SimConn } from './conn.js';
import type { ResolvedWsOptions } from './options.js';

export { WS_FAULT_KINDS, type WsFaultKind, type WsInjection } from './fault-kinds.js';

/**
 * Live data between two emissions: trades with `fromUs <= us < toUs`, book ticks in
 * `(fromTick, toTick]`. Lazily computed per symbol, shared by every session.
 */
export class Frame {
  readonly fromUs: number;
  readonly toUs: number;
  readonly #trades = new Map<SymbolMarket, SimTrade[]>();

  constructor(fromUs: number, toUs: number) {
    this.fromUs = fromUs;
    this.toUs = toUs;
  }

  /** The frame's trades of `s`, ascending by id. */
  trades(s: SymbolMarket): SimTrade[] {
    let t = this.#trades.get(s);
    if (!t) {
      t =
        this.toUs > this.fromUs
          ? s.forward({ fromUs: this.fromUs, toUs: this.toUs - 1, limit: Number.POSITIVE_INFINITY })
          : [];
      this.#trades.set(s, t);
    }
    return t;
  }
}

/** What a session is built from. */
export type SessionContext = {
  model: MarketModel;
  options: ResolvedWsOptions;
  /** Start of the next frame, sim µs: snapshots taken now cover everything before it. */
  boundaryUs(): number;
  /** The book of `s` at tick `k`. */
  book(s: SymbolMarket, k: number): BookState;
};

/** One connection's protocol state machine. */
export type WsSession = {
  /** A text message from the client. */
  onMessage(text: string): void;
  /** Live data since the previous frame (every `batchMs`). */
  onFrame(frame: Frame): void;
  /** The connection closed. */
  onClose(): void;
};

/** One exchange's WebSocket dialect. */
export type WsDialect = {
  /** True when the upgrade path (without query) belongs to this dialect. */
  accepts(path: string): boolean;
  /** A session for a new connection. */
  open(conn: SimConn, path: string, query: URLSearchParams, ctx: SessionContext): WsSession;
};
