/**
 * Binance USDⓈ-M futures REST dialect (`/fapi/v1/*`, `/futures/data/*`) over the shared market and
 * derivatives model: klines and mark/index/premium-index klines (index by `pair`), aggTrades with the
 * futures rule (a `startTime`–`endTime` span over an hour is refused with -1127), funding history,
 * open-interest history (the last 30 days only), depth, exchangeInfo, time. Limits as on the exchange:
 * 2,400 request weight per minute per IP with weights by `limit` (429, then 418 bans), and the separate
 * budgets of `fundingRate` (500 / 5 min) and `openInterestHist` (1,000 / 5 min). Error bodies are
 * Binance's `{"code":..,"msg":..}`.
 *
 * @module
 */
import { BinanceWeightLimiter } from '../limits.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import {
  aggTrades,
  BINANCE_INTERVALS,
  type BinanceError,
  depth,
  klinesBody,
  trades,
} from './binance-data.js';
import { binanceErr, binanceParams, mandatory } from './binance-params.js';
import { usdmExchangeInfo, usdmFunding, usdmOpenInterest, usdmPriceKlines } from './binance-usdm-data.js';
import {
  type Dialect,
  type DialectContext,
  intParam,
  json,
  type SimRequest,
  type SimResponse,
} from './types.js';

const OI_PERIODS: Readonly<Record<string, number>> = {
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '4h': 14_400,
  '6h': 21_600,
  '12h': 43_200,
  '1d': 86_400,
};
/** How far back `openInterestHist` serves, ms. */
const OI_HISTORY_MS = 30 * 86_400_000;
const HOUR_MS = 3_600_000;

const err = binanceErr;

/** Kline weight by `limit` (default 500). */
function klineWeight(limit: number): number {
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

function depthWeight(limit: number): number {
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
}

type Budget = 'weight' | 'funding' | 'oi';

/** Builds the Binance USDⓈ-M dialect. */
export function createBinanceUsdmDialect(ctx: DialectContext): Dialect {
  const { model } = ctx;
  const scale = ctx.limits.scale;
  // Scaled limits shorten the bans too (2 minutes at scale 1), so a scaled test can live through one.
  const ban = { firstBanMs: 120_000 / scale };
  const limiters: Record<Budget, BinanceWeightLimiter> = {
    weight: new BinanceWeightLimiter({ limit: 2400, windowMs: 60_000 / scale, ...ban }),
    funding: new BinanceWeightLimiter({ limit: 500, windowMs: 300_000 / scale, ...ban }),
    oi: new BinanceWeightLimiter({ limit: 1000, windowMs: 300_000 / scale, ...ban }),
  };

  const { symbolOf, limitOf, timeOf } = binanceParams(model);
  const nowMs = () => Math.floor(model.nowUs() / 1000);

  /** Which budget a path charges, and how much. */
  const costOf = (path: string, q: URLSearchParams): [Budget, number] => {
    const l = intParam(q, 'limit');
    const limit = l === undefined || Number.isNaN(l) ? undefined : l;
    switch (path) {
      case '/fapi/v1/klines':
      case '/fapi/v1/markPriceKlines':
      case '/fapi/v1/indexPriceKlines':
      case '/fapi/v1/premiumIndexKlines':
        return ['weight', klineWeight(limit ?? 500)];
      case '/fapi/v1/aggTrades':
        return ['weight', 20];
      case '/fapi/v1/trades':
        return ['weight', 5];
      case '/fapi/v1/historicalTrades':
        return ['weight', 20];
      case '/fapi/v1/depth':
        return ['weight', depthWeight(limit ?? 500)];
      case '/fapi/v1/fundingRate':
        return ['funding', 1];
      case '/futures/data/openInterestHist':
        return ['oi', 1];
      default:
        return ['weight', 1];
    }
  };

  const klinesRoute = (path: string, q: URLSearchParams): string | Uint8Array | BinanceError => {
    const byPair = path === '/fapi/v1/indexPriceKlines';
    const s = symbolOf(q, byPair ? 'pair' : 'symbol');
    if (Array.isArray(s)) return s;
    const iv = q.get('interval');
    if (iv === null || iv === '') return mandatory('interval');
    const spanS = BINANCE_INTERVALS[iv];
    if (spanS === undefined || spanS === 1) return err(400, -1120, 'Invalid interval.');
    const limit = limitOf(q, 500, 1500);
    if (Array.isArray(limit)) return limit;
    const start = timeOf(q, 'startTime');
    if (Array.isArray(start)) return start;
    const end = timeOf(q, 'endTime');
    if (Array.isArray(end)) return end;
    if (start !== undefined && end !== undefined && start > end) return '[]';
    if (path === '/fapi/v1/klines') return klinesBody(s, spanS, start, end, limit);
    if (spanS === 0) return err(400, -1120, 'Invalid interval.'); // calendar months: last price only here
    const price = path === '/fapi/v1/markPriceKlines' ? 'mark' : byPair ? 'index' : 'premium';
    return usdmPriceKlines(s, price, spanS, start, end, limit);
  };

  const route = (path: string, q: URLSearchParams): string | Uint8Array | BinanceError => {
    switch (path) {
      case '/fapi/v1/ping':
        return '{}';
      case '/fapi/v1/time':
        return `{"serverTime":${nowMs()}}`;
      case '/fapi/v1/exchangeInfo':
        return usdmExchangeInfo(model.symbols, nowMs(), limiters.weight.limit);
      case '/fapi/v1/klines':
      case '/fapi/v1/markPriceKlines':
      case '/fapi/v1/indexPriceKlines':
      case '/fapi/v1/premiumIndexKlines':
        return klinesRoute(path, q);
      case '/fapi/v1/aggTrades': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const limit = limitOf(q, 500, 1000);
        if (Array.isArray(limit)) return limit;
        const fromId = timeOf(q, 'fromId');
        if (Array.isArray(fromId)) return fromId;
        const start = timeOf(q, 'startTime');
        if (Array.isArray(start)) return start;
        const end = timeOf(q, 'endTime');
        if (Array.isArray(end)) return end;
        if (start !== undefined && end !== undefined) {
          if (start > end) return '[]';
          // The doc says "less than one hour"; ccxt sends exactly an hour and is served.
          if (end - start > HOUR_MS) {
            return err(400, -1127, 'More than 1 hours between startTime and endTime.');
          }
        }
        return aggTrades(s, fromId, start, end, limit);
      }
      case '/fapi/v1/trades': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const limit = limitOf(q, 500, 1000);
        if (Array.isArray(limit)) return limit;
        return trades(s, undefined, limit);
      }
      case '/fapi/v1/depth': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const limit = limitOf(q, 500, 1000);
        if (Array.isArray(limit)) return limit;
        return depth(s, limit);
      }
      case '/fapi/v1/fundingRate': {
        const limit = limitOf(q, 100, 1000);
        if (Array.isArray(limit)) return limit;
        const start = timeOf(q, 'startTime');
        if (Array.isArray(start)) return start;
        const end = timeOf(q, 'endTime');
        if (Array.isArray(end)) return end;
        const from = start ?? 0;
        const to = end ?? nowMs();
        if (from > to) return '[]';
        let list: SymbolMarket[] = [...model.symbols];
        if (q.get('symbol') !== null) {
          const s = symbolOf(q);
          if (Array.isArray(s)) return s;
          list = [s];
        }
        // Ascending; more rows than `limit` in the range: the first `limit` from startTime (the newest
        // `limit` when only endTime, or nothing, is given).
        const rows = list.flatMap((s) => usdmFunding(s, from, to, limit, start === undefined));
        rows.sort((a, b) => a.us - b.us);
        const picked =
          start === undefined ? rows.slice(Math.max(0, rows.length - limit)) : rows.slice(0, limit);
        return `[${picked.map((r) => r.row).join(',')}]`;
      }
      case '/futures/data/openInterestHist': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const p = q.get('period');
        if (p === null || p === '') return mandatory('period');
        const periodS = OI_PERIODS[p];
        if (periodS === undefined) return err(400, -1130, "Data sent for parameter 'period' is not valid.");
        const limit = limitOf(q, 30, 500);
        if (Array.isArray(limit)) return limit;
        const start = timeOf(q, 'startTime');
        if (Array.isArray(start)) return start;
        const end = timeOf(q, 'endTime');
        if (Array.isArray(end)) return end;
        const now = nowMs();
        const oldest = now - OI_HISTORY_MS;
        if (start !== undefined && start < oldest) {
          return err(400, -1130, "Data sent for parameter 'startTime' is not valid.");
        }
        const to = Math.min(end ?? now, now);
        const from = start ?? oldest;
        if (from > to) return '[]';
        return usdmOpenInterest(s, periodS, from, to, limit, start === undefined);
      }
      default:
        return err(404, -5000, `Path ${path}, Method GET is invalid`);
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (!req.path.startsWith('/fapi/v1/') && !req.path.startsWith('/futures/data/')) {
        return json(404, `{"code":-5000,"msg":"Path ${req.path}, Method ${req.method} is invalid"}`);
      }
      const headers: Record<string, string> = {};
      if (ctx.limits.enabled) {
        const [budget, cost] = costOf(req.path, req.query);
        const limiter = limiters[budget];
        const d = limiter.charge(req.nowMs, cost);
        headers['x-mbx-used-weight-1m'] = String(limiters.weight.used(req.nowMs));
        if (d.kind === 'limited') {
          headers['retry-after'] = String(d.retryAfterS);
          const per = budget === 'weight' ? 'request weight per 1 MINUTE' : 'requests per 5 MINUTE';
          return json(
            429,
            `{"code":-1003,"msg":"Too many requests; current limit is ${limiter.limit} ${per}. Please use the websocket for live updates to avoid polling the API."}`,
            headers,
          );
        }
        if (d.kind === 'banned') {
          headers['retry-after'] = String(d.retryAfterS);
          const until = Math.floor(req.nowMs + d.retryAfterS * 1000);
          return json(
            418,
            `{"code":-1003,"msg":"Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans."}`,
            headers,
          );
        }
      }
      const out = route(req.path, req.query);
      if (!Array.isArray(out)) return json(200, out, headers);
      return json(out[0], JSON.stringify({ code: out[1], msg: out[2] }), headers);
    },
    serverError(status) {
      return json(
        status,
        '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}',
      );
    },
  };
}
