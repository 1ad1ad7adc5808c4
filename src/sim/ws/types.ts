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

/** Kinds of WebSocket fault. */
export const WS_FAULT_KINDS = [
  'drop',
  'stall',
  'skip-update-id',
  'drop-messages',
  'bad-checksum',
  'replay-trades',
  'resnapshot',
  'book-restart',
  'stale-update',
] as const;

/**
 * One kind of WebSocket fault: `drop` terminates the connection (no close frame); `stall` keeps TCP open
 * but stops sending and answering pings; `skip-update-id` leaves out one Binance depth event;
 * `drop-messages` leaves out Coinbase `match`/`l2update` messages; `bad-checksum` corrupts the
 * `checksum` of a Kraken book update. Bybit: `replay-trades` makes the first trade message of a
 * connection repeat the trades of the second before it subscribed (the overlap a reconnect shows);
 * `resnapshot` sends a fresh book snapshot unasked; `book-restart` sends a snapshot with `u` = 1 (a
 * service restart; `u` counts from there); `stale-update` sends the previous book delta again (its `u`
 * does not increase).
 */
export type WsFaultKind = (typeof WS_FAULT_KINDS)[number];

/** A fault to inject through `sim.ws.inject`. */
export type WsInjection = {
  kind: WsFaultKind;
  /** Apply to every open connection now, or to the next connection that opens. @default 'current' */
  target?: 'current' | 'next';
  /** How many messages `skip-update-id`, `drop-messages` and `bad-checksum` affect. @default 1 */
  count?: number;
};

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
