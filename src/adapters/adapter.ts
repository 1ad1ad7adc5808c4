/**
 * The adapter contract: what one exchange provides to the paginators and the download API.
 *
 * An adapter converts the exchange's units (ms, s, ns strings, maker/taker sides) into tickwire's
 * records at its edge, once. Everything above it sees `bigint` ns and taker sides only.
 *
 * @module
 */
import type { KindId, RecordOfKind } from '../core/kinds.js';
import type { Capability, OHLCBar, Trade } from '../core/records.js';
import type { RetryInfo } from '../transport/http/types.js';
import type { Limiter, RateSpec } from '../transport/rate-limit/types.js';
import type { Market } from './symbols.js';

/** The exchanges tickwire has adapters for. */
export const EXCHANGES = [
  'binance',
  'coinbase',
  'kraken',
  'binance-usdm',
  'okx',
  'bybit',
  'bybit-linear',
] as const;

/** One of {@link EXCHANGES}. */
export type ExchangeId = (typeof EXCHANGES)[number];

/** Options of one page request. */
export type PageOptions = {
  /** Aborting rejects the request (and any wait for the rate limiter) with an `AbortError`. */
  signal?: AbortSignal;
  /**
   * The market the caller has already resolved (or, before the market list has answered, assumes; see
   * {@link ExchangeAdapter.guessMarket}). When its `id` is the symbol argument, the adapter uses it as is
   * instead of looking the symbol up, so the request does not wait for the market list.
   * @default undefined
   */
  market?: Market;
};

/** An opaque trade cursor: `null` on the first call and once the window is drained. */
export type TradeCursor = string | null;

/** HTTP options an adapter passes through to its shared HTTP client. */
export type AdapterHttpOptions = {
  /** Retries of a transient failure (network, timeout, 5xx, 429). @default 5 */
  maxRetries?: number;
  /** Exponential backoff base, in seconds. @default 2 */
  backoffBase?: number;
  /** Request timeout, in seconds. @default 30 */
  timeout?: number;
  /** Extra headers sent with every request (never logged). @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Longest `Retry-After` honoured, in seconds; a longer one fails with `RateLimitedError`. @default 60 */
  maxRetryAfter?: number;
  /**
   * Called before each retry's wait (e.g. to count retries and rate-limit waits). Adapters given different
   * callbacks do not share an HTTP client, so each caller sees only its own retries.
   * @default undefined
   */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Source IP address of the connections (see `HttpClientOptions.localAddress`): a fleet worker binds
   * one of the machine's addresses so that each has the exchange's per-IP allowance. @default the OS's choice
   */
  localAddress?: string;
};

/** Options every adapter factory accepts. */
export type AdapterOptions = {
  /**
   * Base URL of the exchange's REST API (a simulator, a proxy). No trailing slash needed.
   * @default the real exchange (`https://api.binance.com`, `https://api.exchange.coinbase.com`, `https://api.kraken.com`, `https://fapi.binance.com`, `https://www.okx.com`, `https://api.bybit.com`)
   */
  baseUrl?: string;
  /**
   * The rate limiter every request goes through. When omitted, the adapter creates an in-process
   * limiter with {@link AdapterOptions.rates} for its own use.
   * @default a private in-process limiter
   */
  limiter?: Limiter;
  /**
   * Multiplies the exchange's documented rates (limit and burst) — e.g. 10 against a simulator whose
   * limits are scaled by 10 too. Ignored when `rates` is given.
   * @default 1
   */
  rateScale?: number;
  /** Replaces the exchange's documented rates entirely. @default the exchange's documented rates */
  rates?: RateSpec;
  /** HTTP client options. @default {} */
  http?: AdapterHttpOptions;
};

/**
 * One exchange. Page fetchers follow the seed's contract so the application (or the download API) binds
 * them in a closure over symbol and span and hands them to a paginator.
 */
export interface ExchangeAdapter {
  /** The exchange id. */
  readonly id: ExchangeId;
  /** What the candle endpoint offers (page size, direction, spans in seconds, request cost). */
  readonly ohlcCapability: Capability;
  /** What the trade endpoint offers (page size, direction, request cost). */
  readonly tradesCapability: Capability;
  /**
   * How many of the newest bars the candle endpoint can serve at all, when it is capped (Kraken: 720).
   * `undefined` means the whole history is reachable.
   */
  readonly ohlcHistoryBars: number | undefined;
  /** The rate limits this adapter acquires against, already scaled. */
  readonly rates: RateSpec;
  /**
   * Resolves any accepted spelling (`BTC/USDT`, `BTCUSDT`, `XBTUSD`, `XXBTZUSD`...) to the exchange's
   * market, fetching the market list once. Throws `UnknownSymbolError` with near matches.
   */
  resolveSymbol(symbol: string, options?: PageOptions): Promise<Market>;
  /**
   * The market `symbol` most likely names, derived from its spelling alone (no request), for exchanges
   * whose ids follow from the unified symbol (Binance `BTC/USDT` → `BTCUSDT`, Coinbase `BTC/USD` →
   * `BTC-USD`). A download starts its first pages with it while the market list and the clock are still
   * being asked, and delivers them only once {@link resolveSymbol} has returned the same market; otherwise
   * it discards them and starts over. `undefined` when the spelling does not say (Kraken's `XBT` ids).
   */
  guessMarket?(symbol: string): Market | undefined;
  /**
   * The market `symbol` names when the market list has already been loaded, answered without a request;
   * `undefined` when it has not been loaded yet or does not list `symbol`. Used like
   * {@link guessMarket} (and before it): a download with the list already in hand (an archive sync's
   * second unit, a fleet worker) sends its first pages while the clock is still being asked.
   */
  knownMarket?(symbol: string): Market | undefined;
  /** The exchange's current time, epoch ns (one request; used to refuse ranges in the future). */
  serverTimeNs(options?: PageOptions): Promise<bigint>;
  /**
   * Finished bars with open time in `[startNs, endNs]` (both inclusive), ascending, at most `limit`.
   * @param span bar length in seconds; one of `ohlcCapability.spans`
   */
  fetchOhlcPage(
    symbol: string,
    span: number,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    options?: PageOptions,
  ): Promise<OHLCBar[]>;
  /**
   * One page of trades inside `[startNs, endNs]` (inclusive), ascending, and the cursor of the next page
   * (`null` when the window is drained). Pass `cursor = null` for the first page.
   */
  fetchTradesPage(
    symbol: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    options?: PageOptions,
  ): Promise<[Trade[], TradeCursor]>;
  /**
   * A cursor for {@link fetchTradesPage} that starts at trade id `fromId` (when ids are integers that
   * rise by one per trade and the exchange can page by id), so a gap of known ids is refilled without
   * locating it by time first. `toId` is the newest id known to exist. Absent when the exchange pages by
   * time only (Kraken).
   */
  tradeIdCursor?(fromId: number, toId: number): TradeCursor;
  /**
   * Every history kind this adapter serves over REST, with how it is paged. Spot adapters serve `ohlc`
   * and `trades`; derivatives adapters add `funding`, `open-interest`, `mark-ohlc`... The download API,
   * `sync` and the CLI take any kind listed here.
   */
  readonly sources: KindSources;
  /** Releases the HTTP client lease (and the private limiter, if any). Idempotent. */
  close(): Promise<void>;
}

/** What a page fetcher of a {@link KindSource} is told besides the range. */
export type KindFetchContext = PageOptions & {
  /** The span (candles, open-interest period) in seconds, for kinds that have one. */
  span?: number;
};

/** What every {@link KindSource} declares. */
export type KindSourceBase = {
  /** Page size, direction, spans offered (seconds) and request cost. */
  capability: Capability;
  /**
   * How far back the exchange keeps this kind, in ns before its current time (Binance open-interest
   * history: 30 days; OKX trades: 3 months). Older parts of a range are reported as missing with
   * `historyReason`, never silently left out. `undefined`: the whole history is served.
   */
  historyNs?: bigint;
  /**
   * For spanned kinds: how many of the newest periods the exchange keeps (OKX open-interest history:
   * 1,440 of whatever period is asked), so how far back depends on the span. Treated like `historyNs` =
   * `historyPeriods × span`. `undefined`: no such cap.
   */
  historyPeriods?: number;
  /** Why older data is not served, for reports (e.g. "Binance keeps only the last 30 days of open interest"). */
  historyReason?: string;
  /**
   * The oldest time the exchange can serve right now, when that depends on more than age (Bybit serves
   * only its newest 1,000 trades over REST, so how far back they reach depends on the trading rate).
   * Asked once per download, after `historyNs`: a range entirely older is refused with
   * `UnsupportedRangeError` carrying `reason`; an older part is reported missing with it. The page
   * fetcher still refuses a window that falls out of reach while the download runs.
   * @default undefined (no such bound)
   */
  reach?(marketId: string, context: PageOptions): Promise<SourceReach>;
};

/** What {@link KindSourceBase.reach} answers. */
export type SourceReach = {
  /** Records at or after this time (epoch ns) can be served now. */
  earliestNs: bigint;
  /** Why older records cannot, and where to get them (e.g. "record them live with `tickwire record`"). */
  reason: string;
};

/**
 * A kind paged by time windows (candles, funding, open interest): `fetchPage` returns the records with
 * `tsNs` in `[startNs, endNs]` (both inclusive), ascending, at most `limit`; a full page is continued from
 * after its newest record. The download cuts the range into windows of `span × maxPerRequest` (spanned
 * kinds) or `windowS` (others). Newest-first endpoints reverse each window inside `fetchPage`.
 */
export type WindowSource<R> = KindSourceBase & {
  /** Paged by time windows. */
  paging: 'window';
  /** Window length in seconds for kinds without a span (funding: `maxPerRequest ×` the shortest interval). */
  windowS?: number;
  /** One page of the window. */
  fetchPage(
    marketId: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    context: KindFetchContext,
  ): Promise<R[]>;
};

/**
 * A kind paged by an opaque cursor inside a time window (trades, OKX history by id): the contract of
 * {@link ExchangeAdapter.fetchTradesPage}.
 */
export type CursorSource<R> = KindSourceBase & {
  /** Paged by a cursor. */
  paging: 'cursor';
  /** One page and the cursor of the next (`null` when the window is drained). */
  fetchPage(
    marketId: string,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    cursor: TradeCursor,
    context: KindFetchContext,
  ): Promise<[R[], TradeCursor]>;
};

/** How one history kind is fetched from one exchange. */
export type KindSource<R> = WindowSource<R> | CursorSource<R>;

/** The history kinds an adapter serves, by kind id. */
export type KindSources = { readonly [K in KindId]?: KindSource<RecordOfKind<K>> };

/** Builds an adapter. */
export type AdapterFactory = (options?: AdapterOptions) => ExchangeAdapter;
