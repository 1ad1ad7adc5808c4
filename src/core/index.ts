/**
 * Core: time as bigint nanoseconds, domain records, errors and argument checks. Pure, no I/O.
 *
 * @module
 */
export {
  AbortError,
  BookResyncExhaustedError,
  ClosedError,
  ERROR_CODES,
  type ErrorCode,
  ExchangeError,
  formatRange,
  HTTPError,
  IncompleteRangeError,
  isTickwireError,
  LimiterUnavailableError,
  NetworkError,
  type NsRange,
  ProtocolError,
  RateLimitedError,
  ReconnectExhaustedError,
  ResponseTooLargeError,
  redactUrl,
  TickwireError,
  TimeoutError,
  UnknownExchangeError,
  UnknownSymbolError,
  UnsupportedRangeError,
  UnsupportedSpanError,
  ValidationError,
} from './errors.js';
export type { Capability, OHLCBar, PageDirection, Trade, TradeSide } from './records.js';
export {
  alignDown,
  alignUp,
  formatIsoNs,
  formatSpan,
  msToNs,
  NS_PER_MS,
  NS_PER_S,
  NS_PER_US,
  nowNs,
  nsToMs,
  nsToSeconds,
  parseIsoNs,
  parseSpan,
  secondsToNs,
  spanToNs,
  type TimeInput,
  toNs,
} from './time.js';
