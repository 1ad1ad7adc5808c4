/**
 * `download.records`: any registered history kind over a time range, generic over the kinds registry.
 * Candles and trades keep their dedicated paths (`downloadOhlc`, `downloadTrades`); every other kind an
 * adapter declares in its `sources` (funding, open interest, mark/index/premium candles, ...) is paged
 * here by its declared paging: time windows, or a cursor per time slice.
 *
 * @module
 */
import type { CursorSource, ExchangeAdapter, KindSource, WindowSource } from '../adapters/adapter.js';
import type { Market } from '../adapters/symbols.js';
import { UnsupportedKindError, UnsupportedRangeError, UnsupportedSpanError } from '../core/errors.js';
import { KINDS, type KindId, kindDef, type RecordOfKind } from '../core/kinds.js';
import { alignDown, alignUp, formatIsoNs, formatSpan } from '../core/time.js';
import { forwardPages } from '../transport/paginate/forward.js';
import { slicedPages } from '../transport/paginate/sliced.js';
import { tradePages } from '../transport/paginate/trades.js';
import {
  adapterFor,
  type Download,
  downloadOhlc,
  downloadTrades,
  futureCheck,
  makeDownload,
  progress,
  recordFailure,
  type State,
} from './download.js';
import { confirmedOr, type HeadStart, headStart, headStartMarket } from './head-start.js';
import { marketAndTime } from './market-time.js';
import { DEFAULT_CONCURRENCY, type DownloadKindOptions, resolveKind, tradeSlicing } from './options.js';
import { applyReach } from './reach.js';
import { addRange, minNs } from './report.js';

/** The kinds `adapter` serves over REST, in registry order. */
export function servedKinds(adapter: ExchangeAdapter): KindId[] {
  return (Object.keys(KINDS) as KindId[]).filter((k) => adapter.sources[k] !== undefined);
}

/** The source of `kind` on `adapter`; throws `UnsupportedKindError` when it serves none. */
export function sourceOf<K extends KindId>(adapter: ExchangeAdapter, kind: K): KindSource<RecordOfKind<K>> {
  const source = adapter.sources[kind] as KindSource<RecordOfKind<K>> | undefined;
  if (source) return source;
  const def = KINDS[kind];
  const hint =
    def.availability === 'live'
      ? `${kind} exists only live: use stream.${kind === 'book' ? 'book' : kind} or \`tickwire record\``
      : undefined;
  throw new UnsupportedKindError(adapter.id, kind, servedKinds(adapter), hint);
}

/**
 * Downloads every record of `kind` in `[start, end)`, ascending, each once, with a completeness report.
 * `ohlc` and `trades` behave exactly as {@link downloadOhlc} and {@link downloadTrades}. Spanned kinds
 * (candles, open interest) need `span`; a bar is delivered once it has closed at the exchange's time.
 * A part of the range older than the exchange keeps (`historyNs` of the kind's source) is reported as
 * missing with the reason; a range entirely older is refused with `UnsupportedRangeError`.
 *
 * @throws ValidationError synchronously for a bad option; `UnknownExchangeError` for an unknown exchange
 */
export function downloadRecords<K extends KindId>(
  options: DownloadKindOptions<K>,
): Download<RecordOfKind<K>> {
  kindDef(options?.kind ?? (undefined as unknown as string), 'options.kind');
  if (options.kind === 'ohlc') {
    return downloadOhlc({ ...options, span: options.span ?? '' }) as unknown as Download<RecordOfKind<K>>;
  }
  if (options.kind === 'trades') return downloadTrades(options) as unknown as Download<RecordOfKind<K>>;
  const resolved = resolveKind(options);
  const { adapter, owned } = adapterFor(options);
  return makeDownload<RecordOfKind<K>>(options.kind, resolved, (state) =>
    runKind(options, resolved, adapter, owned, state),
  );
}

async function* runKind<K extends KindId>(
  options: DownloadKindOptions<K>,
  resolved: ReturnType<typeof resolveKind>,
  adapter: ExchangeAdapter,
  owned: boolean,
  state: State,
): AsyncGenerator<readonly RecordOfKind<K>[], void, undefined> {
  const signal = options.signal;
  const { span, endNs } = resolved;
  let position = resolved.startNs;
  let early: HeadStart<RecordOfKind<K>> | undefined;
  try {
    const source = sourceOf(adapter, options.kind);
    const spans = source.capability.spans;
    if (span !== undefined && spans !== undefined && !spans.includes(span)) {
      throw new UnsupportedSpanError(adapter.id, span, spans);
    }
    const startNs = span === undefined ? resolved.startNs : alignDown(resolved.startNs, span);
    const pages = (m: Market, start: bigint, end: bigint, sig: AbortSignal | undefined) => {
      const fx = { exchange: adapter.id, signal: sig, market: m, span };
      if (source.paging === 'window') {
        return windowed(
          source as WindowSource<{ tsNs: bigint }> as WindowSource<RecordOfKind<K>>,
          fx,
          start,
          end,
          resolved.concurrency,
          options,
          state,
        );
      }
      const keyed = source as unknown as CursorSource<{ tsNs: bigint; id: string }>;
      return sliced(keyed, fx, start, end, resolved, options, state, (ns) => {
        position = ns;
      }) as unknown as AsyncGenerator<readonly RecordOfKind<K>[], void, undefined>;
    };
    const setup = marketAndTime(adapter, resolved.symbol, signal);
    setup.catch(() => {}); // awaited below, after the head start (if any) is under way
    // A head start only where the range to fetch does not depend on the clock or on another question.
    const guess =
      source.historyNs === undefined &&
      source.historyPeriods === undefined &&
      source.reach === undefined &&
      (source.paging !== 'window' || span !== undefined || source.windowS !== undefined)
        ? headStartMarket(adapter, resolved.symbol, endNs)
        : undefined;
    if (guess !== undefined) early = headStart(guess, (sig) => pages(guess, startNs, endNs, sig), signal);
    const { market, nowNs } = await setup;
    state.report.symbol = market.symbol;
    futureCheck(resolved, options, nowNs);
    // Spanned records (bars, samples) are final once their period has ended at the exchange's time.
    const servedEnd = minNs(endNs, span === undefined ? nowNs : alignDown(nowNs, span));
    let from = startNs;
    const historyNs =
      source.historyPeriods !== undefined && span !== undefined
        ? BigInt(source.historyPeriods) * BigInt(span) * 1_000_000_000n
        : source.historyNs;
    if (historyNs !== undefined) {
      // One minute of margin: the exchange's window moves on while the download runs.
      let earliest = nowNs - historyNs + 60_000_000_000n;
      if (span !== undefined) earliest = alignUp(earliest, span);
      if (from < earliest) {
        const reason =
          source.historyReason ??
          `${adapter.id} keeps ${options.kind} only since ${formatIsoNs(earliest)} (its last ${formatDuration(historyNs)})`;
        if (earliest >= servedEnd) {
          throw new UnsupportedRangeError(
            `${reason}; the requested range ${formatIsoNs(resolved.startNs)} – ${formatIsoNs(endNs)} is older. ` +
              `Start at or after ${formatIsoNs(earliest)}.`,
            { startNs: resolved.startNs, endNs },
          );
        }
        state.report.missing.push({ range: { startNs: resolved.startNs, endNs: earliest }, reason });
        from = earliest;
      }
    }
    from = await applyReach(source, market.id, from, servedEnd, state, signal);
    position = from;
    if (from < servedEnd) {
      // The head start's pages are the ones asked for here when it guessed the market and the range.
      yield* confirmedOr(early, market, from === startNs && servedEnd === endNs, () =>
        pages(market, from, servedEnd, signal),
      );
    }
    addRange(state.report.delivered, { startNs: from, endNs: servedEnd });
    if (servedEnd < endNs) {
      state.report.missing.push({
        range: { startNs: servedEnd, endNs },
        reason:
          span === undefined
            ? `${options.kind} after ${adapter.id}'s current time ${formatIsoNs(nowNs)} does not exist yet`
            : `${options.kind} periods from ${formatIsoNs(servedEnd)} have not closed yet at ${adapter.id}'s time ${formatIsoNs(nowNs)}`,
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

type FetchFx = {
  exchange: string;
  signal: AbortSignal | undefined;
  market: Market;
  span: number | undefined;
};

function windowed<R extends { tsNs: bigint }>(
  source: WindowSource<R>,
  fx: FetchFx,
  from: bigint,
  to: bigint,
  concurrency: number,
  options: DownloadKindOptions,
  state: State,
): AsyncGenerator<readonly R[], void, undefined> {
  const cap = source.capability;
  const windowS = fx.span === undefined ? source.windowS : fx.span * cap.maxPerRequest;
  if (windowS === undefined) {
    throw new UnsupportedKindError(fx.exchange, options.kind, [], 'its source declares no window (windowS)');
  }
  const context = (signal: AbortSignal | undefined) => ({
    market: fx.market,
    ...(signal ? { signal } : {}),
    ...(fx.span === undefined ? {} : { span: fx.span }),
  });
  return forwardPages<R>(
    (s, e, limit, extras) => source.fetchPage(fx.market.id, s, e, limit, context(extras?.signal)),
    from,
    to,
    windowS,
    cap.maxPerRequest,
    {
      concurrency,
      ...(fx.span === undefined ? { alignS: windowS } : { alignS: fx.span, stepS: fx.span }),
      ...(fx.signal ? { signal: fx.signal } : {}),
      onProgress: (d, t, info) => progress(options, state, d, t, info),
    },
  );
}

function sliced<R extends { tsNs: bigint; id: string }>(
  source: CursorSource<R>,
  fx: FetchFx,
  from: bigint,
  to: bigint,
  resolved: ReturnType<typeof resolveKind>,
  options: DownloadKindOptions,
  state: State,
  onCovered: (ns: bigint) => void,
): AsyncGenerator<readonly R[], void, undefined> {
  const cap = source.capability;
  return slicedPages<R>(
    (slice, extras) =>
      tradePages<string>(
        (s, e, limit, cursor, x) =>
          source.fetchPage(fx.market.id, s, e, limit, cursor, {
            market: fx.market,
            ...(x?.signal ? { signal: x.signal } : {}),
            ...(fx.span === undefined ? {} : { span: fx.span }),
          }) as unknown as Promise<[never[], string | null]>,
        cap,
        slice.startNs,
        slice.endNs - 1n,
        {
          signal: extras.signal,
          onProgress: extras.onProgress,
          ...(resolved.maxPages ? { maxPages: resolved.maxPages } : {}),
        },
      ) as unknown as AsyncIterable<readonly R[]>,
    from,
    to,
    {
      concurrency: resolved.concurrency,
      ...tradeSlicing(resolved.concurrency, cap.maxPerRequest),
      ...(fx.signal ? { signal: fx.signal } : {}),
      onProgress: (d, t, info) => {
        if (info.coveredUntilNs !== undefined) onCovered(info.coveredUntilNs);
        progress(options, state, d, t, info);
      },
    },
  );
}

function formatDuration(ns: bigint): string {
  const s = Number(ns / 1_000_000_000n);
  return s % 86_400 === 0 ? `${s / 86_400} days` : formatSpan(s);
}

/** Default windows fetched at once for window-paged kinds. */
export const DEFAULT_KIND_CONCURRENCY = DEFAULT_CONCURRENCY;
