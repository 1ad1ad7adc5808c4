/**
 * What Binance spot offers: intervals, page sizes, request weights and the rate limit.
 *
 * @module
 */
import type { Capability } from '../../core/records.js';
import type { RateLimit, ReportedUsage } from '../../transport/rate-limit/types.js';

/** Binance interval string → seconds (`1M` is left out: months have no fixed length). */
export const BINANCE_INTERVALS: Readonly<Record<string, number>> = {
  '1s': 1,
  '1m': 60,
  '3m': 180,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '4h': 14_400,
  '6h': 21_600,
  '8h': 28_800,
  '12h': 43_200,
  '1d': 86_400,
  '3d': 259_200,
  '1w': 604_800,
};

/** Request weights of the endpoints the adapter calls. */
export const BINANCE_WEIGHTS = { klines: 2, aggTrades: 4, exchangeInfo: 20, time: 1 } as const;

/**
 * Requests in flight a Binance download keeps by default (candle windows, trade slices): enough that a
 * job fitting one window runs at the latency bound (16 pages per round trip) while the window allows it.
 */
export const BINANCE_MAX_IN_FLIGHT = 16;

/** Klines: 1000 per request, ascending, weight 2. */
export const BINANCE_OHLC_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  spans: Object.values(BINANCE_INTERVALS),
  cost: BINANCE_WEIGHTS.klines,
  inFlight: BINANCE_MAX_IN_FLIGHT,
};

/** aggTrades: 1000 per request, ascending by `fromId`, weight 4. */
export const BINANCE_TRADES_CAPABILITY: Capability = {
  maxPerRequest: 1000,
  pageDirection: 'forward',
  cost: BINANCE_WEIGHTS.aggTrades,
  inFlight: BINANCE_MAX_IN_FLIGHT,
};

/**
 * 6000 request weight per minute per IP, counted by Binance in fixed one-minute windows aligned to its
 * clock and reported on every response (`X-MBX-USED-WEIGHT-1M`, read by {@link readBinanceUsage}). The
 * limiter may spend the whole window at once and adopts the server's count when it is higher (another
 * program on the same IP). The margin of 60 weight (1 %) is kept for what cannot be seen in time: another
 * program's requests during one round trip, and requests that jitter across the minute's edge beyond the
 * round trip the limiter measured (those within it are counted in both windows anyway).
 */
export const BINANCE_RATE: RateLimit = {
  kind: 'fixed-window',
  limit: 6000,
  windowMs: 60_000,
  margin: 60,
  name: 'weight-1m',
};

/** The usage Binance reports on a response: `X-MBX-USED-WEIGHT-1M` as the `weight-1m` limit's count. */
export function readBinanceUsage(headers: Readonly<Record<string, string>>): ReportedUsage[] | undefined {
  const raw = headers['x-mbx-used-weight-1m'];
  if (raw === undefined || !/^\d{1,12}$/.test(raw.trim())) return undefined;
  return [{ name: 'weight-1m', used: Number(raw.trim()) }];
}

/** Seconds → Binance interval string, or `undefined`. */
export function binanceInterval(spanS: number): string | undefined {
  for (const [name, s] of Object.entries(BINANCE_INTERVALS)) if (s === spanS) return name;
  return undefined;
}
