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
import type { BybitCategory } from '../adapters/bybit/capabilities.js';
import { BYBIT_WS_URL, BybitFeed, bybitTopics } from '../adapters/bybit/ws.js';
import { COINBASE_WS_URL, CoinbaseFeed } from '../adapters/coinbase/ws.js';
import { KRAKEN_WS_URL, KrakenFeed } from '../adapters/kraken/ws.js';
import type { LiveRecord } from '../adapters/live.js';
import { contractSizes, OKX_WS_URL, OkxFeed } from '../adapters/okx/ws.js';
import type { Market } from '../adapters/symbols.js';
import type { WebSocketBase, WebSocketOptions } from '../transport/websocket/index.js';

/** What the streams need to know about one exchange's live side. */
export type LiveSpec = {
  /** The real exchange's WebSocket base URL. */
  readonly wsUrl: string;
  /**
   * How trade ids run: `'sequential'` (integers rising by one per trade: a jump is a gap, refilled by id)
   * or `'opaque'` (Bybit: no order to read, `LiveTrade.seq` is the feed's own count; after a reconnect
   * the window between the last trade and the next is refilled by time). @default 'sequential'
   */
  readonly tradeIds?: 'sequential' | 'opaque';
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

/** A Bybit feed of one per-market topic (`trades`, `tickers`, `liquidations`) in `category`. */
const bybitFeed =
  (category: BybitCategory, topic: 'trades' | 'tickers' | 'liquidations') =>
  (url: string, markets: readonly Market[], options: WebSocketOptions): WebSocketBase<LiveRecord> =>
    new BybitFeed(
      url,
      category,
      markets.map((m) => bybitTopics[topic](m.id)),
      options,
    );

/** Kraken v2 names markets `BTC/USD` (unified codes, never `XBT`): the unified symbol. */
const krakenWire = (m: Market): string => m.symbol;

/**
 * Wire name → unified symbol of `markets`, for feeds that build each trade with its `symbol` (the
 * stream then hands that object on instead of copying it).
 */
function unifiedSymbols(
  markets: readonly Market[],
  wire: (m: Market) => string,
): ReadonlyMap<string, string> {
  return new Map(markets.map((m) => [wire(m), m.symbol]));
}

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
        unifiedSymbols(markets, (m) => m.id),
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
      new KrakenFeed(
        url,
        { channel: 'trade', symbols: markets.map(krakenWire) },
        options,
        unifiedSymbols(markets, krakenWire),
      ),
  },
  bybit: {
    wsUrl: BYBIT_WS_URL,
    tradeIds: 'opaque',
    wireName: (m) => m.id,
    tradeFeed: bybitFeed('spot', 'trades'),
  },
  'bybit-linear': {
    wsUrl: BYBIT_WS_URL,
    tradeIds: 'opaque',
    wireName: (m) => m.id,
    tradeFeed: bybitFeed('linear', 'trades'),
    markFeed: bybitFeed('linear', 'tickers'),
    liquidationFeed: bybitFeed('linear', 'liquidations'),
  },
  okx: {
    wsUrl: OKX_WS_URL,
    wireName: (m) => m.id,
    // `trades-all` (one push per fill, on /business), not the aggregated `trades`.
    tradeFeed: (url, markets, options) =>
      new OkxFeed(
        url,
        'business',
        markets.map((m) => ({ channel: 'trades-all', instId: m.id })),
        contractSizes(markets),
        options,
      ),
    // `mark-price` and `funding-rate` merged into full mark records by the feed.
    markFeed: (url, markets, options) =>
      new OkxFeed(
        url,
        'public',
        markets.flatMap((m) => [
          { channel: 'funding-rate', instId: m.id },
          { channel: 'mark-price', instId: m.id },
        ]),
        contractSizes(markets),
        options,
      ),
    // One subscription per instrument type; the stream keeps the markets it asked for.
    liquidationFeed: (url, markets, options) =>
      new OkxFeed(
        url,
        'public',
        [{ channel: 'liquidation-orders', instType: 'SWAP' }],
        contractSizes(markets),
        options,
      ),
  },
};
