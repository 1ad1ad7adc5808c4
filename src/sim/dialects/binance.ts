/**
 * Binance spot REST dialect (`/api/v3/*`): parameters, caps, orderings, error bodies and the
 * REQUEST_WEIGHT limit with `X-MBX-USED-WEIGHT-1M`, 429 and 418.
 *
 * @module
 */
import { BinanceWeightLimiter, type WindowUsage } from '../limits.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import {
  aggTrades,
  BINANCE_INTERVALS,
  type BinanceError,
  binanceTimeToUs,
  depth,
  klinesBody,
  trades,
} from './binance-data.js';
import { fixed } from './format.js';
import {
  type Dialect,
  type DialectContext,
  intParam,
  json,
  type SimRequest,
  type SimResponse,
} from './types.js';

const PREFIX = '/api/v3/';
const SYMBOL_RE = /^[A-Z0-9\-_.]{1,20}$/;

function err(status: number, code: number, msg: string): BinanceError {
  return [status, code, msg];
}

function mandatory(name: string): BinanceError {
  return err(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function illegal(name: string, range: string): BinanceError {
  return err(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`);
}

function depthWeight(limit: number): number {
  return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
}

/** Builds the Binance dialect. */
export function createBinanceDialect(ctx: DialectContext): Dialect {
  const { model } = ctx;
  // One counter per client IP, as Binance counts (all of a test's clients on 127.0.0.1 share one).
  const limiters = new Map<string, BinanceWeightLimiter>();
  const weightLimit = ctx.limits.weightPerWindow ?? 6000;
  const limiterOf = (ip: string): BinanceWeightLimiter => {
    let l = limiters.get(ip);
    if (l === undefined) {
      l = new BinanceWeightLimiter({
        limit: weightLimit,
        windowMs: 60_000 / ctx.limits.scale,
        firstBanMs: 120_000 / ctx.limits.scale,
      });
      limiters.set(ip, l);
    }
    return l;
  };

  const symbolOf = (q: URLSearchParams): SymbolMarket | BinanceError => {
    const id = q.get('symbol');
    if (id === null || id === '') return mandatory('symbol');
    if (!SYMBOL_RE.test(id)) return illegal('symbol', '^[A-Z0-9-_.]{1,20}$');
    return model.find(id) ?? err(400, -1121, 'Invalid symbol.');
  };

  const limitOf = (q: URLSearchParams, def: number, max: number): number | BinanceError => {
    const v = intParam(q, 'limit');
    if (v === undefined) return def;
    if (Number.isNaN(v)) return illegal('limit', '^[0-9]{1,20}$');
    if (v < 1) return err(400, -1130, "Data sent for parameter 'limit' is not valid.");
    return Math.min(v, max); // larger values are cut silently
  };

  const timeOf = (q: URLSearchParams, name: string): number | undefined | BinanceError => {
    const v = intParam(q, name);
    if (v !== undefined && (Number.isNaN(v) || v < 0)) return illegal(name, '^[0-9]{1,20}$');
    return v;
  };

  const weightOf = (path: string, q: URLSearchParams): number => {
    switch (path) {
      case 'klines':
      case 'uiKlines':
        return 2;
      case 'aggTrades':
        return 4;
      case 'trades':
      case 'historicalTrades':
        return 25;
      case 'depth': {
        const l = intParam(q, 'limit');
        return depthWeight(l === undefined || Number.isNaN(l) ? 100 : l);
      }
      case 'exchangeInfo':
        return 20;
      default:
        return 1;
    }
  };

  const exchangeInfo = (q: URLSearchParams): string | BinanceError => {
    let list = model.symbols;
    const one = q.get('symbol');
    const many = q.get('symbols');
    if (one) {
      const s = model.find(one);
      if (!s) return err(400, -1121, 'Invalid symbol.');
      list = [s];
    } else if (many) {
      let names: unknown;
      try {
        names = JSON.parse(many);
      } catch {
        return illegal('symbols', '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$');
      }
      if (!Array.isArray(names)) return illegal('symbols', '^\\[...\\]$');
      const found: SymbolMarket[] = [];
      for (const n of names) {
        const s = typeof n === 'string' ? model.find(n) : undefined;
        if (!s) return err(400, -1121, 'Invalid symbol.');
        found.push(s);
      }
      list = found;
    }
    const symbols = list.map((s) => {
      const sp = s.spec;
      return {
        symbol: sp.id,
        status: 'TRADING',
        baseAsset: sp.base,
        baseAssetPrecision: 8,
        quoteAsset: sp.quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        amendAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: fixed(1, sp.priceDecimals).padEnd(10, '0'),
            maxPrice: '1000000.00000000',
            tickSize: fixed(1, sp.priceDecimals).padEnd(10, '0'),
          },
          {
            filterType: 'LOT_SIZE',
            minQty: fixed(1, sp.sizeDecimals).padEnd(10, '0'),
            maxQty: '9000.00000000',
            stepSize: fixed(1, sp.sizeDecimals).padEnd(10, '0'),
          },
          {
            filterType: 'NOTIONAL',
            minNotional: '5.00000000',
            applyMinToMarket: true,
            maxNotional: '9000000.00000000',
            applyMaxToMarket: false,
            avgPriceMins: 5,
          },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      };
    });
    return JSON.stringify({
      timezone: 'UTC',
      serverTime: Math.floor(model.nowUs() / 1000),
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200_000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61_000 },
      ],
      exchangeFilters: [],
      symbols,
    });
  };

  const route = (path: string, q: URLSearchParams): string | Uint8Array | BinanceError => {
    switch (path) {
      case 'ping':
        return '{}';
      case 'time':
        return `{"serverTime":${Math.floor(model.nowUs() / 1000)}}`;
      case 'exchangeInfo':
        return exchangeInfo(q);
      case 'klines':
      case 'uiKlines': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const iv = q.get('interval');
        if (iv === null || iv === '') return mandatory('interval');
        const spanS = BINANCE_INTERVALS[iv];
        if (spanS === undefined) return err(400, -1120, 'Invalid interval.');
        const limit = limitOf(q, 500, 1000);
        if (Array.isArray(limit)) return limit;
        const start = timeOf(q, 'startTime');
        if (Array.isArray(start)) return start;
        const end = timeOf(q, 'endTime');
        if (Array.isArray(end)) return end;
        // Work in ms; µs inputs are floored to ms.
        const sMs = start === undefined ? undefined : Math.floor(binanceTimeToUs(start) / 1000);
        const eMs = end === undefined ? undefined : Math.floor(binanceTimeToUs(end) / 1000);
        if (sMs !== undefined && eMs !== undefined && sMs > eMs) return '[]';
        return klinesBody(s, spanS, sMs, eMs, limit);
      }
      case 'aggTrades': {
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
        if (start !== undefined && end !== undefined && start > end) return '[]';
        return aggTrades(s, fromId, start, end, limit);
      }
      case 'trades':
      case 'historicalTrades': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const limit = limitOf(q, 500, 1000);
        if (Array.isArray(limit)) return limit;
        const fromId = path === 'historicalTrades' ? timeOf(q, 'fromId') : undefined;
        if (Array.isArray(fromId)) return fromId;
        return trades(s, fromId, limit);
      }
      case 'depth': {
        const s = symbolOf(q);
        if (Array.isArray(s)) return s;
        const limit = limitOf(q, 100, 5000);
        if (Array.isArray(limit)) return limit;
        return depth(s, limit);
      }
      default:
        return err(404, -5000, `Path /api/v3/${path}, Method GET is invalid`);
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (!req.path.startsWith(PREFIX)) {
        return json(404, `{"code":-5000,"msg":"Path ${req.path}, Method ${req.method} is invalid"}`);
      }
      const path = req.path.slice(PREFIX.length);
      const headers: Record<string, string> = {};
      if (ctx.limits.enabled) {
        const limiter = limiterOf(req.ip ?? '');
        const d = limiter.charge(req.nowMs, weightOf(path, req.query));
        headers['x-mbx-used-weight'] = String(d.used);
        headers['x-mbx-used-weight-1m'] = String(d.used);
        if (d.kind === 'limited') {
          headers['retry-after'] = String(d.retryAfterS);
          return json(
            429,
            `{"code":-1003,"msg":"Too much request weight used; current limit is ${limiter.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."}`,
            headers,
          );
        }
        if (d.kind === 'banned') {
          headers['retry-after'] = String(d.retryAfterS);
          const until = Math.floor(req.nowMs + d.retryAfterS * 1000);
          return json(
            418,
            `{"code":-1003,"msg":"Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans."}`,
            headers,
          );
        }
      }
      const out = route(path, req.query);
      if (!Array.isArray(out)) return json(200, out, headers);
      return json(out[0], JSON.stringify({ code: out[1], msg: out[2] }), headers);
    },
    windowUsage() {
      const out: WindowUsage[] = [];
      for (const [ip, l] of limiters) for (const h of l.history()) out.push({ ip, ...h });
      return out.sort((a, b) => a.startMs - b.startMs || a.ip.localeCompare(b.ip));
    },
    serverError(status) {
      return json(
        status,
        '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}',
      );
    },
  };
}
