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
export { ADAPTERS, createAdapter, isExchangeId } from './registry.js';
export { compactSymbol, type Market, MarketIndex } from './symbols.js';
