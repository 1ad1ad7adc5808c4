/**
 * Kraken WebSocket v2 (`/v2`): the status message on connect, `subscribe`/`unsubscribe` with one
 * acknowledgement per symbol, `ping`/`pong`, heartbeats after quiet spells (once subscribed), `trade`
 * (snapshot of the last 50, then updates), `book` (snapshot and updates trimmed to the subscribed depth,
 * CRC32 `checksum` over the top 10 levels, prices and quantities written as raw JSON numbers that
 * keep their trailing zeros), `ohlc`. Symbols are v2 names (`BTC/USD`).
 *
 * @module
 */
import { fixed, isoMicros } from '../dialects/format.js';
import { emptyAgg } from '../market/agg.js';
import { BOOK_TICK_US, type BookLevel, bookOf } from '../market/book.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { US_PER_MINUTE } from '../market/symbol-market.js';
import type { SimConn } from './conn.js';
import { crc32 } from './crc32.js';
import type { Frame, SessionContext, WsDialect, WsSession } from './types.js';

const DEPTHS = [10, 25, 100, 500, 1000];
const INTERVALS = [1, 5, 15, 30, 60, 240, 1440, 10_080, 21_600];
const SNAPSHOT_TRADES = 50;
const VERSION = '2.0.10';

/** The v2 symbol of a spec (`XBT/USD` → `BTC/USD`). */
export function krakenV2Symbol(s: SymbolMarket): string {
  return s.spec.wsname.replace(/^XBT\//, 'BTC/').replace(/\/XBT$/, '/BTC');
}

/** Kraken's checksum text of one level: fixed-precision strings, `.` removed, leading zeros stripped. */
function ckPart(s: SymbolMarket, [p, q]: BookLevel): string {
  const strip = (x: string) => x.replace('.', '').replace(/^0+/, '');
  return strip(fixed(p, s.spec.priceDecimals)) + strip(fixed(q, s.spec.sizeDecimals));
}

/** The v2 book checksum of the top 10 levels of each side (asks ascending, then bids descending). */
export function krakenChecksum(
  s: SymbolMarket,
  bids: readonly BookLevel[],
  asks: readonly BookLevel[],
): number {
  let text = '';
  for (const l of asks.slice(0, 10)) text += ckPart(s, l);
  for (const l of bids.slice(0, 10)) text += ckPart(s, l);
  return crc32(text);
}

type BookSub = { s: SymbolMarket; depth: number; lastTick: number; bids: BookLevel[]; asks: BookLevel[] };
type TradeSub = { s: SymbolMarket };
type OhlcSub = { s: SymbolMarket; interval: number };

/** Builds the Kraken v2 WebSocket dialect. */
export function createKrakenWs(): WsDialect {
  let connectionId = 0x5eed_0000_0000;
  return {
    accepts: (path) => path === '/v2' || path === '/v2/',
    open(conn, _path, _query, ctx) {
      connectionId += 1;
      return new KrakenSession(conn, ctx, connectionId);
    },
  };
}

class KrakenSession implements WsSession {
  readonly #conn: SimConn;
  readonly #ctx: SessionContext;
  readonly #trades = new Map<string, TradeSub>();
  readonly #books = new Map<string, BookSub>();
  readonly #ohlc = new Map<string, OhlcSub>();

  constructor(conn: SimConn, ctx: SessionContext, connectionId: number) {
    this.#conn = conn;
    this.#ctx = ctx;
    conn.send(
      `{"channel":"status","type":"update","data":[{"version":"${VERSION}","system":"online","api_version":"v2","connection_id":${connectionId}}]}`,
    );
  }

  #find(symbol: string): SymbolMarket | undefined {
    return this.#ctx.model.symbols.find((s) => krakenV2Symbol(s) === symbol);
  }

  #stamp(): string {
    return isoMicros(Math.floor((performance.timeOrigin + performance.now()) * 1000));
  }

  onMessage(text: string): void {
    const timeIn = this.#stamp();
    let msg: Record<string, unknown>;
    try {
      const m: unknown = JSON.parse(text);
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
      msg = m as Record<string, unknown>;
    } catch {
      this.#conn.send(
        `{"error":"Malformed request","success":false,"time_in":"${timeIn}","time_out":"${this.#stamp()}"}`,
      );
      return;
    }
    const reqId = typeof msg.req_id === 'number' ? `,"req_id":${msg.req_id}` : '';
    const method = msg.method;
    const ack = (result: string, ok: boolean, error?: string) =>
      this.#conn.send(
        `{"method":"${String(method)}",${ok ? `"result":${result},"success":true` : `"error":${JSON.stringify(error)},"success":false`},"time_in":"${timeIn}","time_out":"${this.#stamp()}"${reqId}}`,
      );
    if (method === 'ping') {
      this.#conn.send(`{"method":"pong"${reqId},"time_in":"${timeIn}","time_out":"${this.#stamp()}"}`);
      return;
    }
    if (method !== 'subscribe' && method !== 'unsubscribe') {
      this.#conn.send(
        `{"error":"Method not found","method":${JSON.stringify(method ?? null)},"success":false,"time_in":"${timeIn}","time_out":"${this.#stamp()}"${reqId}}`,
      );
      return;
    }
    const params = (typeof msg.params === 'object' && msg.params !== null ? msg.params : {}) as Record<
      string,
      unknown
    >;
    const channel = params.channel;
    if (channel !== 'trade' && channel !== 'book' && channel !== 'ohlc') {
      ack('', false, `Channel ${String(channel)} not found`);
      return;
    }
    const symbols = params.symbol;
    if (!Array.isArray(symbols) || symbols.length === 0 || symbols.some((x) => typeof x !== 'string')) {
      ack('', false, 'Invalid symbol: must be a non-empty array of strings');
      return;
    }
    const snapshot = params.snapshot !== false;
    const depth = params.depth ?? 10;
    if (channel === 'book' && !DEPTHS.includes(depth as number)) {
      ack('', false, `Invalid depth ${String(depth)}: must be one of ${DEPTHS.join(', ')}`);
      return;
    }
    const interval = params.interval ?? 1;
    if (channel === 'ohlc' && !INTERVALS.includes(interval as number)) {
      ack('', false, `Invalid interval ${String(interval)}`);
      return;
    }
    for (const sym of symbols as string[]) {
      const s = this.#find(sym);
      const extra =
        channel === 'book' ? `"depth":${depth},` : channel === 'ohlc' ? `"interval":${interval},` : '';
      const result = `{"channel":"${channel}",${extra}"snapshot":${snapshot},"symbol":"${sym}"}`;
      if (!s) {
        ack('', false, `Currency pair not supported ${sym}`);
        continue;
      }
      if (method === 'unsubscribe') {
        const map = channel === 'trade' ? this.#trades : channel === 'book' ? this.#books : this.#ohlc;
        if (!map.delete(sym)) {
          ack('', false, 'Subscription Not Found');
          continue;
        }
        ack(method === 'unsubscribe' ? `{"channel":"${channel}",${extra}"symbol":"${sym}"}` : result, true);
        continue;
      }
      const has =
        channel === 'trade'
          ? this.#trades.has(sym)
          : channel === 'book'
            ? this.#books.has(sym)
            : this.#ohlc.has(sym);
      if (has) {
        ack('', false, 'Already subscribed');
        continue;
      }
      ack(result, true);
      const b = this.#ctx.boundaryUs();
      if (channel === 'trade') {
        this.#trades.set(sym, { s });
        if (snapshot) {
          const last = s.backward({ toUs: b - 1, fromUs: b - 86_400_000_000, limit: SNAPSHOT_TRADES });
          this.#conn.send(
            `{"channel":"trade","type":"snapshot","data":[${last.map((t) => tradeItem(s, sym, t)).join(',')}]}`,
          );
        }
      } else if (channel === 'book') {
        const k = bookOf(s).tickOf(b);
        const full = this.#ctx.book(s, k);
        const sub: BookSub = {
          s,
          depth: depth as number,
          lastTick: k,
          bids: full.bids.slice(0, depth as number),
          asks: full.asks.slice(0, depth as number),
        };
        this.#books.set(sym, sub);
        if (snapshot) {
          const ck = krakenChecksum(s, sub.bids, sub.asks);
          this.#conn.send(
            `{"channel":"book","type":"snapshot","data":[{"symbol":"${sym}","bids":${levelsJson(s, sub.bids)},"asks":${levelsJson(s, sub.asks)},"checksum":${ck}}]}`,
          );
        }
      } else {
        const sub = { s, interval: interval as number };
        this.#ohlc.set(sym, sub);
        if (snapshot) this.#conn.send(ohlcMessage('snapshot', sym, sub, b));
      }
    }
  }

  onFrame(f: Frame): void {
    const c = this.#conn;
    for (const [sym, sub] of this.#trades) {
      const ts = f.trades(sub.s);
      if (ts.length === 0) continue;
      if (!c.beforeData()) return;
      c.send(
        `{"channel":"trade","type":"update","data":[${ts.map((t) => tradeItem(sub.s, sym, t)).join(',')}]}`,
      );
    }
    for (const [sym, sub] of this.#books) {
      const to = bookOf(sub.s).tickOf(f.toUs);
      if (to <= sub.lastTick) continue;
      sub.lastTick = to;
      const full = this.#ctx.book(sub.s, to);
      const bids = full.bids.slice(0, sub.depth);
      const asks = full.asks.slice(0, sub.depth);
      const db = trimmedDiff(sub.bids, bids, sub.depth, true);
      const da = trimmedDiff(sub.asks, asks, sub.depth, false);
      sub.bids = bids;
      sub.asks = asks;
      if (db.length === 0 && da.length === 0) continue;
      if (!c.beforeData()) return;
      let ck = krakenChecksum(sub.s, bids, asks);
      if (c.strikes('bad-checksum')) ck = (ck ^ 0x5a5a5a5a) >>> 0;
      c.send(
        `{"channel":"book","type":"update","data":[{"symbol":"${sym}","bids":${levelsJson(sub.s, db)},"asks":${levelsJson(sub.s, da)},"checksum":${ck},"timestamp":"${isoMicros(to * BOOK_TICK_US)}"}]}`,
      );
    }
    for (const [sym, sub] of this.#ohlc) {
      if (f.trades(sub.s).length === 0) continue;
      if (!c.beforeData()) return;
      c.send(ohlcMessage('update', sym, sub, f.toUs));
    }
    const subscribed = this.#trades.size + this.#books.size + this.#ohlc.size > 0;
    if (subscribed && c.live && c.now() - c.lastSentAt >= this.#ctx.options.heartbeatMs)
      c.send('{"channel":"heartbeat"}');
  }

  onClose(): void {}
}

/**
 * The changes a client must apply to its book `from` (trimmed to `depth`) so that, after applying them
 * and trimming to `depth`, it holds `to`: new or changed levels, and `qty: 0` for removed levels, except
 * those that merely fall off the end (Kraken sends no delete for them).
 */
function trimmedDiff(
  from: readonly BookLevel[],
  to: readonly BookLevel[],
  depth: number,
  desc: boolean,
): BookLevel[] {
  const next = new Map(to.map(([p, q]) => [p, q]));
  const prev = new Map(from.map(([p, q]) => [p, q]));
  const worst = to[to.length - 1]?.[0];
  const out: BookLevel[] = [];
  for (const [p] of from) {
    if (next.has(p)) continue;
    const beyond = worst !== undefined && to.length === depth && (desc ? p < worst : p > worst);
    if (!beyond) out.push([p, 0]);
  }
  for (const [p, q] of to) if (prev.get(p) !== q) out.push([p, q]);
  return out;
}

function levelsJson(s: SymbolMarket, ls: readonly BookLevel[]): string {
  return `[${ls.map(([p, q]) => `{"price":${fixed(p, s.spec.priceDecimals)},"qty":${fixed(q, s.spec.sizeDecimals)}}`).join(',')}]`;
}

function tradeItem(s: SymbolMarket, sym: string, t: SimTrade): string {
  const type = (Math.imul(t.id, 0x9e3779b1) >>> 0) % 3 === 0 ? 'limit' : 'market';
  return `{"symbol":"${sym}","side":"${t.buy ? 'buy' : 'sell'}","price":${fixed(t.price, s.spec.priceDecimals)},"qty":${fixed(t.size, s.spec.sizeDecimals)},"ord_type":"${type}","trade_id":${t.id},"timestamp":"${isoMicros(t.us)}"}`;
}

function ohlcMessage(type: string, sym: string, sub: OhlcSub, nowUs: number): string {
  const s = sub.s;
  const pd = s.spec.priceDecimals;
  const startMin = Math.floor(nowUs / US_PER_MINUTE / sub.interval) * sub.interval;
  const a = s.rangeAgg(startMin, startMin + sub.interval, nowUs);
  const agg = a.count > 0 ? a : emptyAgg();
  const vwap = agg.volume > 0 ? (agg.quoteVolume / agg.volume / 10 ** pd).toFixed(pd) : fixed(agg.close, pd);
  const item = `{"symbol":"${sym}","open":${fixed(agg.open, pd)},"high":${fixed(agg.high, pd)},"low":${fixed(agg.low, pd)},"close":${fixed(agg.close, pd)},"vwap":${vwap},"trades":${agg.count},"volume":${fixed(agg.volume, s.spec.sizeDecimals)},"interval_begin":"${isoMicros(startMin * US_PER_MINUTE)}","interval":${sub.interval},"timestamp":"${isoMicros(nowUs)}"}`;
  return `{"channel":"ohlc","type":"${type}","data":[${item}]}`;
}
