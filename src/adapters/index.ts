/**
 * Exchange adapters: the contract, the registry, symbol resolution, and each exchange's adapter,
 * parsers and capabilities.
 *
 * Private: per-exchange error mapping helpers, the REST transport wiring (`connect.ts`), value readers.
 *
 * @module
 */
export {
  type AdapterFactory,
  type AdapterHttpOptions,
  type AdapterOptions,
  EXCHANGES,
  type ExchangeAdapter,
  type ExchangeId,
  type PageOptions,
  type TradeCursor,
} from './adapter.js';
export { BaseAdapter, type RestCallOptions, type RestParams, type RestTransport } from './base.js';
export {
  BINANCE_MAX_IN_FLIGHT,
  BINANCE_OHLC_CAPABILITY,
  BINANCE_RATE,
  BINANCE_TRADES_CAPABILITY,
  readBinanceUsage,
} from './binance/capabilities.js';
export { BINANCE_BASE_URL, BinanceAdapter } from './binance/rest.js';
export {
  BINANCE_USDM_RATE,
  USDM_BUDGETS,
  USDM_FUNDING_CAPABILITY,
  USDM_KLINE_CAPABILITY,
  USDM_OI_CAPABILITY,
  USDM_OI_HISTORY_NS,
  USDM_TRADES_CAPABILITY,
} from './binance-usdm/capabilities.js';
export { BINANCE_USDM_BASE_URL, BinanceUsdmAdapter } from './binance-usdm/rest.js';
export { BINANCE_USDM_WS_URL, UsdmFeed, usdmRouteOf } from './binance-usdm/ws.js';
export {
  BYBIT_KLINE_CAPABILITY,
  BYBIT_LIMIT_KEY,
  BYBIT_LINEAR_TRADES_CAPABILITY,
  BYBIT_RATE,
  BYBIT_SPOT_TRADES_CAPABILITY,
  type BybitCategory,
} from './bybit/capabilities.js';
export { BYBIT_BASE_URL, BybitAdapter } from './bybit/rest.js';
export {
  COINBASE_OHLC_CAPABILITY,
  COINBASE_RATE,
  COINBASE_TRADES_CAPABILITY,
} from './coinbase/capabilities.js';
export { COINBASE_BASE_URL, CoinbaseAdapter } from './coinbase/rest.js';
export {
  KRAKEN_OHLC_CAPABILITY,
  KRAKEN_OHLC_HISTORY_BARS,
  KRAKEN_RATE,
  KRAKEN_TRADES_CAPABILITY,
} from './kraken/capabilities.js';
export { KRAKEN_BASE_URL, KrakenAdapter } from './kraken/rest.js';
export {
  OKX_OHLC_CAPABILITY,
  OKX_RATE,
  OKX_TRADES_CAPABILITY,
} from './okx/capabilities.js';
export { OKX_BASE_URL, OkxAdapter } from './okx/rest.js';
export { ADAPTERS, createAdapter, isExchangeId, limiterKey } from './registry.js';
export { compactSymbol, guessSpotMarket, type Market, MarketIndex, sameMarket } from './symbols.js';
