/**
 * Options of the download API, validated once when a download is created.
 *
 * @module
 */
import type { AdapterHttpOptions, ExchangeAdapter } from '../adapters/adapter.js';
import { ValidationError } from '../core/errors.js';
import { type KindId, kindDef, kindSpan } from '../core/kinds.js';
import { parseSpan, type TimeInput, toNs } from '../core/time.js';
import { assertPositiveInt, assertSignal } from '../core/validate.js';
import type { Limiter, RateSpec } from '../transport/rate-limit/types.js';

/** Progress of a download, reported after each page. */
export type DownloadProgress = {
  /** Windows (candles) or pages (trades) done. */
  done: number;
  /** Windows in total (candles); -1 when unknown (trades). */
  total: number;
  /** Records yielded so far. */
  items: number;
  /** Page requests made so far. */
  pages: number;
  /** Everything before this time has been delivered (epoch ns), when known. */
  coveredUntilNs?: bigint;
  /**
   * Trades with concurrent slices: ns of the range fetched so far over all slices (ahead of what has
   * been delivered in order); grows evenly, so a rate or an ETA should use it.
   */
  fetchedNs?: bigint;
};

/** Options shared by {@link DownloadOhlcOptions} and {@link DownloadTradesOptions}. */
export type DownloadOptions = {
  /** Exchange id: `'binance'`, `'coinbase'`, `'kraken'`, `'binance-usdm'` (one of `EXCHANGES`). */
  exchange: string;
  /** Symbol in any accepted spelling: `BTC/USDT`, `BTCUSDT`, `BTC-USD`, `XBTUSD`, `XXBTZUSD`. */
  symbol: string;
  /** Start of the range (inclusive): epoch ns, a `Date`, or an ISO 8601 string. */
  start: TimeInput;
  /** End of the range (exclusive): epoch ns, a `Date`, an ISO 8601 string, or `"now"`. */
  end: TimeInput;
  /** REST base URL (a simulator, a proxy). @default the real exchange */
  baseUrl?: string;
  /** Aborts the download; the iteration rejects with `AbortError`. @default undefined */
  signal?: AbortSignal;
  /** Called after each page. @default undefined */
  onProgress?: (progress: DownloadProgress) => void;
  /** Rate limiter shared with other work (in-process or Redis). @default one in-process limiter per exchange */
  limiter?: Limiter;
  /** Multiplies the exchange's documented rates (ignored with `rates`). @default 1 */
  rateScale?: number;
  /** Replaces the exchange's documented rates. @default the documented rates */
  rates?: RateSpec;
  /** HTTP client options (retries, backoff, timeout, headers). @default {} */
  http?: AdapterHttpOptions;
  /** Use this adapter instead of creating one; it is not closed by the download. @default a new adapter */
  adapter?: ExchangeAdapter;
  /** Most page requests for one cursor walk before the download fails naming the missing range. @default 1_000_000 */
  maxPages?: number;
};

/** Options of `download.ohlc`. */
export type DownloadOhlcOptions = DownloadOptions & {
  /** Bar span: `'1m'`, `'1h'`, ... or seconds. */
  span: string | number;
  /**
   * Windows fetched at once. The default keeps enough requests in flight that the rate limit, not the
   * round-trip latency, bounds the speed. An exchange whose limit affords more declares it
   * (`Capability.inFlight`: Binance 16, so a job that fits one weight window runs at the latency bound).
   * @default the adapter's `ohlcCapability.inFlight`, else 8
   */
  concurrency?: number;
  /**
   * Build bars older than the exchange's candle history (Kraken keeps only its newest 720) from trades.
   * Without it such a range is refused with `UnsupportedRangeError`.
   * @default false
   */
  ohlcFromTrades?: boolean;
};

/** Options of `download.trades`. */
export type DownloadTradesOptions = DownloadOptions & {
  /**
   * Cursor walks at once. The range is cut into consecutive time slices, each drained by its own cursor
   * walk, and yielded in order: one walk makes one request per round trip (~15 pages/s at 50 ms), so
   * several are needed for the rate limit (Binance: 25 aggTrades pages/s) to be the bound. At most about
   * `min(concurrency, 8)` slices of {@link DEFAULT_TRADE_SLICE_PAGES} pages each are buffered. `1` walks
   * the whole range with one cursor.
   * @default the adapter's `tradesCapability.inFlight` (Binance 16), else 4
   */
  concurrency?: number;
};

/** Default {@link DownloadOhlcOptions.concurrency} for an adapter that declares no `inFlight`. */
export const DEFAULT_CONCURRENCY = 8;

/** Default {@link DownloadTradesOptions.concurrency} for an adapter that declares no `inFlight`. */
export const DEFAULT_TRADES_CONCURRENCY = 4;

/**
 * Pages a trade slice aims to hold (sized from the density seen so far). Each slice costs about one
 * partly empty last page, plus a first-page lookup on exchanges that need one (Coinbase's id bisection):
 * bigger slices waste less but buffer more and leave fewer walks for the tail of the range.
 */
export const DEFAULT_TRADE_SLICE_PAGES = 8;

/** Finished slices the walks ahead of the one being read may hold at most (bounds memory). */
const MAX_BUFFERED_SLICES = 8;

/**
 * How a trades range is sliced for `concurrency` walks of pages of `maxPerRequest` trades: slices of
 * {@link DEFAULT_TRADE_SLICE_PAGES} pages, and room for one finished slice per walk, at most eight (64,000
 * Binance trades). A smaller buffer leaves the walks ahead of the one being read paused on a full buffer,
 * so only two or three requests are in flight whatever `concurrency` says (measured on a 6 h Binance job:
 * 26 s with room for two slices of 16 pages, 7.4 s with eight slices of 8; docs/benchmarks.md).
 */
export function tradeSlicing(
  concurrency: number,
  maxPerRequest: number,
): { sliceItems: number; maxBufferedItems: number } {
  const sliceItems = DEFAULT_TRADE_SLICE_PAGES * maxPerRequest;
  const slices = Math.max(2, Math.min(concurrency, MAX_BUFFERED_SLICES));
  return { sliceItems, maxBufferedItems: slices * sliceItems };
}

/** Validated common settings. */
export type Resolved = {
  exchange: string;
  symbol: string;
  startNs: bigint;
  endNs: bigint;
  maxPages: number | undefined;
};

/** Validates the options both kinds share; throws `ValidationError` naming the option. */
export function resolveCommon(options: DownloadOptions): Resolved {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', options, 'an object');
  if (typeof options.exchange !== 'string') {
    throw new ValidationError('options.exchange', options.exchange, 'an exchange id such as "binance"');
  }
  if (typeof options.symbol !== 'string' || options.symbol.trim() === '') {
    throw new ValidationError('options.symbol', options.symbol, 'a symbol such as "BTC/USDT"');
  }
  const startNs = toNs(options.start, 'options.start');
  const endNs = toNs(options.end, 'options.end');
  if (startNs >= endNs) {
    throw new ValidationError(
      'options.start',
      options.start,
      `a time before options.end (${String(options.end)})`,
    );
  }
  assertSignal('options.signal', options.signal);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new ValidationError('options.onProgress', options.onProgress, 'a function');
  }
  if (options.maxPages !== undefined) assertPositiveInt('options.maxPages', options.maxPages);
  return { exchange: options.exchange, symbol: options.symbol, startNs, endNs, maxPages: options.maxPages };
}

/** Validates the candle options. */
export function resolveOhlc(
  options: DownloadOhlcOptions,
): Resolved & { span: number; concurrency: number | undefined } {
  const common = resolveCommon(options);
  const span = parseSpan(options.span, 'options.span');
  const concurrency = options.concurrency;
  if (concurrency !== undefined) assertPositiveInt('options.concurrency', concurrency);
  if (options.ohlcFromTrades !== undefined && typeof options.ohlcFromTrades !== 'boolean') {
    throw new ValidationError('options.ohlcFromTrades', options.ohlcFromTrades, 'a boolean');
  }
  return { ...common, span, concurrency };
}

/** Validates the trades options. */
export function resolveTrades(
  options: DownloadTradesOptions,
): Resolved & { concurrency: number | undefined } {
  const common = resolveCommon(options);
  const concurrency = options.concurrency;
  if (concurrency !== undefined) assertPositiveInt('options.concurrency', concurrency);
  return { ...common, concurrency };
}

/**
 * Options of `download.records`: any history kind. `span` is required for spanned kinds (candles:
 * `ohlc`, `mark-ohlc`, `index-ohlc`, `premium-ohlc`; `open-interest`'s sampling period) and refused for
 * the others.
 */
export type DownloadKindOptions<K extends KindId = KindId> = DownloadOptions & {
  /** The data kind: one of `KIND_IDS` that the exchange serves over REST. */
  kind: K;
  /** Span or period: `'1m'`, `'5m'`, `'1h'`, ... or seconds (spanned kinds only). @default undefined */
  span?: string | number;
  /**
   * Windows (window-paged kinds) or cursor walks (cursor-paged kinds) at once.
   * @default 8 for windows, 4 for cursor walks
   */
  concurrency?: number;
  /** As {@link DownloadOhlcOptions.ohlcFromTrades} (kind `ohlc` only). @default false */
  ohlcFromTrades?: boolean;
};

/** Validates the options of `download.records` for a kind other than `ohlc` and `trades`. */
export function resolveKind(
  options: DownloadKindOptions,
): Resolved & { span: number | undefined; concurrency: number } {
  const common = resolveCommon(options);
  const def = kindDef(options.kind, 'options.kind');
  const span = kindSpan(def.id, options.span, 'options.span');
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  assertPositiveInt('options.concurrency', concurrency);
  return { ...common, span, concurrency };
}
