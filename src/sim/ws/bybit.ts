/**
 * Bybit v5 public WebSocket (`/v5/public/spot` on `bybit`, `/v5/public/linear` on `bybit-linear`):
 * `{"op":"subscribe","args":[...]}` with `{"success", "ret_msg", "conn_id", "req_id", "op"}` answers
 * (spot takes at most 10 args per request), JSON `{"op":"ping"}` answered with a pong, and the topics
 * `publicTrade.{sym}` (up to 1024 trades per message), `orderbook.{1|50|200|1000}.{sym}` (a snapshot,
 * then deltas of the top-N view with increasing `u`; level 1 sends snapshots only, re-sent every 3 s
 * with the same `u` when nothing changed), `tickers.{sym}` (linear: a snapshot, then deltas holding only
 * the changed fields) and `allLiquidation.{sym}` (linear: at most every 500 ms, a minute's liquidations
 * once that minute is over, since the model decides them from the minute's range).
 *
 * @module
 */

import { bybitExecId, bybitTradeSeq } from '../dialects/bybit-ids.js';
import { fixed, plain } from '../dialects/format.js';
import { type BookLevel, bookOf, diffSide } from '../market/book.js';
import { derivativesOf } from '../market/derivatives.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import type { SimExchange } from '../market/symbols.js';
import type { SimConn } from './conn.js';
import type { Frame, SessionContext, WsDialect, WsSession } from './types.js';

const DEPTHS = [1, 50, 200, 1000] as const;
/** Book ticks (100 ms) between two pushes, per depth: 1 and 50 every tick, 200 every tick, 1000 every 2. */
const TICKS_PER_PUSH: Record<number, number> = { 1: 1, 50: 1, 200: 1, 1000: 2 };
const MAX_TRADES_PER_MESSAGE = 1024;
const LIQUIDATION_EVERY_US = 500_000;
const LEVEL1_RESEND_US = 3_000_000;
const REPLAY_US = 1_000_000;

type TradeTopic = { kind: 'trade'; s: SymbolMarket; replay: boolean };
type BookTopic = {
  kind: 'book';
  s: SymbolMarket;
  depth: number;
  /** Tick of the last push. */
  lastTick: number;
  /** `u` of the last push, and the offset that turns the model's update id into `u` (after a restart). */
  lastU: number;
  uBase: number;
  /** The last delta sent (for `stale-update`), and when level 1 last sent. */
  lastDelta: string | undefined;
  lastSentUs: number;
};
type TickerTopic = { kind: 'ticker'; s: SymbolMarket; last: Record<string, string> | undefined };
type LiqTopic = { kind: 'liq'; s: SymbolMarket; fromUs: number };
type Topic = TradeTopic | BookTopic | TickerTopic | LiqTopic;

/** Builds the Bybit WebSocket dialect of `exchange`. */
export function createBybitWs(exchange: 'bybit' | 'bybit-linear'): WsDialect {
  const path = exchange === 'bybit' ? '/v5/public/spot' : '/v5/public/linear';
  return {
    accepts: (p) => p === path,
    open(conn, _path, _query, ctx) {
      return new BybitSession(conn, ctx, exchange);
    },
  };
}

let nextConnId = 1;

class BybitSession implements WsSession {
  readonly #conn: SimConn;
  readonly #ctx: SessionContext;
  readonly #exchange: SimExchange;
  readonly #linear: boolean;
  readonly #topics = new Map<string, Topic>();
  readonly #connId = `sim-${nextConnId++}`;

  constructor(conn: SimConn, ctx: SessionContext, exchange: 'bybit' | 'bybit-linear') {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#exchange = exchange;
    this.#linear = exchange === 'bybit-linear';
  }

  #reply(op: string, reqId: unknown, success: boolean, msg: string): void {
    const o: Record<string, unknown> = { success, ret_msg: msg, conn_id: this.#connId };
    if (reqId !== undefined) o['req_id'] = reqId;
    o['op'] = op;
    this.#conn.send(JSON.stringify(o));
  }

  /** Parses a topic name; `undefined` when this endpoint has no such topic. */
  #topic(name: string): Topic | undefined {
    const parts = name.split('.');
    const sym = parts.at(-1) ?? '';
    const s = this.#ctx.model.find(sym);
    if (!s) return undefined;
    const boundary = this.#ctx.boundaryUs();
    if (parts.length === 2 && parts[0] === 'publicTrade') return { kind: 'trade', s, replay: false };
    if (parts.length === 3 && parts[0] === 'orderbook') {
      const depth = Number(parts[1]);
      if (!(DEPTHS as readonly number[]).includes(depth)) return undefined;
      return {
        kind: 'book',
        s,
        depth,
        lastTick: Number.NaN,
        lastU: 0,
        uBase: 0,
        lastDelta: undefined,
        lastSentUs: 0,
      };
    }
    if (!this.#linear) return undefined;
    if (parts.length === 2 && parts[0] === 'tickers') return { kind: 'ticker', s, last: undefined };
    if (parts.length === 2 && parts[0] === 'allLiquidation') return { kind: 'liq', s, fromUs: boundary };
    return undefined;
  }

  onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.#reply('', undefined, false, 'error:request not json');
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.#reply('', undefined, false, 'error:request not json object');
      return;
    }
    const { op, args, req_id: reqId } = msg as { op?: unknown; args?: unknown; req_id?: unknown };
    if (op === 'ping') {
      this.#reply('ping', reqId, true, 'pong');
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.#reply(String(op), reqId, false, `error:unknown op ${String(op)}`);
      return;
    }
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string')) {
      this.#reply(op, reqId, false, 'error:args must be a non-empty array of topics');
      return;
    }
    if (!this.#linear && args.length > 10) {
      this.#reply(op, reqId, false, 'error:args size >10');
      return;
    }
    if (op === 'unsubscribe') {
      for (const a of args as string[]) this.#topics.delete(a);
      this.#reply(op, reqId, true, '');
      return;
    }
    const parsed: [string, Topic][] = [];
    for (const a of args as string[]) {
      const t = this.#topic(a);
      if (!t) {
        this.#reply(op, reqId, false, `error:handler not found,topic:${a}`);
        return;
      }
      parsed.push([a, t]);
    }
    this.#reply(op, reqId, true, '');
    for (const [name, t] of parsed) {
      if (this.#topics.has(name)) continue;
      this.#topics.set(name, t);
      if (t.kind === 'trade' && this.#conn.strikes('replay-trades')) t.replay = true;
      if (t.kind === 'book') this.#snapshot(name, t, bookOf(t.s).tickOf(this.#ctx.boundaryUs()), false);
    }
  }

  #send(text: string): boolean {
    if (!this.#conn.beforeData()) return false;
    this.#conn.send(text);
    return true;
  }

  onFrame(f: Frame): void {
    for (const [name, t] of this.#topics) {
      if (!this.#conn.live) return;
      switch (t.kind) {
        case 'trade':
          this.#trades(name, t, f);
          break;
        case 'book':
          this.#book(name, t, f);
          break;
        case 'ticker':
          this.#ticker(name, t, f);
          break;
        case 'liq':
          this.#liquidations(name, t, f);
          break;
      }
    }
  }

  #trades(name: string, t: TradeTopic, f: Frame): void {
    let trades = f.trades(t.s);
    if (t.replay) {
      t.replay = false;
      const before = t.s.forward({ fromUs: f.fromUs - REPLAY_US, toUs: f.fromUs - 1, limit: 100_000 });
      trades = before.concat(trades);
    }
    const s = t.s;
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    const ts = Math.floor(f.toUs / 1000);
    let prevPrice = trades[0]?.price ?? 0;
    for (let i = 0; i < trades.length; i += MAX_TRADES_PER_MESSAGE) {
      const rows = trades.slice(i, i + MAX_TRADES_PER_MESSAGE).map((x) => {
        const tick = x.price > prevPrice ? 'PlusTick' : x.price < prevPrice ? 'MinusTick' : 'ZeroPlusTick';
        prevPrice = x.price;
        return `{"T":${Math.floor(x.us / 1000)},"s":"${s.spec.id}","S":"${x.buy ? 'Buy' : 'Sell'}","v":"${fixed(x.size, sd)}","p":"${fixed(x.price, pd)}","L":"${tick}","i":"${bybitExecId(this.#exchange, s.spec.key, x.id)}","BT":false,"RPI":false,"seq":${bybitTradeSeq(x.id)}}`;
      });
      if (!this.#send(`{"topic":"${name}","type":"snapshot","ts":${ts},"data":[${rows.join(',')}]}`)) return;
    }
  }

  #levels(s: SymbolMarket, ls: readonly BookLevel[]): string {
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    return `[${ls.map(([p, q]) => `["${fixed(p, pd)}","${fixed(q, sd)}"]`).join(',')}]`;
  }

  /** Sends a snapshot of the top-`depth` book at tick `k` (`restart`: `u` starts again at 1). */
  #snapshot(name: string, t: BookTopic, k: number, restart: boolean): boolean {
    const b = bookOf(t.s);
    const st = b.at(k);
    if (restart) t.uBase = st.updateId - 1;
    const u = st.updateId - t.uBase;
    t.lastTick = k;
    t.lastU = u;
    t.lastDelta = undefined;
    t.lastSentUs = k * 100_000;
    const ts = k * 100;
    return this.#send(
      `{"topic":"${name}","type":"snapshot","ts":${ts},"data":{"s":"${t.s.spec.id}","b":${this.#levels(t.s, st.bids.slice(0, t.depth))},"a":${this.#levels(t.s, st.asks.slice(0, t.depth))},"u":${u},"seq":${st.updateId * 2}},"cts":${ts}}`,
    );
  }

  #book(name: string, t: BookTopic, f: Frame): void {
    const b = bookOf(t.s);
    const every = TICKS_PER_PUSH[t.depth] ?? 1;
    const target = Math.floor(b.tickOf(f.toUs) / every) * every;
    for (let k = t.lastTick + every; k <= target; k += every) {
      if (!this.#conn.live) return;
      if (t.lastDelta !== undefined && this.#conn.strikes('stale-update')) {
        if (!this.#send(t.lastDelta)) return;
        continue; // the stale copy takes this push's place; the next push covers the ticks since
      }
      if (this.#conn.strikes('book-restart')) {
        if (!this.#snapshot(name, t, k, true)) return;
        continue;
      }
      if (t.depth === 1 || this.#conn.strikes('resnapshot')) {
        const prev = b.at(t.lastTick);
        const cur = b.at(k);
        const same =
          t.depth === 1 &&
          prev.bids[0]?.[0] === cur.bids[0]?.[0] &&
          prev.bids[0]?.[1] === cur.bids[0]?.[1] &&
          prev.asks[0]?.[0] === cur.asks[0]?.[0] &&
          prev.asks[0]?.[1] === cur.asks[0]?.[1];
        if (same && k * 100_000 - t.lastSentUs < LEVEL1_RESEND_US) {
          t.lastTick = k;
          continue;
        }
        if (same) {
          // Level 1 re-sends an unchanged book every 3 s with the same `u`.
          const u = t.lastU;
          if (!this.#snapshot(name, t, k, false)) return;
          t.lastU = u;
          continue;
        }
        if (!this.#snapshot(name, t, k, false)) return;
        continue;
      }
      const prev = b.at(t.lastTick);
      const cur = b.at(k);
      const bids = diffSide(prev.bids.slice(0, t.depth), cur.bids.slice(0, t.depth), true);
      const asks = diffSide(prev.asks.slice(0, t.depth), cur.asks.slice(0, t.depth), false);
      t.lastTick = k;
      if (bids.length === 0 && asks.length === 0) continue;
      const u = cur.updateId - t.uBase;
      t.lastU = u;
      const ts = k * 100;
      const text = `{"topic":"${name}","type":"delta","ts":${ts},"data":{"s":"${t.s.spec.id}","b":${this.#levels(t.s, bids)},"a":${this.#levels(t.s, asks)},"u":${u},"seq":${cur.updateId * 2}},"cts":${ts}}`;
      t.lastDelta = text;
      if (!this.#send(text)) return;
    }
  }

  #tickerFields(s: SymbolMarket, us: number): Record<string, string> {
    const d = derivativesOf(s);
    const st = d.markState(us, s.nowUs());
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    const oi = d.openInterestAt(Math.floor(us / 60_000_000) * 60_000_000, s.nowUs());
    const out: Record<string, string> = {
      fundingRate: plain(st.rate1e8, 8),
      nextFundingTime: String(st.nextFundingUs / 1000),
      fundingIntervalHour: String(d.fundingIntervalH),
      openInterest: fixed(oi.lots, sd),
    };
    if (st.markTicks !== undefined) out['markPrice'] = fixed(st.markTicks, pd);
    if (st.indexTicks !== undefined) out['indexPrice'] = fixed(st.indexTicks, pd);
    return out;
  }

  #ticker(name: string, t: TickerTopic, f: Frame): void {
    const ms = Math.floor(f.toUs / 1000);
    const cur = this.#tickerFields(t.s, ms * 1000);
    const last = t.last;
    let fields: Record<string, string> = cur;
    let type = 'snapshot';
    if (last !== undefined) {
      fields = {};
      for (const [k, v] of Object.entries(cur)) if (last[k] !== v) fields[k] = v;
      if (Object.keys(fields).length === 0) return;
      type = 'delta';
    }
    const body = JSON.stringify({ symbol: t.s.spec.id, ...fields });
    if (this.#send(`{"topic":"${name}","type":"${type}","data":${body},"cs":${ms * 10},"ts":${ms}}`))
      t.last = cur;
  }

  #liquidations(name: string, t: LiqTopic, f: Frame): void {
    // A minute's liquidations depend on its whole range (the model decides them per minute), so they
    // are published once the minute is over: what was sent never changes afterwards.
    const until = Math.floor(f.toUs / 60_000_000) * 60_000_000;
    if (until - t.fromUs < LIQUIDATION_EVERY_US) return;
    const s = t.s;
    const list = derivativesOf(s).liquidations(t.fromUs, until, s.nowUs());
    t.fromUs = until;
    if (list.length === 0) return;
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    // `S` is the liquidated position's side: Buy = a long was liquidated.
    const rows = list.map(
      (l) =>
        `{"T":${Math.floor(l.us / 1000)},"s":"${s.spec.id}","S":"${l.side === 'long' ? 'Buy' : 'Sell'}","v":"${fixed(l.lots, sd)}","p":"${fixed(l.price, pd)}"}`,
    );
    this.#send(
      `{"topic":"${name}","type":"snapshot","ts":${Math.floor(f.toUs / 1000)},"data":[${rows.join(',')}]}`,
    );
  }

  onClose(): void {}
}
