/**
 * Bybit v5 REST dialect (`/v5/market/*`) for `bybit` (category `spot`) and `bybit-linear` (category
 * `linear`): the `{retCode, retMsg, result, retExtInfo, time}` envelope with HTTP 200 for errors too,
 * page caps, newest-first lists with inclusive ends, `endTime` required with `startTime` on funding,
 * open interest paged by `nextPageCursor`, instruments paged by `cursor` on linear, and the IP limit:
 * 600 requests per fixed 5 s window per client address, HTTP 403 "access too frequent" and a 10-minute
 * ban when exceeded. Other categories answer empty instrument lists (clients such as ccxt ask for all).
 *
 * @module
 */
import { BybitIpLimiter } from '../limits.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import {
  BYBIT_SIM_INTERVALS,
  BYBIT_SIM_OI,
  decodeOiCursor,
  fundingResult,
  instrument,
  klineResult,
  type MsRange,
  openInterestResult,
  priceKlineResult,
  recentTradeResult,
} from './bybit-data.js';
import {
  type Dialect,
  type DialectContext,
  intParam,
  json,
  type SimRequest,
  type SimResponse,
} from './types.js';

const PREFIX = '/v5/market/';

/** An error answer: `retCode`, `retMsg`. */
type Fail = { fail: [number, string] };

function fail(code: number, msg: string): Fail {
  return { fail: [code, msg] };
}

function isFail(x: unknown): x is Fail {
  return typeof x === 'object' && x !== null && 'fail' in x;
}

/** Builds the Bybit dialect of `exchange`. */
export function createBybitDialect(ctx: DialectContext, exchange: 'bybit' | 'bybit-linear'): Dialect {
  const { model } = ctx;
  const category = exchange === 'bybit' ? 'spot' : 'linear';
  const limiter = new BybitIpLimiter({
    windowMs: 5000 / ctx.limits.scale,
    banMs: 600_000 / ctx.limits.scale,
  });

  const envelope = (result: object, code = 0, msg = 'OK'): string =>
    JSON.stringify({
      retCode: code,
      retMsg: msg,
      result,
      retExtInfo: {},
      time: Math.floor(model.nowUs() / 1000),
    });

  const categoryOf = (q: URLSearchParams, def: string | undefined): string | Fail => {
    const c = q.get('category') ?? def;
    if (c === undefined || c === '') return fail(10001, 'params error: category is required');
    if (!['spot', 'linear', 'inverse', 'option'].includes(c))
      return fail(10001, `params error: invalid category ${c}`);
    return c;
  };

  const symbolOf = (q: URLSearchParams, cat: string): SymbolMarket | Fail => {
    const id = q.get('symbol');
    if (id === null || id === '') return fail(10001, 'params error: symbol is required');
    const s = cat === category ? model.find(id.toUpperCase()) : undefined;
    return s ?? fail(10001, 'params error: Symbol Is Invalid');
  };

  const num = (q: URLSearchParams, name: string): number | undefined | Fail => {
    const v = intParam(q, name);
    if (v !== undefined && (Number.isNaN(v) || v < 0)) return fail(10001, `params error: ${name} is invalid`);
    return v;
  };

  const limitOf = (q: URLSearchParams, def: number, max: number): number | Fail => {
    const v = intParam(q, 'limit');
    if (v === undefined) return def;
    if (Number.isNaN(v) || v < 1) return fail(10001, 'params error: limit is invalid');
    return Math.min(v, max);
  };

  const range = (q: URLSearchParams, s: string, e: string, def: number, max: number): MsRange | Fail => {
    const startMs = num(q, s);
    if (isFail(startMs)) return startMs;
    const endMs = num(q, e);
    if (isFail(endMs)) return endMs;
    const limit = limitOf(q, def, max);
    if (isFail(limit)) return limit;
    return { startMs, endMs, limit };
  };

  const route = (path: string, q: URLSearchParams): object | Fail => {
    switch (path) {
      case 'time': {
        const us = model.nowUs();
        return { timeSecond: String(Math.floor(us / 1e6)), timeNano: `${BigInt(us) * 1000n}` };
      }
      case 'instruments-info': {
        const cat = categoryOf(q, undefined);
        if (isFail(cat)) return cat;
        if (cat !== category) return { category: cat, list: [], nextPageCursor: '' };
        const one = q.get('symbol');
        let list = model.symbols;
        if (one) list = list.filter((s) => s.spec.id === one.toUpperCase());
        if (category === 'spot') return { category, list: list.map((s) => instrument(s, 'spot')) };
        // Linear pages: `limit` (default 500, max 1000) from the offset the cursor names.
        const limit = limitOf(q, 500, 1000);
        if (isFail(limit)) return limit;
        const c = q.get('cursor');
        const offset = c
          ? Number(/^offset=(\d{1,6})$/.exec(Buffer.from(c, 'base64url').toString())?.[1] ?? Number.NaN)
          : 0;
        if (Number.isNaN(offset)) return fail(10001, 'params error: cursor is invalid');
        const page = list.slice(offset, offset + limit);
        const next =
          offset + limit < list.length ? Buffer.from(`offset=${offset + limit}`).toString('base64url') : '';
        return { category, list: page.map((s) => instrument(s, 'linear')), nextPageCursor: next };
      }
      case 'kline':
      case 'mark-price-kline':
      case 'index-price-kline':
      case 'premium-index-price-kline': {
        const cat = categoryOf(q, 'linear');
        if (isFail(cat)) return cat;
        if (path !== 'kline' && cat === 'spot')
          return fail(10001, 'params error: category only support linear or inverse');
        const s = symbolOf(q, cat);
        if (isFail(s)) return s;
        const iv = q.get('interval');
        const spanMin = iv === null ? undefined : BYBIT_SIM_INTERVALS[iv];
        if (spanMin === undefined) return fail(10001, 'params error: Interval Is Invalid');
        const r = range(q, 'start', 'end', 200, 1000);
        if (isFail(r)) return r;
        if (path === 'kline') return klineResult(cat, s, spanMin, r);
        const price =
          path === 'mark-price-kline' ? 'mark' : path === 'index-price-kline' ? 'index' : 'premium';
        return priceKlineResult(price, s, spanMin, r);
      }
      case 'recent-trade': {
        const cat = categoryOf(q, undefined);
        if (isFail(cat)) return cat;
        const s = symbolOf(q, cat);
        if (isFail(s)) return s;
        const limit = cat === 'spot' ? limitOf(q, 60, 60) : limitOf(q, 500, 1000);
        if (isFail(limit)) return limit;
        return recentTradeResult(exchange, cat, s, limit);
      }
      case 'funding/history': {
        const cat = categoryOf(q, undefined);
        if (isFail(cat)) return cat;
        if (cat === 'spot') return fail(10001, 'params error: category only support linear or inverse');
        const s = symbolOf(q, cat);
        if (isFail(s)) return s;
        const r = range(q, 'startTime', 'endTime', 200, 200);
        if (isFail(r)) return r;
        if (r.startMs !== undefined && r.endMs === undefined) {
          return fail(10001, 'params error: endTime is required when startTime is passed');
        }
        return fundingResult(s, r);
      }
      case 'open-interest': {
        const cat = categoryOf(q, undefined);
        if (isFail(cat)) return cat;
        if (cat === 'spot') return fail(10001, 'params error: category only support linear or inverse');
        const s = symbolOf(q, cat);
        if (isFail(s)) return s;
        const it = q.get('intervalTime') ?? '';
        const periodS = BYBIT_SIM_OI[it];
        if (periodS === undefined) return fail(10001, 'params error: intervalTime is invalid');
        const r = range(q, 'startTime', 'endTime', 50, 200);
        if (isFail(r)) return r;
        const c = q.get('cursor');
        const cursorEnd = c ? decodeOiCursor(c) : undefined;
        if (c && cursorEnd === undefined) return fail(10001, 'params error: cursor is invalid');
        return openInterestResult(s, periodS, r, cursorEnd);
      }
      default:
        return fail(404, 'Not Found');
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (ctx.limits.enabled) {
        const d = limiter.charge(req.ip ?? '', req.nowMs);
        if (d.kind === 'banned') {
          return json(403, 'access too frequent', { 'content-type': 'text/plain; charset=utf-8' });
        }
      }
      if (!req.path.startsWith(PREFIX)) return json(404, '{"retCode":10001,"retMsg":"Not Found"}');
      const out = route(req.path.slice(PREFIX.length), req.query);
      if (isFail(out)) {
        if (out.fail[0] === 404) return json(404, '{"retCode":10001,"retMsg":"Not Found"}');
        return json(200, envelope({}, out.fail[0], out.fail[1]));
      }
      return json(200, envelope(out));
    },
    serverError(status) {
      return json(status, '{"retCode":10016,"retMsg":"Internal server error.","result":{},"retExtInfo":{}}');
    },
  };
}
