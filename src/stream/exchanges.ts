/**
 * Per-exchange live wiring: the default WebSocket URL, how a market is named on the wire, and the
 * trade feed. One entry per exchange, checked at compile time to cover every id.
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import { BINANCE_WS_URL, BinanceFeed, binanceTradeStreams } from '../adapters/binance/ws.js';
import {
  BINANCE_USDM_WS_URL,
  UsdmFeed,
  usdmLiquidationStreams,
  usdmMarkStreams,
  usdmTradeStreams,
} from '../adapters/binance-usdm/ws.js';
import { COINBASE_WS_URL, CoinbaseFeed } from '../adapters/coinbase/ws.js';
import { KRAKEN_WS_URL, KrakenFeed } from '../adapters/kraken/ws.js';
import type { LiveRecord } from '../adapters/live.js';
import type { Market } from '../adapters/symbols.js';
import type { WebSocketBase, WebSocketOptions } from '../transport/websocket/index.js';

/** What the streams need to know about one exchange's live side. */
export type LiveSpec = {
  /** The real exchange's WebSocket base URL. */
  readonly wsUrl: string;
  /** The market's name in live records (`LiveRecord.market`). */
  wireName(market: Market): string;
  /** A feed of live trades for `markets`. */
  tradeFeed(url: string, markets: readonly Market[], options: WebSocketOptions): WebSocketBase<LiveRecord>;
  /**
   * A feed of mark-price updates (`LiveMark` records) for `markets`; absent on spot exchanges. `url` is the
   * WebSocket base (as `wsUrl`); the feed picks the exchange's path for the channel itself.
   */
  markFeed?(url: string, markets: readonly Market[], options: WebSocketOptions): WebSocketBase<LiveRecord>;
  /** A feed of liquidations (`LiveLiquidation` records) for `markets`; absent on spot exchanges. */
  liquidationFeed?(
    url: string,
    markets: readonly Market[],
    options: WebSocketOptions,
  ): WebSocketBase<LiveRecord>;
};

/** Kraken v2 names markets `BTC/USD` (unified codes, never `XBT`): the unified symbol. */
const krakenWire = (m: Market): string => m.symbol;

/** Every exchange's live wiring. */
export const LIVE: Readonly<Record<ExchangeId, LiveSpec>> = {
  binance: {
    wsUrl: BINANCE_WS_URL,
    wireName: (m) => m.id.toUpperCase(),
    tradeFeed: (url, markets, options) =>
      new BinanceFeed(url, binanceTradeStreams(markets.map((m) => m.id)), options),
  },
  coinbase: {
    wsUrl: COINBASE_WS_URL,
    wireName: (m) => m.id,
    tradeFeed: (url, markets, options) =>
      new CoinbaseFeed(
        url,
        markets.map((m) => m.id),
        ['matches', 'heartbeat'],
        options,
      ),
  },
  'binance-usdm': {
    wsUrl: BINANCE_USDM_WS_URL,
    wireName: (m) => m.id.toUpperCase(),
    tradeFeed: (url, markets, options) =>
      new UsdmFeed(url, usdmTradeStreams(markets.map((m) => m.id)), options),
    markFeed: (url, markets, options) =>
      new UsdmFeed(url, usdmMarkStreams(markets.map((m) => m.id)), options),
    liquidationFeed: (url, markets, options) =>
      new UsdmFeed(url, usdmLiquidationStreams(markets.map((m) => m.id)), options),
  },
  kraken: {
    wsUrl: KRAKEN_WS_URL,
    wireName: krakenWire,
    tradeFeed: (url, markets, options) =>
      new KrakenFeed(url, { channel: 'trade', symbols: markets.map(krakenWire) }, options),
  },
};
