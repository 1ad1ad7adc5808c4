/**
 * Options shared by the live streams, and their validation (once, when a stream is created).
 *
 * @module
 */
import type { AdapterOptions, ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import { EXCHANGES } from '../adapters/adapter.js';
import { isExchangeId } from '../adapters/registry.js';
import { AbortError, isTickwireError, UnknownExchangeError, ValidationError } from '../core/errors.js';
import { assertSignal } from '../core/validate.js';
import type { WebSocketOptions } from '../transport/websocket/index.js';

/** Options every live stream takes. */
export type LiveOptions = {
  /** The exchange id: `'binance'`, `'coinbase'` or `'kraken'`. */
  exchange: ExchangeId;
  /** REST base URL (symbol lookup, backfill, Binance book snapshots). @default the real exchange */
  baseUrl?: string;
  /**
   * WebSocket base URL (a simulator's `ws://127.0.0.1:PORT`, a proxy). Exchange paths are appended
   * (`/stream?streams=` on Binance, `/v2` on Kraken).
   * @default the real exchange (`wss://stream.binance.com:9443`, `wss://ws-feed.exchange.coinbase.com`, `wss://ws.kraken.com`)
   */
  wsUrl?: string;
  /** Aborting ends the stream: the iterator completes (an in-flight REST call rejects inside and is dropped). @default undefined */
  signal?: AbortSignal;
  /** An adapter to use for REST calls (shared, not closed by the stream). @default one created from `baseUrl` and `adapterOptions`, closed at the end */
  adapter?: ExchangeAdapter;
  /** Options of the adapter the stream creates (ignored with `adapter`). @default {} */
  adapterOptions?: Omit<AdapterOptions, 'baseUrl'>;
  /** Options of the reconnecting WebSocket (backoff, liveness, buffering). @default {} */
  websocket?: Omit<WebSocketOptions, 'signal'>;
};

/** Throws `UnknownExchangeError` / `ValidationError` for bad shared options. */
export function checkLiveOptions(o: LiveOptions): void {
  if (typeof o !== 'object' || o === null) throw new ValidationError('options', o, 'an options object');
  if (!isExchangeId(o.exchange)) throw new UnknownExchangeError(String(o.exchange), EXCHANGES);
  for (const name of ['baseUrl', 'wsUrl'] as const) {
    const v = o[name];
    if (v !== undefined && (typeof v !== 'string' || !URL.canParse(v))) {
      throw new ValidationError(`options.${name}`, v, 'an absolute URL');
    }
  }
  if (o.wsUrl !== undefined && !/^wss?:/i.test(o.wsUrl)) {
    throw new ValidationError('options.wsUrl', o.wsUrl, 'a ws:// or wss:// URL');
  }
  assertSignal('options.signal', o.signal);
}

/** True when `error` is the caller's own abort (`signal` aborted): a stream then ends quietly. */
export function isCallerAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return (
    signal?.aborted === true &&
    (error instanceof AbortError || (isTickwireError(error) && error.code === 'ERR_ABORTED'))
  );
}

/** The markets option of a multi-symbol stream as a non-empty list; throws `ValidationError` otherwise. */
export function symbolList(symbols: unknown): readonly string[] {
  const list = typeof symbols === 'string' ? [symbols] : symbols;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s === '')) {
    throw new ValidationError('options.symbols', symbols, 'a symbol or a non-empty array of symbols');
  }
  return list as readonly string[];
}
