/**
 * The adapter registry: exchange id → factory, checked at compile time to cover every id.
 *
 * @module
 */
import { UnknownExchangeError } from '../core/errors.js';
import {
  type AdapterFactory,
  type AdapterOptions,
  EXCHANGES,
  type ExchangeAdapter,
  type ExchangeId,
} from './adapter.js';
import { BINANCE_RATE, readBinanceUsage } from './binance/capabilities.js';
import { BINANCE_BASE_URL, BinanceAdapter } from './binance/rest.js';
import { COINBASE_RATE } from './coinbase/capabilities.js';
import { COINBASE_BASE_URL, CoinbaseAdapter } from './coinbase/rest.js';
import { connect } from './connect.js';
import { KRAKEN_RATE } from './kraken/capabilities.js';
import { inspectKraken } from './kraken/inspect.js';
import { KRAKEN_BASE_URL, KrakenAdapter } from './kraken/rest.js';

/** Every adapter factory, by exchange id. */
export const ADAPTERS = {
  binance: (options: AdapterOptions = {}) => {
    const c = connect('binance', BINANCE_BASE_URL, BINANCE_RATE, options, undefined, readBinanceUsage);
    return new BinanceAdapter(c.baseUrl, c.transport, c.rates, c.release);
  },
  coinbase: (options: AdapterOptions = {}) => {
    const c = connect('coinbase', COINBASE_BASE_URL, COINBASE_RATE, options);
    return new CoinbaseAdapter(c.baseUrl, c.transport, c.rates, c.release);
  },
  kraken: (options: AdapterOptions = {}) => {
    const c = connect('kraken', KRAKEN_BASE_URL, KRAKEN_RATE, options, inspectKraken);
    return new KrakenAdapter(c.baseUrl, c.transport, c.rates, c.release);
  },
} satisfies Record<ExchangeId, AdapterFactory>;

/** True when `id` names an exchange tickwire has an adapter for. */
export function isExchangeId(id: unknown): id is ExchangeId {
  return typeof id === 'string' && (EXCHANGES as readonly string[]).includes(id);
}

/**
 * Creates the adapter for `exchange`. Close it when done (`await adapter.close()`) to release its share of
 * the HTTP connection pool.
 *
 * @throws UnknownExchangeError for an id with no adapter, listing the known ones
 */
export function createAdapter(exchange: string, options: AdapterOptions = {}): ExchangeAdapter {
  if (!isExchangeId(exchange)) throw new UnknownExchangeError(String(exchange), EXCHANGES);
  return ADAPTERS[exchange](options);
}
