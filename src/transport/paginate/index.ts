/**
 * Public exports of `src/transport/paginate`: the generic paginators (and the sliced runner of cursor walks), `collect`, and their types.
 *
 * Private (not exported): window arithmetic, the short-page rule, ordered prefetch, bounded dedupe and
 * abort plumbing; they are internal decisions, tested directly under `test/transport/paginate/`.
 *
 * @module
 */
export { type BackwardFetch, type BackwardOptions, paginateBackward } from './backward.js';
export { collect } from './collect.js';
export { type ForwardFetch, type ForwardOptions, paginateForward } from './forward.js';
export { type OhlcFetch, type OhlcOptions, paginateOhlc } from './ohlc.js';
export {
  DEFAULT_SLICE_CONCURRENCY,
  DEFAULT_SLICE_ITEMS,
  paginateSliced,
  type SlicedOptions,
  type SliceExtras,
  type SliceWalk,
} from './sliced.js';
export { DEFAULT_MAX_PAGES, paginateTrades, type TradesFetch, type TradesOptions } from './trades.js';
export type {
  FetchExtras,
  KeyFn,
  NoticeFn,
  PaginateNotice,
  Paginator,
  ProgressFn,
  ProgressInfo,
} from './types.js';
