/**
 * OKX v5 REST dialect (`/api/v5/*`) for spot (`BTC-USDT`) and linear swaps (`BTC-USDT-SWAP`): the
 * `{"code","msg","data"}` envelope with string numbers, newest-first pages with exclusive `after`/`before`,
 * page caps (candles 300, history endpoints 100), the newest-1,440-bars rule of the recent candle
 * endpoints, three months of trades and funding, and the per-endpoint limits per client address in fixed
 * 2-second windows: `50011` with HTTP 429 on `/market/*`, with HTTP 200 on `/public/*` and `/rubik/*`
 * (OKX documents both forms).
 *
 * @module
 */
import { type DerivedPrice, derivativesOf } from '../market/derivatives.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import { fixed } from './format.js';
import {
  type Bounds,
  candleRows,
  contractDecimals,
  fundingRows,
  historyTrades,
  markState,
  okxBar,
  openInterestRows,
  priceRows,
  recentFloor,
} from './okx-data.js';
import { OkxWindowLimiter } from './okx-limits.js';
import { type Dialect, type DialectContext, json, type SimRequest, type SimResponse } from './types.js';

const PREFIX = '/api/v5';

/** An error answer: HTTP status, OKX code, message. */
type OkxError = [status: number, code: string, msg: string];

function isError(x: unknown): x is OkxError {
  return Array.isArray(x) && x.length === 3 && typeof x[1] === 'string';
}

function ok(rows: string[]): string {
  return `{"code":"0","msg":"","data":[${rows.join(',')}]}`;
}

function body(e: OkxError): string {
  return JSON.stringify({ code: e[1], msg: e[2], data: [] });
}

const empty = (name: string): OkxError => [400, '50014', `Parameter ${name} can not be empty.`];
const paramError = (name: string): OkxError => [400, '51000', `Parameter ${name} error`];
const noInstrument: OkxError = [200, '51001', "Instrument ID doesn't exist."];

/** Builds the OKX dialect. */
export function createOkxDialect(ctx: DialectContext): Dialect {
  const { model } = ctx;
  const limiter = new OkxWindowLimiter(2000 / ctx.limits.scale);

  const int = (q: URLSearchParams, name: string): number | undefined | OkxError => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!/^\d{1,20}$/.test(v)) return paramError(name);
    return Number(v);
  };

  const limitOf = (q: URLSearchParams, def: number, max: number): number | OkxError => {
    const v = int(q, 'limit');
    if (isError(v)) return v;
    if (v === undefined) return def;
    if (v < 1) return paramError('limit');
    return Math.min(v, max);
  };

  const instOf = (q: URLSearchParams, swapOnly = false): SymbolMarket | OkxError => {
    const id = q.get('instId');
    if (id === null || id === '') return empty('instId');
    const s = model.find(id);
    if (!s || (swapOnly && s.spec.type !== 'perpetual')) return noInstrument;
    return s;
  };

  /** An index id (`BTC-USDT`) → the swap whose derivatives model prices it. */
  const indexOf = (q: URLSearchParams): SymbolMarket | OkxError => {
    const id = q.get('instId');
    if (id === null || id === '') return empty('instId');
    const s = model.find(`${id}-SWAP`);
    return s && s.spec.type === 'perpetual' ? s : noInstrument;
  };

  const bounds = (q: URLSearchParams, limit: number): Bounds | OkxError => {
    const after = int(q, 'after');
    if (isError(after)) return after;
    const before = int(q, 'before');
    if (isError(before)) return before;
    return {
      afterMs: after ?? Number.POSITIVE_INFINITY,
      beforeMs: before ?? Number.NEGATIVE_INFINITY,
      limit,
    };
  };

  const instruments = (q: URLSearchParams): string | OkxError => {
    const type = q.get('instType');
    if (type === null || type === '') return empty('instType');
    if (!['SPOT', 'SWAP', 'FUTURES', 'MARGIN', 'OPTION'].includes(type)) return paramError('instType');
    const only = q.get('instId');
    const want = type === 'SWAP' ? 'perpetual' : type === 'SPOT' ? 'spot' : undefined;
    const rows = model.symbols
      .filter((s) => want !== undefined && (s.spec.type ?? 'spot') === want && (!only || s.spec.id === only))
      .map((s) => {
        const sp = s.spec;
        const tick = fixed(1, sp.priceDecimals);
        const swap = sp.type === 'perpetual';
        const lot = fixed(1, swap ? contractDecimals(s) : sp.sizeDecimals);
        const family = `${sp.base}-${sp.quote}`;
        return JSON.stringify({
          alias: '',
          baseCcy: swap ? '' : sp.base,
          category: '1',
          ctMult: swap ? '1' : '',
          ctType: swap ? 'linear' : '',
          ctVal: swap ? String(sp.contractSize ?? 1) : '',
          ctValCcy: swap ? sp.base : '',
          expTime: '',
          instFamily: swap ? family : '',
          instId: sp.id,
          instType: type,
          lever: swap ? '100' : '10',
          listTime: '1606468572000',
          lotSz: lot,
          maxIcebergSz: '9999999999',
          maxLmtSz: '9999999999',
          maxMktSz: swap ? '12000' : '1000000',
          maxStopSz: '1000000',
          maxTwapSz: '9999999999',
          maxTriggerSz: '9999999999',
          minSz: lot,
          optType: '',
          quoteCcy: swap ? '' : sp.quote,
          ruleType: 'normal',
          settleCcy: swap ? sp.quote : '',
          state: 'live',
          stk: '',
          tickSz: tick,
          uly: swap ? family : '',
        });
      });
    return ok(rows);
  };

  const candles = (q: URLSearchParams, path: string): string | OkxError => {
    const recent = !path.includes('history-');
    const what: 'trade' | DerivedPrice = path.includes('mark-price')
      ? 'mark'
      : path.includes('index')
        ? 'index'
        : 'trade';
    const s = what === 'index' ? indexOf(q) : instOf(q, what === 'mark');
    if (isError(s)) return s;
    const bar = okxBar(q.get('bar') || '1m');
    if (!bar) return paramError('bar');
    const limit = limitOf(q, 100, recent && what === 'trade' ? 300 : 100);
    if (isError(limit)) return limit;
    const b = bounds(q, limit);
    if (isError(b)) return b;
    const floor = recent ? recentFloor(s, bar.spanS, bar.offsetS) : Number.NEGATIVE_INFINITY;
    const rows =
      what === 'trade'
        ? candleRows(s, bar.spanS, bar.offsetS, b, floor)
        : priceRows(s, what, bar.spanS, bar.offsetS, b, floor);
    return ok(rows);
  };

  const trades = (q: URLSearchParams, history: boolean): string | OkxError => {
    const s = instOf(q);
    if (isError(s)) return s;
    if (!history) {
      const limit = limitOf(q, 100, 500);
      if (isError(limit)) return limit;
      return ok(historyTrades(s, 1, undefined, undefined, limit));
    }
    const limit = limitOf(q, 100, 100);
    if (isError(limit)) return limit;
    const typeText = q.get('type') || '1';
    if (typeText !== '1' && typeText !== '2') return paramError('type');
    const after = int(q, 'after');
    if (isError(after)) return after;
    const before = int(q, 'before');
    if (isError(before)) return before;
    // By time, only `after` is supported.
    if (typeText === '2' && before !== undefined) return paramError('before');
    return ok(historyTrades(s, typeText === '2' ? 2 : 1, after, before, limit));
  };

  const funding = (q: URLSearchParams): string | OkxError => {
    const s = instOf(q, true);
    if (isError(s)) return s;
    const limit = limitOf(q, 100, 100);
    if (isError(limit)) return limit;
    const b = bounds(q, limit);
    if (isError(b)) return b;
    return ok(fundingRows(s, b));
  };

  const fundingNow = (q: URLSearchParams): string | OkxError => {
    const s = instOf(q, true);
    if (isError(s)) return s;
    const nowUs = s.nowUs();
    const st = markState(s, nowUs);
    const next = st.nextFundingUs / 1000;
    return ok([
      JSON.stringify({
        fundingRate: st.rateText,
        fundingTime: String(next),
        instId: s.spec.id,
        instType: 'SWAP',
        method: 'current_period',
        nextFundingRate: '',
        nextFundingTime: String(next + derivativesOf(s).fundingIntervalH * 3_600_000),
        ts: String(Math.floor(nowUs / 1000)),
      }),
    ]);
  };

  const openInterest = (q: URLSearchParams): string | OkxError => {
    const s = instOf(q, true);
    if (isError(s)) return s;
    const bar = okxBar(q.get('period') || '5m');
    if (!bar || bar.spanS < 300 || bar.spanS > 86_400) return paramError('period');
    const limit = limitOf(q, 100, 100);
    if (isError(limit)) return limit;
    const begin = int(q, 'begin');
    if (isError(begin)) return begin;
    const end = int(q, 'end');
    if (isError(end)) return end;
    return ok(openInterestRows(s, bar.spanS, bar.offsetS, begin, end, limit));
  };

  const route = (path: string, q: URLSearchParams): string | OkxError => {
    switch (path) {
      case '/public/time':
        return ok([`{"ts":"${Math.floor(model.nowUs() / 1000)}"}`]);
      case '/public/instruments':
        return instruments(q);
      case '/market/candles':
      case '/market/history-candles':
      case '/market/mark-price-candles':
      case '/market/history-mark-price-candles':
      case '/market/index-candles':
      case '/market/history-index-candles':
        return candles(q, path);
      case '/market/trades':
        return trades(q, false);
      case '/market/history-trades':
        return trades(q, true);
      case '/public/funding-rate-history':
        return funding(q);
      case '/public/funding-rate':
        return fundingNow(q);
      case '/rubik/stat/contracts/open-interest-history':
        return openInterest(q);
      default:
        return [404, '50030', `Illegal request: ${PREFIX}${path}`];
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (!req.path.startsWith(`${PREFIX}/`)) return json(404, body([404, '50030', 'Not found']));
      const path = req.path.slice(PREFIX.length);
      if (ctx.limits.enabled && !limiter.allow(req.nowMs, req.ip ?? '', path, req.query.get('instId'))) {
        if (path.startsWith('/market/')) {
          return { ...json(429, '{"msg":"Too Many Requests","code":"50011"}'), throttled: true };
        }
        const msg =
          'Rate limit reached. Please refer to API documentation and throttle requests accordingly.';
        return { ...json(200, body([200, '50011', msg])), throttled: true };
      }
      const out = route(path, req.query);
      return isError(out) ? json(out[0], body(out)) : json(200, out);
    },
    serverError(status) {
      return json(
        status,
        body([status, '50001', 'Service temporarily unavailable. Please try again later.']),
      );
    },
  };
}
