/**
 * The download API: candles and trades over a time range from any supported exchange, as async
 * iterables with a completeness report.
 *
 * @example
 * ```ts
 * import { download } from 'tickwire';
 * const bars = download.ohlc({ exchange: 'binance', symbol: 'BTC/USDT', span: '1m', start: '2024-01-01', end: '2024-01-02' });
 * for await (const bar of bars) console.log(bar.tsNs, bar.close);
 * console.log(formatReport(await bars.report));
 * ```
 *
 * @module
 */
import type { KindId, RecordOfKind } from '../core/kinds.js';
import type { OHLCBar, Trade } from '../core/records.js';
import { type Collected, collectDownload } from './collect.js';
import { type Download, downloadOhlc, downloadTrades } from './download.js';
import { downloadRecords } from './kinds.js';
import type { DownloadKindOptions, DownloadOhlcOptions, DownloadTradesOptions } from './options.js';

export { barsFromTrades } from './aggregate.js';
export { type Collected, collectDownload } from './collect.js';
export { type Download, downloadOhlc, downloadTrades } from './download.js';
export { downloadRecords, servedKinds, sourceOf } from './kinds.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_TRADE_SLICE_PAGES,
  DEFAULT_TRADES_CONCURRENCY,
  type DownloadKindOptions,
  type DownloadOhlcOptions,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadTradesOptions,
} from './options.js';
export { type DownloadReport, formatReport, type MissingRange } from './report.js';

/** The download API as one object: `download.ohlc(...)`, `download.trades(...)`, and their collecting forms. */
export const download: {
  /** See {@link downloadOhlc}. */
  ohlc(options: DownloadOhlcOptions): Download<OHLCBar>;
  /** See {@link downloadTrades}. */
  trades(options: DownloadTradesOptions): Download<Trade>;
  /** Collects every bar; rejects (with the range missing) when the download is incomplete. */
  collectOhlc(options: DownloadOhlcOptions): Promise<Collected<OHLCBar>>;
  /** Collects every trade; rejects (with the range missing) when the download is incomplete. */
  collectTrades(options: DownloadTradesOptions): Promise<Collected<Trade>>;
  /** Any history kind (funding, open interest, mark candles, ...). See {@link downloadRecords}. */
  records<K extends KindId>(options: DownloadKindOptions<K>): Download<RecordOfKind<K>>;
  /** Collects every record of any kind; rejects (with the range missing) when incomplete. */
  collect<K extends KindId>(options: DownloadKindOptions<K>): Promise<Collected<RecordOfKind<K>>>;
} = {
  ohlc: downloadOhlc,
  trades: downloadTrades,
  collectOhlc: (options) => collectDownload(downloadOhlc(options)),
  collectTrades: (options) => collectDownload(downloadTrades(options)),
  records: downloadRecords,
  collect: (options) => collectDownload(downloadRecords(options)),
};
