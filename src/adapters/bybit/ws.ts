/**
 * Bybit v5 public live feeds on the reconnecting WebSocket base: one connection to
 * `/v5/public/spot` or `/v5/public/linear`, subscribing on every (re)connect to the feed's topics
 * (`publicTrade.{sym}`, `orderbook.{depth}.{sym}`, `tickers.{sym}`, `allLiquidation.{sym}`) in requests
 * of at most 10 topics (spot's limit). The keep-alive is Bybit's JSON `{"op":"ping"}` every 20 s. Trades
 * are de-duplicated by id and ticker deltas merged (see `ws-state.ts`).
 *
 * @module
 */
import type WebSocket from 'ws';
import { ValidationError } from '../../core/errors.js';
import { type FrameContext, WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import type { BybitCategory } from './capabilities.js';
import { parseBybitWsFrame } from './ws-parse.js';
import { BybitLiveState } from './ws-state.js';

/** The real Bybit public WebSocket base (the feed appends `/v5/public/<category>`). */
export const BYBIT_WS_URL = 'wss://stream.bybit.com';

/** Topics per subscribe request (spot accepts at most 10). */
const ARGS_PER_REQUEST = 10;

/** The book depths Bybit streams for spot and linear. */
export const BYBIT_BOOK_DEPTHS = [1, 50, 200, 1000] as const;

/** Topic names of a market. */
export const bybitTopics = {
  trades: (id: string) => `publicTrade.${id}`,
  book: (depth: number, id: string) => `orderbook.${depth}.${id}`,
  tickers: (id: string) => `tickers.${id}`,
  liquidations: (id: string) => `allLiquidation.${id}`,
};

/** A Bybit public connection yielding {@link LiveRecord}s. */
export class BybitFeed extends WebSocketBase<LiveRecord> {
  readonly #topics: readonly string[];
  readonly #state = new BybitLiveState();
  #ws: WebSocket | undefined;
  #reqId = 0;
  #connection = 0;

  /**
   * @param baseUrl `wss://stream.bybit.com` or a simulator's `ws://127.0.0.1:PORT`
   * @param category `spot` or `linear` (the path)
   * @param topics topic names, e.g. `['publicTrade.BTCUSDT']`
   */
  constructor(
    baseUrl: string,
    category: BybitCategory,
    topics: readonly string[],
    options?: WebSocketOptions,
  ) {
    if (topics.length === 0) throw new ValidationError('topics', topics.length, 'at least one topic');
    const base = baseUrl.replace(/\/+$/, '');
    const path = `/v5/public/${category}`;
    super(base.endsWith(path) ? base : `${base}${path}`, { pingIntervalMs: 20_000, ...options });
    this.#topics = topics;
  }

  /** Trades dropped so far as repeats or replays (across reconnects). */
  get duplicatesDropped(): number {
    return this.#state.duplicates;
  }

  #subscribe(ws: WebSocket, op: 'subscribe' | 'unsubscribe', topics: readonly string[]): void {
    for (let i = 0; i < topics.length; i += ARGS_PER_REQUEST) {
      ws.send(
        JSON.stringify({ req_id: String(++this.#reqId), op, args: topics.slice(i, i + ARGS_PER_REQUEST) }),
      );
    }
  }

  protected override onConnect(ws: WebSocket): void {
    this.#ws = ws;
    this.#subscribe(ws, 'subscribe', this.#topics);
  }

  /**
   * Unsubscribes and subscribes `topics` again on the current connection, so a fresh book snapshot
   * follows. False when there is no open connection (the next connect subscribes anyway).
   */
  resubscribe(topics: readonly string[]): boolean {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== ws.OPEN) return false;
    this.#subscribe(ws, 'unsubscribe', topics);
    this.#subscribe(ws, 'subscribe', topics);
    return true;
  }

  protected override sendHeartbeat(ws: WebSocket): void {
    ws.send(JSON.stringify({ req_id: String(++this.#reqId), op: 'ping' }));
  }

  protected override parseMessage(raw: string | Buffer, ctx: FrameContext): LiveRecord[] {
    if (ctx.connection !== this.#connection) {
      this.#connection = ctx.connection;
      this.#state.onReconnect();
    }
    const m = parseBybitWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'));
    switch (m.kind) {
      case 'trades':
        return this.#state.trades(m.trades);
      case 'book':
        return [m.message];
      case 'ticker': {
        const mark = this.#state.ticker(m.market, m.snapshot, m.tsNs, m.fields);
        return mark ? [mark] : [];
      }
      case 'liquidations':
        return m.records;
      case 'error':
        return [{ kind: 'error', message: m.message }];
      default:
        return [];
    }
  }
}
