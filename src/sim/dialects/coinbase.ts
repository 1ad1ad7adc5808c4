/**
 * Coinbase Exchange REST dialect: `/products`, `/products/{id}`, `/currencies`, `/time`,
 * `/products/{id}/candles|trades|book`. Errors are `{"message": ...}`; the public limit is a token
 * bucket of 10 requests/s with burst 15, answering 429.
 *
 * @module
 */
import { parseIsoNs } from '../../core/time.js';
import { TokenBucket } from '../limits.js';
import { type Agg, emptyAgg } from '../market/agg.js';
import { BOOK_TICK_US, type BookLevel, bookOf } from '../market/book.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { fixed, isoMicros, plain } from './format.js';
import {
  type Dialect,
  type DialectContext,
  intParam,
  json,
  type SimRequest,
  type SimResponse,
} from './types.js';

/** Candle granularities Coinbase accepts, seconds. */
export const COINBASE_GRANULARITIES: readonly number[] = [60, 300, 900, 3600, 21_600, 86_400];
/** Most candles one request may span (beyond: HTTP 400). */
export const COINBASE_MAX_CANDLES = 300;

type CbError = [status: number, message: string];

const CURRENCIES: Record<string, { name: string; type: string; min: string }> = {
  BTC: { name: 'Bitcoin', type: 'crypto', min: '0.00000001' },
  ETH: { name: 'Ethereum', type: 'crypto', min: '0.00000001' },
  ZEC: { name: 'Zcash', type: 'crypto', min: '0.00000001' },
  USD: { name: 'United States Dollar', type: 'fiat', min: '0.01' },
};

/** Parses `start`/`end`: ISO 8601 or Unix seconds. → epoch seconds (fractional), or NaN. */
function parseTime(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  try {
    return Number(parseIsoNs(v)) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** Builds the Coinbase Exchange dialect. */
export function createCoinbaseDialect(ctx: DialectContext): Dialect {
  const { model } = ctx;
  const bucket = new TokenBucket(10 * ctx.limits.scale, 15, ctx.nowMs);

  const product = (s: SymbolMarket) => {
    const sp = s.spec;
    return {
      id: sp.id,
      base_currency: sp.base,
      quote_currency: sp.quote,
      quote_increment: fixed(1, sp.priceDecimals),
      base_increment: fixed(1, sp.sizeDecimals),
      display_name: `${sp.base}/${sp.quote}`,
      min_market_funds: '1',
      margin_enabled: false,
      fx_stablecoin: false,
      max_slippage_percentage: '0.02000000',
      post_only: false,
      limit_only: false,
      cancel_only: false,
      trading_disabled: false,
      status: 'online',
      status_message: '',
      auction_mode: false,
      high_bid_limit_percentage: '',
    };
  };

  const currencies = () => {
    const ids = new Set<string>();
    for (const s of model.symbols) {
      ids.add(s.spec.base);
      ids.add(s.spec.quote);
    }
    return [...ids].map((id) => {
      const c = CURRENCIES[id] ?? { name: id, type: 'crypto', min: '0.00000001' };
      return {
        id,
        name: c.name,
        min_size: c.min,
        status: 'online',
        message: '',
        max_precision: c.min,
        convertible_to: [],
        details: {
          type: c.type,
          symbol: null,
          network_confirmations: c.type === 'crypto' ? 6 : 0,
          sort_order: 0,
          crypto_address_link: '',
          crypto_transaction_link: '',
          push_payment_methods: [],
          group_types: [],
          display_name: null,
          processing_time_seconds: null,
          min_withdrawal_amount: 0.0001,
          max_withdrawal_amount: 1000,
        },
        default_network: c.type === 'crypto' ? id.toLowerCase() : '',
        supported_networks: [],
        display_name: id,
      };
    });
  };

  const candleRow = (s: SymbolMarket, t: number, a: Agg): string => {
    const pd = s.spec.priceDecimals;
    return `[${t},${plain(a.low, pd)},${plain(a.high, pd)},${plain(a.open, pd)},${plain(a.close, pd)},${plain(a.volume, s.spec.sizeDecimals)}]`;
  };

  const candles = (s: SymbolMarket, q: URLSearchParams): string | CbError => {
    const g = intParam(q, 'granularity') ?? 60;
    if (!COINBASE_GRANULARITIES.includes(g)) return [400, 'Unsupported granularity'];
    const startQ = q.get('start');
    const endQ = q.get('end');
    const nowUs = s.nowUs();
    const nowS = Math.floor(nowUs / 1e6);
    let first: number;
    let last: number; // bucket open times, seconds, inclusive
    if (startQ && endQ) {
      const start = parseTime(startQ);
      const end = parseTime(endQ);
      if (Number.isNaN(start)) return [400, 'Invalid start'];
      if (Number.isNaN(end)) return [400, 'Invalid end'];
      if ((end - start) / g > COINBASE_MAX_CANDLES) {
        return [
          400,
          'granularity too small for the requested time range. Count of aggregations requested exceeds 300',
        ];
      }
      if (end < start) return '[]';
      first = Math.floor(start / g) * g;
      last = Math.floor(end / g) * g;
    } else {
      last = Math.floor(nowS / g) * g;
      first = last - (COINBASE_MAX_CANDLES - 1) * g;
    }
    last = Math.min(last, Math.floor(nowS / g) * g);
    const rows: string[] = [];
    const gm = g / 60;
    if (g === 60) {
      const a = emptyAgg();
      for (let t = last; t >= first; t -= g) {
        s.minuteAgg(t / 60, a, nowUs);
        if (a.count > 0) rows.push(candleRow(s, t, a));
      }
    } else {
      for (let t = last; t >= first; t -= g) {
        const a = s.rangeAgg(t / 60, t / 60 + gm, nowUs);
        if (a.count > 0) rows.push(candleRow(s, t, a));
      }
    }
    return `[${rows.join(',')}]`;
  };

  const tradeRow = (s: SymbolMarket, t: SimTrade): string =>
    `{"trade_id":${t.id},"side":"${t.buy ? 'sell' : 'buy'}","size":"${fixed(t.size, s.spec.sizeDecimals)}","price":"${fixed(t.price, s.spec.priceDecimals)}","time":"${isoMicros(t.us)}"}`;

  const tradesOf = (
    s: SymbolMarket,
    q: URLSearchParams,
    headers: Record<string, string>,
  ): string | CbError => {
    let limit = intParam(q, 'limit') ?? 1000;
    if (Number.isNaN(limit) || limit < 1) return [400, 'Invalid limit'];
    limit = Math.min(limit, 1000);
    const after = intParam(q, 'after');
    const before = intParam(q, 'before');
    if (Number.isNaN(after ?? 0) || Number.isNaN(before ?? 0)) return [400, 'Invalid cursor'];
    let ts: SimTrade[];
    if (after !== undefined) ts = s.backward({ toId: after - 1, limit });
    else if (before !== undefined) ts = s.forward({ fromId: before + 1, limit });
    else ts = s.backward({ limit });
    ts.reverse(); // newest first
    if (ts.length > 0) {
      headers['cb-before'] = String(ts[0]!.id);
      headers['cb-after'] = String(ts[ts.length - 1]!.id);
    }
    return `[${ts.map((t) => tradeRow(s, t)).join(',')}]`;
  };

  const book = (s: SymbolMarket, q: URLSearchParams): string | CbError => {
    const level = intParam(q, 'level') ?? 1;
    if (level !== 1 && level !== 2 && level !== 3) return [400, 'Invalid level'];
    const b = bookOf(s);
    const st = b.at(b.currentTick());
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    const n = level === 1 ? 1 : Number.POSITIVE_INFINITY;
    // Level 2: [price, size, num_orders]; level 3: one order per level, [price, size, order_id].
    const row = ([p, q]: BookLevel) =>
      `["${fixed(p, pd)}","${fixed(q, sd)}",${level === 3 ? `"${p.toString(16).padStart(8, '0')}-0000-4000-8000-${String(st.tick).padStart(12, '0').slice(-12)}"` : 1 + (p % 3)}]`;
    const bids = st.bids.slice(0, n).map(row);
    const asks = st.asks.slice(0, n).map(row);
    return `{"bids":[${bids.join(',')}],"asks":[${asks.join(',')}],"sequence":${st.updateId},"auction_mode":false,"auction":null,"time":"${isoMicros(st.tick * BOOK_TICK_US)}"}`;
  };

  const route = (path: string, q: URLSearchParams, headers: Record<string, string>): string | CbError => {
    if (path === '/time') {
      const us = model.nowUs();
      return `{"iso":"${new Date(Math.floor(us / 1000)).toISOString()}","epoch":${(us / 1e6).toFixed(3)}}`;
    }
    if (path === '/products') return JSON.stringify(model.symbols.map(product));
    if (path === '/currencies') return JSON.stringify(currencies());
    const m = /^\/products\/([^/]+)(?:\/(candles|trades|book|ticker|stats))?$/.exec(path);
    if (!m) return [404, 'NotFound'];
    const s = model.find(decodeURIComponent(m[1]!).toUpperCase());
    if (!s || s.spec.id !== decodeURIComponent(m[1]!).toUpperCase()) return [404, 'NotFound'];
    switch (m[2]) {
      case undefined:
        return JSON.stringify(product(s));
      case 'candles':
        return candles(s, q);
      case 'trades':
        return tradesOf(s, q, headers);
      case 'book':
        return book(s, q);
      default:
        return [404, 'NotFound'];
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (ctx.limits.enabled && bucket.take(req.nowMs) > 0) {
        return json(429, '{"message":"Public rate limit exceeded"}');
      }
      const headers: Record<string, string> = {};
      const out = route(req.path, req.query, headers);
      if (typeof out === 'string') return json(200, out, headers);
      return json(out[0], JSON.stringify({ message: out[1] }));
    },
    serverError(status) {
      return json(status, '{"message":"Internal server error"}');
    },
  };
}
