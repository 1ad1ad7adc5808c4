/**
 * What OKX v5 offers over public REST: bar names, page caps, how far back each endpoint reaches, and the
 * per-endpoint rate limits ("N requests per 2 s" per IP), folded into one request-cost budget.
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit } from '../../transport/rate-limit/types.js';

const H = 3600;
const D = 86_400;

/**
 * Bar spans (seconds) → OKX `bar` names. Bars of 6 h and longer use the `utc` variants: the plain
 * `6H`, `1D`, `1W`... open on Hong Kong time (UTC+8). Weekly bars open on Monday 00:00 UTC. Month bars
 * (not a fixed span) and `2Dutc`/`3Dutc` (alignment undocumented) are not offered; `1s` is not offered
 * (history-candles keeps it for three months only).
 */
export const OKX_BARS: ReadonlyMap<number, string> = new Map([
  [60, '1m'],
  [180, '3m'],
  [300, '5m'],
  [900, '15m'],
  [1800, '30m'],
  [H, '1H'],
  [2 * H, '2H'],
  [4 * H, '4H'],
  [6 * H, '6Hutc'],
  [12 * H, '12Hutc'],
  [D, '1Dutc'],
  [7 * D, '1Wutc'],
]);

/** Mark and index candles: the same bars without the week (its alignment is not part of the model). */
export const OKX_PRICE_BAR_SPANS: readonly number[] = [...OKX_BARS.keys()].filter((s) => s < 7 * D);

/** Open-interest periods of the rubik history (`5m`...`4H`, then the UTC variants). */
export const OKX_OI_PERIODS: ReadonlyMap<number, string> = new Map([
  [300, '5m'],
  [900, '15m'],
  [1800, '30m'],
  [H, '1H'],
  [2 * H, '2H'],
  [4 * H, '4H'],
  [6 * H, '6Hutc'],
  [12 * H, '12Hutc'],
  [D, '1Dutc'],
]);

/** `/market/candles` (and the recent mark/index candles) serve only the newest 1,440 bars. */
export const OKX_RECENT_BARS = 1440;
/** The rubik open-interest history keeps the newest 1,440 entries of each period. */
export const OKX_OI_HISTORY_PERIODS = 1440;
/** `history-trades` and `funding-rate-history` reach back three months (taken as 90 days). */
export const OKX_HISTORY_NS = 90n * 86_400n * 1_000_000_000n;

/**
 * The documented limits per endpoint, requests per 2 s per IP (funding and open interest per IP and
 * instrument; instruments per IP and instType). Paths under `/api/v5`.
 */
export const OKX_ENDPOINT_LIMITS: Readonly<Record<string, number>> = {
  '/market/candles': 40,
  '/market/history-candles': 20,
  '/market/mark-price-candles': 20,
  '/market/history-mark-price-candles': 10,
  '/market/index-candles': 20,
  '/market/history-index-candles': 10,
  '/market/trades': 100,
  '/market/history-trades': 20,
  '/public/funding-rate-history': 10,
  '/public/funding-rate': 20,
  '/public/open-interest': 20,
  '/rubik/stat/contracts/open-interest-history': 10,
  '/public/instruments': 20,
  '/public/time': 10,
};

/** Cost units one 2-second window allows: an endpoint of N per 2 s costs `OKX_BUDGET / N`. */
export const OKX_BUDGET = 200;

/** The limiter cost of one request to `path` (under `/api/v5`). */
export function okxCost(path: string): number {
  const n = OKX_ENDPOINT_LIMITS[path] ?? 10;
  return OKX_BUDGET / n;
}

/**
 * One budget for every public endpoint (ccxt's model): a request to an endpoint limited to N per 2 s
 * (`OKX_ENDPOINT_LIMITS`) costs 200 / N units, so any single endpoint at full speed stays within its own
 * limit. OKX counts fixed 2-second windows per IP but reports no usage, so the client cannot know where
 * its windows start: a client-side fixed window could spend one budget at the end of its window and
 * another at the start of the next, inside one of OKX's. A token bucket of rate r and burst b lets through
 * at most `b + 2r` units in ANY 2 s, whatever the phase: r = 90 units/s and b = 20 give at most 200.
 */
export const OKX_RATE: RateLimit = { limit: 90, intervalMs: 1000, burst: 20, name: 'public' };

/** Candles: 100 per page (history-candles' cap; `/market/candles` allows 300). */
export const OKX_OHLC_CAPABILITY: Capability = {
  maxPerRequest: 100,
  pageDirection: 'forward',
  spans: [...OKX_BARS.keys()],
  cost: okxCost('/market/history-candles'),
};

/**
 * Trades: 100 per page. `history-trades` is newest-first, but the adapter locates a window's first
 * trade id with one `type=2` (time) request and pages forward by id ranges, so pages come out ascending.
 */
export const OKX_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 100,
  pageDirection: 'forward',
  cost: okxCost('/market/history-trades'),
};
