/**
 * Coinbase Exchange live feed on the reconnecting WebSocket base: one connection, one `subscribe` sent on
 * every (re)connect (Coinbase drops a client that has not subscribed within 5 s). Keyless channels only:
 * `matches` for trades, `level2_batch` for books, and `heartbeat` (one message per second per product,
 * carrying `last_trade_id`, so silence is detected and missed trades are known).
 *
 * @module
 */
import { type FeedSocket, WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import { parseCoinbaseWsFrame } from './ws-parse.js';

/** The real Coinbase Exchange WebSocket feed. */
export const COINBASE_WS_URL = 'wss://ws-feed.exchange.coinbase.com';

/** Keyless channels a {@link CoinbaseFeed} can subscribe to. */
export type CoinbaseChannel = 'matches' | 'level2_batch' | 'heartbeat';

/** A Coinbase feed connection yielding {@link LiveRecord}s. */
export class CoinbaseFeed extends WebSocketBase<LiveRecord> {
  readonly #subscribe: string;
  readonly #symbols: ReadonlyMap<string, string> | undefined;

  /**
   * @param url `wss://ws-feed.exchange.coinbase.com` or a simulator's `ws://127.0.0.1:PORT`
   * @param productIds e.g. `['BTC-USD']`
   * @param channels e.g. `['matches', 'heartbeat']`
   * @param symbols product id → unified symbol: trades of these products carry `symbol` (see `LiveTrade`)
   */
  constructor(
    url: string,
    productIds: readonly string[],
    channels: readonly CoinbaseChannel[],
    options?: WebSocketOptions,
    symbols?: ReadonlyMap<string, string>,
  ) {
    super(url.endsWith('/') ? url : `${url}/`, options);
    this.#subscribe = JSON.stringify({ type: 'subscribe', product_ids: productIds, channels });
    this.#symbols = symbols;
  }

  protected override onConnect(ws: FeedSocket): void {
    ws.send(this.#subscribe);
  }

  protected override parseMessage(raw: string | Buffer): LiveRecord[] {
    return parseCoinbaseWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'), this.#symbols);
  }
}
