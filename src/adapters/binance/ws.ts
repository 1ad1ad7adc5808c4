/**
 * Binance spot live feeds on the reconnecting WebSocket base: `<sym>@aggTrade` trades (their ids are the
 * REST `aggTrades` ids, so gaps can be refilled over REST) and `<sym>@depth@100ms` diffs, on one
 * combined-stream connection (`/stream?streams=a/b`). Binance pings every 20 s; the base's protocol
 * pings and pong replies keep the connection alive.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import { WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import { parseBinanceWsFrame } from './ws-parse.js';

/** The real Binance spot WebSocket base (market data). */
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';

/** Stream names for live trades of `marketIds` (`BTCUSDT` → `btcusdt@aggTrade`). */
export function binanceTradeStreams(marketIds: readonly string[]): string[] {
  return marketIds.map((id) => `${id.toLowerCase()}@aggTrade`);
}

/** The diff-depth stream name of `marketId` (100 ms updates). */
export function binanceDepthStream(marketId: string): string {
  return `${marketId.toLowerCase()}@depth@100ms`;
}

/** A Binance combined-stream connection yielding {@link LiveRecord}s. */
export class BinanceFeed extends WebSocketBase<LiveRecord> {
  /**
   * @param baseUrl `wss://stream.binance.com:9443` or a simulator's `ws://127.0.0.1:PORT`
   * @param streams stream names, e.g. `['btcusdt@aggTrade']` (at most 1024)
   */
  constructor(baseUrl: string, streams: readonly string[], options?: WebSocketOptions) {
    if (streams.length === 0 || streams.length > 1024) {
      throw new ValidationError('streams', streams.length, 'between 1 and 1024 stream names');
    }
    super(`${baseUrl.replace(/\/+$/, '')}/stream?streams=${streams.join('/')}`, options);
  }

  protected override parseMessage(raw: string | Buffer): LiveRecord[] {
    return parseBinanceWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'));
  }
}
