/**
 * Binance USDⓈ-M live feeds on the 2026 routed WebSocket paths: `/public` carries the high-frequency
 * streams (`depth*`, `bookTicker`, `trade`), `/market` everything else (`aggTrade`, `markPrice`,
 * `forceOrder`, `kline`...). Since 2026-04-23 the unrouted URLs are gone, and a stream subscribed on the
 * wrong path is acknowledged but never sends data, so the path is chosen here from the stream name, not
 * by the caller. One combined-stream connection (`/<route>/stream?streams=a/b`) per feed.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import { WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import { parseUsdmWsFrame } from './ws-parse.js';

/** The real Binance USDⓈ-M WebSocket base (the routed paths are added per stream). */
export const BINANCE_USDM_WS_URL = 'wss://fstream.binance.com';

/** The two market-data routes. */
export type UsdmRoute = 'public' | 'market';

/** The route of a stream name: `/public` for depth, book ticker and raw trades, `/market` for the rest. */
export function usdmRouteOf(stream: string): UsdmRoute {
  const channel = stream.slice(stream.indexOf('@') + 1);
  return /^(depth|rpiDepth|bookTicker|trade$)/.test(channel) ? 'public' : 'market';
}

/** Live trade streams (`aggTrade`: its ids are the REST `aggTrades` ids, so gaps refill over REST). */
export function usdmTradeStreams(marketIds: readonly string[]): string[] {
  return marketIds.map((id) => `${id.toLowerCase()}@aggTrade`);
}

/** The diff-depth stream of `marketId` (100 ms updates, `/public`). */
export function usdmDepthStream(marketId: string): string {
  return `${marketId.toLowerCase()}@depth@100ms`;
}

/** Mark-price streams, one update per second (`/market`). */
export function usdmMarkStreams(marketIds: readonly string[]): string[] {
  return marketIds.map((id) => `${id.toLowerCase()}@markPrice@1s`);
}

/** Liquidation streams (`/market`). */
export function usdmLiquidationStreams(marketIds: readonly string[]): string[] {
  return marketIds.map((id) => `${id.toLowerCase()}@forceOrder`);
}

/** A USDⓈ-M combined-stream connection on the route its streams belong to, yielding {@link LiveRecord}s. */
export class UsdmFeed extends WebSocketBase<LiveRecord> {
  /** The route this feed connects to. */
  readonly route: UsdmRoute;

  /**
   * @param baseUrl `wss://fstream.binance.com` or a simulator's `ws://127.0.0.1:PORT` (no route)
   * @param streams stream names of one route, e.g. `['btcusdt@markPrice@1s']` (1 to 1024)
   */
  constructor(baseUrl: string, streams: readonly string[], options?: WebSocketOptions) {
    if (streams.length === 0 || streams.length > 1024) {
      throw new ValidationError('streams', streams.length, 'between 1 and 1024 stream names');
    }
    const route = usdmRouteOf(streams[0] as string);
    const other = streams.find((s) => usdmRouteOf(s) !== route);
    if (other !== undefined) {
      throw new ValidationError(
        'streams',
        other,
        `a stream of the /${route} route (open one feed per route)`,
      );
    }
    super(`${baseUrl.replace(/\/+$/, '')}/${route}/stream?streams=${streams.join('/')}`, options);
    this.route = route;
  }

  protected override parseMessage(raw: string | Buffer): LiveRecord[] {
    return parseUsdmWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'));
  }
}
