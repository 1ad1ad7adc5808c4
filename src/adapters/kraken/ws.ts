/**
 * Kraken WebSocket v2 live feed on the reconnecting WebSocket base (`/v2`): subscribes on every
 * (re)connect to `trade` (with `snapshot: true`, always sent since the docs disagree on its default) or
 * `book` at a depth. Heartbeats come only when the line is quiet, so the base's keep-alive is Kraken's
 * application-level `{"method":"ping"}`. A book whose checksum fails is resubscribed on the same
 * connection ({@link KrakenFeed.resubscribe}).
 *
 * @module
 */
import { type FeedSocket, WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import { parseKrakenWsFrame } from './ws-parse.js';

/** The real Kraken WebSocket host (the feed appends `/v2`). */
export const KRAKEN_WS_URL = 'wss://ws.kraken.com';

/** What a {@link KrakenFeed} subscribes to. */
export type KrakenSubscription =
  | { readonly channel: 'trade'; readonly symbols: readonly string[] }
  | { readonly channel: 'book'; readonly symbols: readonly string[]; readonly depth: number };

/** A Kraken v2 connection yielding {@link LiveRecord}s. */
export class KrakenFeed extends WebSocketBase<LiveRecord> {
  readonly #sub: KrakenSubscription;
  #ws: FeedSocket | undefined;
  #reqId = 0;
  /** Whether the current connection has the subscription (set on connect, cleared by `unsubscribe`). */
  #subscribed = false;

  readonly #symbols: ReadonlyMap<string, string> | undefined;

  /**
   * @param baseUrl `wss://ws.kraken.com` or a simulator's `ws://127.0.0.1:PORT` (`/v2` is appended)
   * @param symbols wire symbol → unified symbol: trades of these markets carry `symbol` (see `LiveTrade`)
   */
  constructor(
    baseUrl: string,
    subscription: KrakenSubscription,
    options?: WebSocketOptions,
    symbols?: ReadonlyMap<string, string>,
  ) {
    const base = baseUrl.replace(/\/+$/, '');
    super(base.endsWith('/v2') ? base : `${base}/v2`, options);
    this.#sub = subscription;
    this.#symbols = symbols;
  }

  #params(symbols: readonly string[]): Record<string, unknown> {
    const s = this.#sub;
    return s.channel === 'book'
      ? { channel: 'book', symbol: symbols, depth: s.depth, snapshot: true }
      : { channel: 'trade', symbol: symbols, snapshot: true };
  }

  protected override onConnect(ws: FeedSocket): void {
    this.#ws = ws;
    this.#subscribed = true;
    ws.send(
      JSON.stringify({ method: 'subscribe', params: this.#params(this.#sub.symbols), req_id: ++this.#reqId }),
    );
  }

  #open(): FeedSocket | undefined {
    const ws = this.#ws;
    return ws !== undefined && ws.readyState === ws.OPEN ? ws : undefined;
  }

  /**
   * Unsubscribes `symbols` on the current connection (a book that broke stops flowing while the resync
   * backoff waits). False when there is no open, subscribed connection.
   */
  unsubscribe(symbols: readonly string[]): boolean {
    const ws = this.#open();
    if (ws === undefined || !this.#subscribed) return false;
    const params = this.#params(symbols);
    ws.send(
      JSON.stringify({
        method: 'unsubscribe',
        params: { ...params, snapshot: undefined },
        req_id: ++this.#reqId,
      }),
    );
    this.#subscribed = false;
    return true;
  }

  /**
   * Subscribes `symbols` again on the current connection, so a fresh snapshot follows. False (and nothing
   * sent) when there is no open connection or it is subscribed already: a reconnect during the backoff
   * wait subscribed on its own, and a second subscribe would be an error answer.
   */
  subscribe(symbols: readonly string[]): boolean {
    const ws = this.#open();
    if (ws === undefined || this.#subscribed) return false;
    ws.send(JSON.stringify({ method: 'subscribe', params: this.#params(symbols), req_id: ++this.#reqId }));
    this.#subscribed = true;
    return true;
  }

  /**
   * Unsubscribes and subscribes `symbols` again on the current connection, so a fresh snapshot follows
   * (the way to resync a book after a checksum mismatch). False when there is no open connection (the
   * next connect subscribes anyway).
   */
  resubscribe(symbols: readonly string[]): boolean {
    if (this.#open() === undefined) return false;
    this.unsubscribe(symbols);
    return this.subscribe(symbols);
  }

  protected override sendHeartbeat(ws: FeedSocket): void {
    ws.send(JSON.stringify({ method: 'ping', req_id: ++this.#reqId }));
  }

  protected override parseMessage(raw: string | Buffer): LiveRecord[] {
    const records = parseKrakenWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'), this.#symbols);
    // A trade snapshot's order is not documented: hand trades on in id order.
    if (records.length > 1 && records[0]?.kind === 'trade' && !inIdOrder(records)) {
      records.sort((a, b) => (a.kind === 'trade' && b.kind === 'trade' ? a.seq - b.seq : 0));
    }
    return records;
  }
}

/** Whether the trades of one frame already rise by id (the usual case: no sort needed). */
function inIdOrder(records: readonly LiveRecord[]): boolean {
  let prev = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.kind !== 'trade') return false;
    if (r.seq < prev) return false;
    prev = r.seq;
  }
  return true;
}
