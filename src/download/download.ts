/**
 * `download.ohlc` and `download.trades`: a range of records as an async iterable, with a completeness
 * report that says exactly which ranges were delivered and which were not.
 *
 * @module
 */
import type { AdapterOptions, CursorSource, ExchangeAdapter } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import type { Market } from '../adapters/symbols.js';
import {
  type NsRange,
  UnsupportedKindError,
  UnsupportedRangeError,
  UnsupportedSpanError,
  ValidationError,
} from '../core/errors.js';
import { KIND_IDS, type KindId } from '../core/kinds.js';
import type { OHLCBar, Trade } from '../core/records.js';
import { alignDown, formatIsoNs, formatSpan, spanToNs } from '../core/time.js';
import { onePerPage } from '../transport/paginate/flatten.js';
import type { ProgressInfo } from '../transport/paginate/index.js';
import { ohlcPages } from '../transport/paginate/ohlc.js';
import { slicedPages } from '../transport/paginate/sliced.js';
import { paginateTrades, tradePages } from '../transport/paginate/trades.js';

import { barsFromTrades } from './aggregate.js';
import { confirmedOr, type HeadStart, headStart, headStartMarket } from './head-start.js';
import { marketAndTime } from './market-time.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_TRADES_CONCURRENCY,
  type DownloadOhlcOptions,
  type DownloadOptions,
  type DownloadTradesOptions,
  type Resolved,
  resolveOhlc,
  resolveTrades,
  tradeSlicing,
} from './options.js';
import { applyReach } from './reach.js';
import { addRange, type DownloadReport, minNs, missingFrom } from './report.js';

/**
 * A running download: iterate it once with `for await`, record by record, or page by page with
 * {@link Download.batches}. `report` settles when the iteration ends (completed, failed, or stopped early)
 * and never rejects; a failed iteration also throws, with an `IncompleteRangeError` (its `missing` names
 * the gap) or the typed error that stopped it.
 */
export type Download<T> = AsyncIterable<T> &
  AsyncDisposable & {
    /** The completeness report, once the iteration has ended. */
    readonly report: Promise<DownloadReport>;
    /**
     * The same records in the same order, as arrays (about a page each, never empty), for consumers that
     * handle records in bulk (a database load, a data frame): no promise per record. Use either this or
     * the record iterator, once. Stopping early (`break`) reports the batches handed out as delivered.
     *
     * @throws {ValidationError} when the download is already being iterated
     */
    batches(): AsyncIterable<readonly T[]>;
  };

/** How far ahead of the exchange's clock an `end` may lie before it counts as "in the future", in ns. */
const FUTURE_TOLERANCE_NS = 60_000_000_000n;

/** The mutable state of one running download (internal to the download layer). */
export type State = { report: DownloadReport; range: NsRange };

/** The adapter a download uses: the caller's, or a new one it owns and closes. */
export function adapterFor(options: DownloadOptions): { adapter: ExchangeAdapter; owned: boolean } {
  if (options.adapter) return { adapter: options.adapter, owned: false };
  const adapterOptions: AdapterOptions = {};
  if (options.baseUrl !== undefined) adapterOptions.baseUrl = options.baseUrl;
  if (options.limiter !== undefined) adapterOptions.limiter = options.limiter;
  if (options.rateScale !== undefined) adapterOptions.rateScale = options.rateScale;
  if (options.rates !== undefined) adapterOptions.rates = options.rates;
  if (options.http !== undefined) adapterOptions.http = options.http;
  return { adapter: createAdapter(options.exchange, adapterOptions), owned: true };
}

/** Wraps a download body (pages of records) into a {@link Download} whose report settles when the iteration ends. */
export function makeDownload<T extends { tsNs: bigint }>(
  kind: DownloadReport['kind'],
  resolved: Resolved & { span?: number },
  body: (state: State) => AsyncGenerator<readonly T[], void, undefined>,
): Download<T> {
  const state: State = {
    range: { startNs: resolved.startNs, endNs: resolved.endNs },
    report: {
      kind,
      exchange: resolved.exchange,
      symbol: resolved.symbol,
      ...(resolved.span === undefined ? {} : { span: resolved.span }),
      requested: { startNs: resolved.startNs, endNs: resolved.endNs },
      delivered: [],
      missing: [],
      complete: false,
      items: 0,
      pages: 0,
    },
  };
  let settle!: (r: DownloadReport) => void;
  const report = new Promise<DownloadReport>((resolve) => {
    settle = resolve;
  });
  let started = false;
  // Plain iterators over the body, not more async generators: they see every record of every download,
  // and a generator layer costs a few promises per item.
  const inner = body(state);
  let finished = false;
  let lastNs: bigint | undefined;
  const finish = (stopped: boolean): void => {
    if (finished) return;
    finished = true;
    const r = state.report;
    if (stopped) {
      // The consumer stopped early (break, return, disposal): say so rather than claim anything beyond.
      const from = lastNs === undefined ? state.range.startNs : lastNs + 1n;
      r.delivered = lastNs === undefined ? [] : [{ startNs: state.range.startNs, endNs: from }];
      r.missing.push({
        range: { startNs: from, endNs: state.range.endNs },
        reason: 'the consumer stopped the iteration',
      });
    }
    r.complete = r.missing.length === 0 && covers(r.delivered, r.requested);
    settle(r);
  };
  const onError = (error: unknown): never => {
    finish(false);
    throw error;
  };
  const stop = async (): Promise<IteratorResult<never, void>> => {
    if (!finished) {
      try {
        await inner.return(undefined);
      } finally {
        finish(true);
      }
    }
    return DONE;
  };
  const begin = (): void => {
    if (started) throw new ValidationError('download', 'iterated twice', 'a download iterated once');
    started = true;
  };

  // Record by record: hands out the current page's records, pulls the next page when it runs out.
  let page: readonly T[] = [];
  let at = 0;
  const take = (): IteratorResult<T, void> => {
    const value = page[at++] as T;
    state.report.items++;
    lastNs = value.tsNs;
    return { done: false, value };
  };
  const onPage = (
    result: IteratorResult<readonly T[], void>,
  ): IteratorResult<T, void> | Promise<IteratorResult<T, void>> => {
    if (result.done) {
      finish(false);
      return DONE;
    }
    page = result.value;
    at = 0;
    return page.length > 0 ? take() : records.next();
  };
  const records: AsyncIterator<T, void, undefined> = {
    next: () => {
      if (finished) return Promise.resolve(DONE);
      if (at < page.length) return Promise.resolve(take());
      return inner.next().then(onPage, onError);
    },
    return: stop,
  };

  // Page by page.
  const onBatch = (
    result: IteratorResult<readonly T[], void>,
  ): IteratorResult<readonly T[], void> | Promise<IteratorResult<readonly T[], void>> => {
    if (result.done) {
      finish(false);
      return DONE;
    }
    const batch = result.value;
    if (batch.length === 0) return batches.next();
    state.report.items += batch.length;
    lastNs = (batch[batch.length - 1] as T).tsNs;
    return result;
  };
  const batches: AsyncIterator<readonly T[], void, undefined> = {
    next: () => (finished ? Promise.resolve(DONE) : inner.next().then(onBatch, onError)),
    return: stop,
  };

  return {
    report,
    [Symbol.asyncIterator]() {
      begin();
      return records;
    },
    batches() {
      begin();
      return { [Symbol.asyncIterator]: () => batches };
    },
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

const DONE: IteratorResult<never, void> = Object.freeze({ done: true, value: undefined });

function servedKindIds(adapter: ExchangeAdapter): KindId[] {
  return KIND_IDS.filter((k) => adapter.sources[k] !== undefined);
}

function covers(delivered: readonly NsRange[], requested: NsRange): boolean {
  const [only] = delivered;
  return (
    delivered.length === 1 &&
    only !== undefined &&
    only.startNs <= requested.startNs &&
    only.endNs >= requested.endNs
  );
}

/** Forwards paginator progress to `options.onProgress` and counts pages in the report. */
export function progress(
  options: DownloadOptions,
  state: State,
  done: number,
  total: number,
  info: ProgressInfo,
): void {
  state.report.pages = info.requests;
  options.onProgress?.({
    done,
    total,
    items: state.report.items,
    pages: info.requests,
    ...(info.coveredUntilNs === undefined ? {} : { coveredUntilNs: info.coveredUntilNs }),
    ...(info.fetchedNs === undefined ? {} : { fetchedNs: info.fetchedNs }),
  });
}

/** Records a failure: what the error says was covered and missing, plus the untouched tail. */
export function recordFailure(state: State, error: unknown, from: bigint, to: bigint): void {
  const { covered, missing } = missingFrom(error, { startNs: from, endNs: to });
  for (const c of covered) addRange(state.report.delivered, c);
  state.report.missing.push(...missing);
}

/** Refuses a range that starts at or after the exchange's clock, or ends well after it. */
export function futureCheck(resolved: Resolved, options: DownloadOptions, nowNs: bigint): void {
  if (resolved.startNs >= nowNs) {
    throw new ValidationError(
      'options.start',
      options.start,
      `a time before ${resolved.exchange}'s current time ${formatIsoNs(nowNs)}`,
    );
  }
  if (resolved.endNs > nowNs + FUTURE_TOLERANCE_NS) {
    throw new ValidationError(
      'options.end',
      options.end,
      `a time at or before ${resolved.exchange}'s current time ${formatIsoNs(nowNs)}`,
    );
  }
}

/**
 * Downloads candles of `span` over `[start, end)` (the bar containing `start` is the first). Bars not
 * yet closed at the exchange's time are not delivered and are reported as missing.
 *
 * @throws ValidationError synchronously for a bad option; `UnknownExchangeError` for an unknown exchange
 */
export function downloadOhlc(options: DownloadOhlcOptions): Download<OHLCBar> {
  const resolved = resolveOhlc(options);
  const { adapter, owned } = adapterFor(options);
  return makeDownload('ohlc', resolved, (state) => runOhlc(options, resolved, adapter, owned, state));
}

async function* runOhlc(
  options: DownloadOhlcOptions,
  resolved: ReturnType<typeof resolveOhlc>,
  adapter: ExchangeAdapter,
  owned: boolean,
  state: State,
): AsyncGenerator<readonly OHLCBar[], void, undefined> {
  const { span, endNs } = resolved;
  const signal = options.signal;
  const spanNs = spanToNs(span);
  let position = resolved.startNs;
  let early: HeadStart<OHLCBar> | undefined;
  try {
    const spans = adapter.ohlcCapability.spans ?? [];
    if (!spans.includes(span)) throw new UnsupportedSpanError(adapter.id, span, spans);
    const candles = (m: Market, from: bigint, to: bigint, sig: AbortSignal | undefined) =>
      ohlcPages(
        (s, e, limit, extras) => adapter.fetchOhlcPage(m.id, span, s, e, limit, { ...extras, market: m }),
        adapter.ohlcCapability,
        from,
        to,
        span,
        {
          concurrency: resolved.concurrency ?? adapter.ohlcCapability.inFlight ?? DEFAULT_CONCURRENCY,
          ...(sig ? { signal: sig } : {}),
          onProgress: (d, t, info) => progress(options, state, d, t, info),
        },
      );
    const setup = marketAndTime(adapter, resolved.symbol, signal);
    setup.catch(() => {}); // awaited below, after the head start (if any) is under way
    // A head start only where the whole range is candles (no capped history to measure from the clock).
    const guess =
      adapter.ohlcHistoryBars === undefined ? headStartMarket(adapter, resolved.symbol, endNs) : undefined;
    const startNs = alignDown(resolved.startNs, span);
    early =
      guess === undefined
        ? undefined
        : headStart(guess, (sig) => candles(guess, startNs, endNs, sig), signal);
    const { market, nowNs } = await setup;
    state.report.symbol = market.symbol;
    futureCheck(resolved, options, nowNs);
    const closedUntil = alignDown(nowNs, span); // bars opening before it have closed
    const servedEnd = minNs(endNs, closedUntil);
    position = startNs;
    let candlesFrom = startNs;
    if (adapter.ohlcHistoryBars !== undefined) {
      // Keep one bar of margin: the exchange's window moves on while the download runs.
      const earliest = closedUntil - BigInt(adapter.ohlcHistoryBars - 2) * spanNs;
      if (startNs < earliest) {
        if (!options.ohlcFromTrades) {
          throw new UnsupportedRangeError(
            `${adapter.id} serves only its newest ${adapter.ohlcHistoryBars} ${formatSpan(span)} candles; bars before ` +
              `${formatIsoNs(earliest)} cannot be downloaded as candles (requested start ${formatIsoNs(resolved.startNs)}). ` +
              `Start at or after ${formatIsoNs(earliest)}, or pass ohlcFromTrades: true to build older bars from trades.`,
            { startNs, endNs: earliest },
          );
        }
        candlesFrom = minNs(earliest, servedEnd);
        const trades = paginateTrades<string>(
          (s, e, limit, cursor, extras) => adapter.fetchTradesPage(market.id, s, e, limit, cursor, extras),
          adapter.tradesCapability,
          startNs,
          candlesFrom - 1n,
          {
            ...(signal ? { signal } : {}),
            ...(resolved.maxPages ? { maxPages: resolved.maxPages } : {}),
            onProgress: (d, t, info) => progress(options, state, d, t, info),
          },
        );
        yield* onePerPage(barsFromTrades(trades, span));
        addRange(state.report.delivered, { startNs: resolved.startNs, endNs: candlesFrom });
        position = candlesFrom;
      }
    }
    // The head start's pages are the ones asked for here when it guessed the market and the range.
    yield* confirmedOr(early, market, candlesFrom === startNs && servedEnd === endNs, async function* () {
      if (candlesFrom < servedEnd) yield* candles(market, candlesFrom, servedEnd, signal);
    });
    addRange(state.report.delivered, { startNs: resolved.startNs, endNs: servedEnd });
    if (servedEnd < endNs) {
      state.report.missing.push({
        range: { startNs: servedEnd, endNs },
        reason: `bars from ${formatIsoNs(servedEnd)} have not closed yet at ${adapter.id}'s time ${formatIsoNs(nowNs)}`,
      });
    }
  } catch (error) {
    recordFailure(state, error, position, endNs);
    throw error;
  } finally {
    await early?.discard();
    if (owned) await adapter.close();
  }
}

/**
 * Downloads every trade in `[start, end)`, ascending, each once. The range is cut into consecutive time
 * slices walked `concurrency` at a time (see {@link DownloadTradesOptions.concurrency}); a trade belongs to
 * the slice holding its `tsNs`. On a failure, what was delivered is a prefix of the range and the report
 * names the rest as missing.
 *
 * @throws ValidationError synchronously for a bad option; `UnknownExchangeError` for an unknown exchange
 */
export function downloadTrades(options: DownloadTradesOptions): Download<Trade> {
  const resolved = resolveTrades(options);
  const { adapter, owned } = adapterFor(options);
  return makeDownload('trades', resolved, (state) => runTrades(options, resolved, adapter, owned, state));
}

async function* runTrades(
  options: DownloadTradesOptions,
  resolved: ReturnType<typeof resolveTrades>,
  adapter: ExchangeAdapter,
  owned: boolean,
  state: State,
): AsyncGenerator<readonly Trade[], void, undefined> {
  const signal = options.signal;
  let position = resolved.startNs; // everything before it has been delivered
  let from = resolved.startNs; // where delivery starts (later when the source cannot reach back)
  let early: HeadStart<Trade> | undefined;
  try {
    const source = adapter.sources.trades;
    const cap = source?.capability;
    const concurrency = resolved.concurrency ?? cap?.inFlight ?? DEFAULT_TRADES_CONCURRENCY;
    const walk = (
      m: Market,
      src: CursorSource<Trade>,
      start: bigint,
      end: bigint,
      sig: AbortSignal | undefined,
    ) =>
      slicedPages<Trade>(
        (slice, extras) =>
          tradePages<string>(
            (s, e, limit, cursor, fx) =>
              src.fetchPage(
                m.id,
                s,
                e,
                limit,
                cursor,
                fx?.signal ? { signal: fx.signal, market: m } : { market: m },
              ),
            src.capability,
            slice.startNs,
            slice.endNs - 1n,
            {
              signal: extras.signal,
              onProgress: extras.onProgress,
              ...(resolved.maxPages ? { maxPages: resolved.maxPages } : {}),
            },
          ),
        start,
        end,
        {
          concurrency,
          ...tradeSlicing(concurrency, src.capability.maxPerRequest),
          ...(sig ? { signal: sig } : {}),
          onProgress: (d, t, info) => {
            if (info.coveredUntilNs !== undefined) position = info.coveredUntilNs;
            progress(options, state, d, t, info);
          },
        },
      );
    const setup = marketAndTime(adapter, resolved.symbol, signal);
    setup.catch(() => {}); // awaited below, after the head start (if any) is under way
    // A head start only where the range to walk does not depend on the clock or on another question.
    const guess =
      source?.paging === 'cursor' && source.historyNs === undefined && source.reach === undefined
        ? headStartMarket(adapter, resolved.symbol, resolved.endNs)
        : undefined;
    if (guess !== undefined && source?.paging === 'cursor') {
      early = headStart(guess, (sig) => walk(guess, source, resolved.startNs, resolved.endNs, sig), signal);
    }
    const { market, nowNs } = await setup;
    state.report.symbol = market.symbol;
    futureCheck(resolved, options, nowNs);
    const servedEnd = minNs(resolved.endNs, nowNs);
    if (source === undefined || source.paging !== 'cursor') {
      throw new UnsupportedKindError(adapter.id, 'trades', servedKindIds(adapter));
    }
    from = historyStart(adapter.id, source, resolved, nowNs, servedEnd, state);
    from = await applyReach(source, market.id, from, servedEnd, state, signal);
    position = from;
    // The head start's pages are the ones asked for here when it guessed the market and the range.
    yield* confirmedOr(early, market, from === resolved.startNs && servedEnd === resolved.endNs, () =>
      walk(market, source, from, servedEnd, signal),
    );
    addRange(state.report.delivered, { startNs: from, endNs: servedEnd });
    if (servedEnd < resolved.endNs) {
      state.report.missing.push({
        range: { startNs: servedEnd, endNs: resolved.endNs },
        reason: `trades after ${adapter.id}'s current time ${formatIsoNs(nowNs)} do not exist yet`,
      });
    }
  } catch (error) {
    if (position > from) addRange(state.report.delivered, { startNs: from, endNs: position });
    recordFailure(state, error, position, resolved.endNs);
    throw error;
  } finally {
    await early?.discard();
    if (owned) await adapter.close();
  }
}

/**
 * The start of the part of a trades range the exchange still keeps (`historyNs` of its trades source,
 * e.g. OKX: three months): an older head is reported missing with the reason; a range entirely older is
 * refused with `UnsupportedRangeError`.
 */
function historyStart(
  exchange: string,
  source: { historyNs?: bigint; historyReason?: string },
  resolved: { startNs: bigint; endNs: bigint },
  nowNs: bigint,
  servedEnd: bigint,
  state: State,
): bigint {
  if (source.historyNs === undefined) return resolved.startNs;
  // One minute of margin: the exchange's window moves on while the download runs.
  const earliest = nowNs - source.historyNs + 60_000_000_000n;
  if (resolved.startNs >= earliest) return resolved.startNs;
  const reason = source.historyReason ?? `${exchange} keeps trades only since ${formatIsoNs(earliest)}`;
  if (earliest >= servedEnd) {
    throw new UnsupportedRangeError(
      `${reason}; the requested range ${formatIsoNs(resolved.startNs)} – ${formatIsoNs(resolved.endNs)} is older. ` +
        `Start at or after ${formatIsoNs(earliest)}.`,
      { startNs: resolved.startNs, endNs: resolved.endNs },
    );
  }
  state.report.missing.push({ range: { startNs: resolved.startNs, endNs: earliest }, reason });
  return earliest;
}
