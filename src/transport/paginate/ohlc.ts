/**
 * `paginateOhlc`: candles over a time range, one request per window of `span × cap.maxPerRequest`.
 *
 * A thin layer over {@link paginateForward} with the candle settings: the window holds exactly
 * `cap.maxPerRequest` bars, the grid is snapped to the bar (`alignS = span`) so a 10:30 start with 1 h bars
 * begins at 10:00 (not weeks earlier, as snapping to the window would), and bars are `span` apart, so a
 * page whose newest bar is the window's last bar covers it and a continuation asks from the next bar.
 * Every guarantee of the forward paginator holds: ascending, each bar once, nothing skipped, a capped
 * source detected and the window shrunk (`cap-shrunk`), failures naming the missing range.
 *
 * The range delivered is the bars whose open time lies in `[alignDown(startNs, span), endNs)`: the bar
 * that contains `startNs` is included.
 *
 * @module
 */
import type { Capability, OHLCBar } from '../../core/records.js';
import { alignDown } from '../../core/time.js';
import { assertNs, assertPositiveNumber } from '../../core/validate.js';
import { assertCapability, assertFunction, assertOptions } from './args.js';
import { flatten } from './flatten.js';
import { type ForwardOptions, forwardPages } from './forward.js';
import { toPaginator } from './paginator.js';
import type { FetchExtras, Paginator } from './types.js';

/**
 * Fetches the bars with open time in `[startNs, endNs]` (`endNs` is the last nanosecond of the window), at
 * most `limit`. Bind symbol and span in a closure. The 4th argument is optional; see {@link FetchExtras}.
 */
export type OhlcFetch = (
  startNs: bigint,
  endNs: bigint,
  limit: number,
  extras: FetchExtras,
) => Promise<OHLCBar[]>;

/** Options of {@link paginateOhlc}: those of {@link paginateForward} except the ones the span fixes. */
export type OhlcOptions = Omit<ForwardOptions<OHLCBar>, 'alignS' | 'stepS'>;

/**
 * Paginates candles of `span` seconds over `[alignDown(startNs, span), endNs)` using the source's declared
 * `cap.maxPerRequest`.
 *
 * @param fetchPage closure over the adapter's `fetchOhlcPage(symbol, span, …)`
 * @param cap the source's candle capability (`maxPerRequest` is used)
 * @param startNs start of the range; the bar containing it is the first one
 * @param endNs end of the range (exclusive): bars opening at or after it are not yielded
 * @param span bar length in seconds
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function paginateOhlc(
  fetchPage: OhlcFetch,
  cap: Capability,
  startNs: bigint,
  endNs: bigint,
  span: number,
  options: OhlcOptions = {},
): Paginator<OHLCBar> {
  return toPaginator(flatten(ohlcPages(fetchPage, cap, startNs, endNs, span, options)));
}

/**
 * {@link paginateOhlc} window by window (each array one window's bars, in order, never empty). Internal:
 * the download layer hands pages on whole. Same arguments, errors and guarantees.
 *
 * @throws {ValidationError} synchronously, for a bad argument
 */
export function ohlcPages(
  fetchPage: OhlcFetch,
  cap: Capability,
  startNs: bigint,
  endNs: bigint,
  span: number,
  options: OhlcOptions = {},
): AsyncGenerator<readonly OHLCBar[], void, undefined> {
  assertFunction('fetchPage', fetchPage);
  assertCapability('cap', cap);
  assertNs('startNs', startNs);
  assertNs('endNs', endNs);
  assertPositiveNumber('span', span);
  assertOptions('options', options);
  const { alignS: _a, stepS: _s, ...rest } = (options ?? {}) as ForwardOptions<OHLCBar>;
  return forwardPages(
    fetchPage,
    alignDown(startNs, span),
    endNs,
    span * cap.maxPerRequest,
    cap.maxPerRequest,
    {
      ...rest,
      alignS: span,
      stepS: span,
    },
  );
}
