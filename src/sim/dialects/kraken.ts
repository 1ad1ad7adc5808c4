/**
 * Kraken spot REST dialect (`/0/public/*`): Time, Assets, AssetPairs, OHLC (latest 720 bars + the
 * open one), Trades (`since` in ns or s, `last` in ns, pages overlapping at the edge), Depth. Every
 * answer is HTTP 200 `{"error":[...],"result":...}`; the public throttle answers
 * `EGeneral:Too many requests` after a burst.
 *
 * @module
 */
import { TokenBucket } from '../limits.js';
import { BOOK_TICK_US, type BookLevel, bookOf } from '../market/book.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { fixed, secondsMicros } from './format.js';
import {
  type Dialect,
  type DialectContext,
  intParam,
  json,
  type SimRequest,
  type SimResponse,
} from './types.js';

/** OHLC intervals Kraken accepts, minutes. */
export const KRAKEN_INTERVALS: readonly number[] = [1, 5, 15, 30, 60, 240, 1440, 10_080, 21_600];
/** Committed bars OHLC serves (plus the open one). */
export const KRAKEN_OHLC_BARS = 720;
/** Calls allowed in a burst before the public throttle answers. Kraken publishes none (~15–30 seen). */
export const KRAKEN_BURST = 20;

const PREFIX = '/0/public/';

const ASSETS: Record<string, { altname: string; decimals: number; display: number }> = {
  XXBT: { altname: 'XBT', decimals: 10, display: 5 },
  XETH: { altname: 'ETH', decimals: 10, display: 5 },
  XZEC: { altname: 'ZEC', decimals: 10, display: 5 },
  ZUSD: { altname: 'USD', decimals: 4, display: 2 },
};

const FEES = [
  [0, 0.26],
  [50_000, 0.24],
  [100_000, 0.22],
  [250_000, 0.2],
  [500_000, 0.18],
  [1_000_000, 0.16],
];
const FEES_MAKER = [
  [0, 0.16],
  [50_000, 0.14],
  [100_000, 0.12],
  [250_000, 0.1],
  [500_000, 0.08],
  [1_000_000, 0.06],
];

function ok(result: string): string {
  return `{"error":[],"result":${result}}`;
}

function rfc1123(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Kraken `since` on Trades: nanoseconds, or seconds when small (the docs' example). → epoch ns. */
export function krakenSinceToNs(v: string): bigint | undefined {
  if (/^\d{1,25}$/.test(v)) {
    const n = BigInt(v);
    return n < 100_000_000_000n ? n * 1_000_000_000n : n;
  }
  if (/^\d{1,12}\.\d{1,9}$/.test(v)) {
    const [w, f] = v.split('.') as [string, string];
    return BigInt(w) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
  }
  return undefined;
}

/** Builds the Kraken dialect. */
export function createKrakenDialect(ctx: DialectContext): Dialect {
  const { model } = ctx;
  const bucket = new TokenBucket(1 * ctx.limits.scale, KRAKEN_BURST, ctx.nowMs);

  const pairInfo = (s: SymbolMarket) => {
    const sp = s.spec;
    return {
      altname: sp.aliases[0] ?? sp.id,
      wsname: sp.wsname,
      aclass_base: 'currency',
      base: sp.base,
      aclass_quote: 'currency',
      quote: sp.quote,
      lot: 'unit',
      cost_decimals: 5,
      pair_decimals: sp.priceDecimals,
      lot_decimals: sp.sizeDecimals,
      lot_multiplier: 1,
      leverage_buy: [],
      leverage_sell: [],
      fees: FEES,
      fees_maker: FEES_MAKER,
      fee_volume_currency: 'ZUSD',
      margin_call: 80,
      margin_stop: 40,
      ordermin: fixed(5, 5),
      costmin: '0.5',
      tick_size: fixed(1, sp.priceDecimals),
      status: 'online',
    };
  };

  const pairOf = (q: URLSearchParams): SymbolMarket | string => {
    const p = q.get('pair');
    if (p === null || p === '') return 'EGeneral:Invalid arguments';
    return model.find(p.toUpperCase()) ?? 'EQuery:Unknown asset pair';
  };

  const ohlc = (s: SymbolMarket, q: URLSearchParams): string => {
    const interval = intParam(q, 'interval') ?? 1;
    if (!KRAKEN_INTERVALS.includes(interval)) return 'EGeneral:Invalid arguments';
    const sinceQ = q.get('since');
    const since = sinceQ === null || sinceQ === '' ? undefined : Number(sinceQ);
    if (since !== undefined && !Number.isFinite(since)) return 'EGeneral:Invalid arguments';
    const nowUs = s.nowUs();
    const spanS = interval * 60;
    const openBar = Math.floor(nowUs / 1e6 / spanS) * spanS;
    const rows: string[] = [];
    const pd = s.spec.priceDecimals;
    for (let t = openBar - KRAKEN_OHLC_BARS * spanS; t <= openBar; t += spanS) {
      if (since !== undefined && t < since) continue;
      const a = s.rangeAgg(t / 60, t / 60 + interval, nowUs);
      if (a.count === 0) continue;
      const vwap = (a.quoteVolume / a.volume / 10 ** pd).toFixed(pd);
      rows.push(
        `[${t},"${fixed(a.open, pd)}","${fixed(a.high, pd)}","${fixed(a.low, pd)}","${fixed(a.close, pd)}","${vwap}","${fixed(a.volume, s.spec.sizeDecimals)}",${a.count}]`,
      );
    }
    return ok(`{"${s.spec.id}":[${rows.join(',')}],"last":${openBar - spanS}}`);
  };

  const tradeRow = (s: SymbolMarket, t: SimTrade): string => {
    const type = (Math.imul(t.id, 0x9e3779b1) >>> 0) % 3 === 0 ? 'l' : 'm';
    return `["${fixed(t.price, s.spec.priceDecimals)}","${fixed(t.size, s.spec.sizeDecimals)}",${secondsMicros(t.us)},"${t.buy ? 'b' : 's'}","${type}","",${t.id}]`;
  };

  const tradesOf = (s: SymbolMarket, q: URLSearchParams): string => {
    let count = intParam(q, 'count') ?? 1000;
    if (Number.isNaN(count) || count < 1) return 'EGeneral:Invalid arguments';
    count = Math.min(count, 1000);
    const sinceQ = q.get('since');
    let ts: SimTrade[];
    let sinceNs: bigint | undefined;
    if (sinceQ !== null && sinceQ !== '') {
      sinceNs = krakenSinceToNs(sinceQ);
      if (sinceNs === undefined) return 'EGeneral:Invalid arguments';
      // Inclusive: a page starting at `last` repeats the trades at exactly that instant.
      const fromUs = Number((sinceNs + 999n) / 1000n);
      ts = s.forward({ fromUs, limit: count });
    } else {
      ts = s.backward({ limit: count });
    }
    const lastT = ts[ts.length - 1];
    const last = lastT ? BigInt(lastT.us) * 1000n : (sinceNs ?? BigInt(s.nowUs()) * 1000n);
    return ok(`{"${s.spec.id}":[${ts.map((t) => tradeRow(s, t)).join(',')}],"last":"${last}"}`);
  };

  const depth = (s: SymbolMarket, q: URLSearchParams): string => {
    let count = intParam(q, 'count') ?? 100;
    if (Number.isNaN(count) || count < 1) return 'EGeneral:Invalid arguments';
    count = Math.min(count, 500);
    const b = bookOf(s);
    const st = b.at(b.currentTick());
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    const nowS = Math.floor((st.tick * BOOK_TICK_US) / 1e6);
    // Level timestamps disagree within a snapshot, as on Kraken.
    const row = ([p, q]: BookLevel) => `["${fixed(p, pd)}","${fixed(q, sd)}",${nowS - ((p * 37) % 120)}]`;
    const bids = st.bids.slice(0, count).map(row);
    const asks = st.asks.slice(0, count).map(row);
    return ok(`{"${s.spec.id}":{"asks":[${asks.join(',')}],"bids":[${bids.join(',')}]}}`);
  };

  const route = (method: string, q: URLSearchParams): string | null => {
    switch (method) {
      case 'Time': {
        const us = model.nowUs();
        return ok(`{"unixtime":${Math.floor(us / 1e6)},"rfc1123":"${rfc1123(Math.floor(us / 1000))}"}`);
      }
      case 'Assets': {
        const used = new Set(model.symbols.flatMap((s) => [s.spec.base, s.spec.quote]));
        const result: Record<string, unknown> = {};
        for (const id of [...used].sort()) {
          const a = ASSETS[id] ?? { altname: id, decimals: 8, display: 5 };
          result[id] = {
            aclass: 'currency',
            altname: a.altname,
            decimals: a.decimals,
            display_decimals: a.display,
            collateral_value: 1,
            status: 'enabled',
          };
        }
        return ok(JSON.stringify(result));
      }
      case 'AssetPairs': {
        const p = q.get('pair');
        let list = model.symbols;
        if (p) {
          const found: SymbolMarket[] = [];
          for (const name of p.split(',')) {
            const s = model.find(name.trim().toUpperCase());
            if (!s) return 'EQuery:Unknown asset pair';
            found.push(s);
          }
          list = found;
        }
        const result: Record<string, unknown> = {};
        for (const s of list) result[s.spec.id] = pairInfo(s);
        return ok(JSON.stringify(result));
      }
      case 'OHLC':
      case 'Trades':
      case 'Depth': {
        const s = pairOf(q);
        if (typeof s === 'string') return s;
        return method === 'OHLC' ? ohlc(s, q) : method === 'Trades' ? tradesOf(s, q) : depth(s, q);
      }
      default:
        return null;
    }
  };

  return {
    handle(req: SimRequest): SimResponse {
      if (!req.path.startsWith(PREFIX)) return json(404, '{"error":["EGeneral:Unknown method"]}');
      if (ctx.limits.enabled && bucket.take(req.nowMs) > 0) {
        return json(200, '{"error":["EGeneral:Too many requests"]}');
      }
      const out = route(req.path.slice(PREFIX.length), req.query);
      if (out === null) return json(404, '{"error":["EGeneral:Unknown method"]}');
      // A bare error string (no JSON) is an error answer; bodies start with '{'.
      if (!out.startsWith('{')) return json(200, JSON.stringify({ error: [out] }));
      return json(200, out);
    },
    serverError(status) {
      return json(status, '{"error":["EService:Unavailable"]}');
    },
  };
}
