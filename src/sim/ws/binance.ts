/**
 * Binance spot WebSocket streams: raw `/ws/<stream>` and combined `/stream?streams=a/b` (wrapped as
 * `{stream, data}`), live `SUBSCRIBE`/`UNSUBSCRIBE`/`LIST_SUBSCRIPTIONS`, `<sym>@trade`,
 * `<sym>@aggTrade`, `<sym>@depth[@100ms]` diff events contiguous in `U`/`u` with REST depth's
 * `lastUpdateId`, `<sym>@kline_1m`; ping frames, the pong timeout, the connection lifetime with
 * `serverShutdown`.
 *
 * @module
 */

import { fixedWidth } from '../dialects/format.js';
import { emptyAgg } from '../market/agg.js';
import { type BookLevel, bookOf, diffRange } from '../market/book.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { US_PER_MINUTE } from '../market/symbol-market.js';
import { forceOrderEvents, markEverySeconds, markPriceEvent } from './binance-usdm-events.js';
import type { SimConn } from './conn.js';
import type { Frame, SessionContext, WsDialect, WsSession } from './types.js';

/**
 * What differs between Binance's spot and USDⓈ-M WebSocket servers: stream names, paths (routes), which
 * route serves which stream, and whether depth diffs carry `pu` (the previous event's `u`).
 */
export type BinanceWsProfile = {
  /** Valid stream names: group 1 the lower-case symbol, group 2 the channel. */
  streamRe: RegExp;
  /** True when the upgrade path belongs to this server. */
  accepts(path: string): boolean;
  /** The route prefix of a path (`/public`), stripped before `/ws` or `/stream`; `''` for spot. */
  prefix(path: string): string;
  /** Whether a connection on `route` sends data for a channel (USDⓈ-M: only on its own route). */
  servesOn(route: string, channel: string): boolean;
  /** Depth diffs carry `pu` and `T` (USDⓈ-M). */
  chained: boolean;
};

/** The spot profile: `/ws` and `/stream`, every stream on every connection. */
export const SPOT_WS_PROFILE: BinanceWsProfile = {
  streamRe: /^([a-z0-9]+)@(trade|aggTrade|depth|depth@100ms|depth@1000ms|kline_1m)$/,
  accepts: (path) => path === '/ws' || path.startsWith('/ws/') || path === '/stream' || path === '/stream/',
  prefix: () => '',
  servesOn: () => true,
  chained: false,
};
/** Book ticks per `@depth` (1000 ms) event. */
const TICKS_PER_SECOND = 10;
/** Real ms between two kline events (Binance: 2000 ms for intervals above 1 s). */
const KLINE_EVERY_MS = 2000;

type Stream = {
  name: string;
  s: SymbolMarket;
  kind: 'trade' | 'aggTrade' | 'depth' | 'depth100' | 'kline' | 'mark' | 'forceOrder' | 'silent';
  /** Mark: seconds between updates. */
  everyS: number;
  /** Depth: tick of the last event's `u`. */
  lastTick: number;
  /** Kline: real ms of the last event, and its minute. */
  lastKlineAt: number;
  klineMinute: number;
};

function px(s: SymbolMarket, ticks: number): string {
  return fixedWidth(ticks, s.spec.priceDecimals, 8);
}
function qty(s: SymbolMarket, lots: number): string {
  return fixedWidth(lots, s.spec.sizeDecimals, 8);
}
function levels(s: SymbolMarket, ls: readonly BookLevel[]): string {
  return `[${ls.map(([p, q]) => `["${px(s, p)}","${qty(s, q)}"]`).join(',')}]`;
}

/** Builds the Binance (spot) WebSocket dialect. */
export function createBinanceWs(): WsDialect {
  return createBinanceWsWith(SPOT_WS_PROFILE);
}

/** Builds a Binance WebSocket dialect with `profile` (spot, USDⓈ-M). */
export function createBinanceWsWith(profile: BinanceWsProfile): WsDialect {
  return {
    accepts: (path) => profile.accepts(path),
    open(conn, path, query, ctx) {
      return new BinanceSession(conn, path, query, ctx, profile);
    },
  };
}

class BinanceSession implements WsSession {
  readonly #conn: SimConn;
  readonly #ctx: SessionContext;
  readonly #combined: boolean;
  readonly #streams = new Map<string, Stream>();
  readonly #timer: NodeJS.Timeout;
  #shutdownSent = false;
  readonly #profile: BinanceWsProfile;
  readonly #route: string;

  constructor(
    conn: SimConn,
    fullPath: string,
    query: URLSearchParams,
    ctx: SessionContext,
    profile: BinanceWsProfile,
  ) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#profile = profile;
    this.#route = profile.prefix(fullPath);
    const path = fullPath.slice(this.#route.length);
    this.#combined = path.startsWith('/stream');
    const names = this.#combined
      ? (query.get('streams') ?? '').split('/').filter((x) => x !== '')
      : path.length > 4
        ? path.slice(4).split('/')
        : [];
    // Unknown names in the path are ignored (ccxt opens `/ws/<n>` and then SUBSCRIBEs).
    for (const n of names) this.#add(n);
    const o = ctx.options;
    this.#timer = setInterval(() => this.#keepalive(), Math.min(o.pingIntervalMs, 1000));
    this.#timer.unref();
  }

  #keepalive(): void {
    const c = this.#conn;
    const o = this.#ctx.options;
    const now = c.now();
    if (c.closed) return;
    // Unanswered since the first ping after the last pong (a blocked event loop is not the client's fault).
    if (c.lastPongAt >= this.#firstUnanswered) this.#firstUnanswered = Number.POSITIVE_INFINITY;
    if (now - this.#firstUnanswered > o.pongTimeoutMs && !c.stalled) {
      c.close(1008, 'Pong timeout');
      return;
    }
    if (now - c.openedAt >= o.maxConnectionMs && !this.#shutdownSent) {
      this.#shutdownSent = true;
      c.send(`{"e":"serverShutdown","E":${Math.floor(this.#ctx.boundaryUs() / 1000)}}`);
      setTimeout(() => c.close(1000, 'Connection lifetime exceeded'), 10).unref();
      return;
    }
    if (now - this.#lastPingAt >= o.pingIntervalMs) {
      this.#lastPingAt = now;
      if (this.#firstUnanswered === Number.POSITIVE_INFINITY) this.#firstUnanswered = now;
      c.ping();
    }
  }
  #lastPingAt = performance.now();
  #firstUnanswered = Number.POSITIVE_INFINITY;

  #add(name: string): boolean {
    const m = this.#profile.streamRe.exec(name);
    if (!m) return false;
    const s = this.#ctx.model.find(m[1]!.toUpperCase());
    if (!s) return false;
    if (this.#streams.has(name)) return true;
    const k = m[2]!;
    const kind: Stream['kind'] = !this.#profile.servesOn(this.#route, k)
      ? 'silent' // USDⓈ-M on the wrong route: acknowledged, never sent
      : k === 'depth@100ms'
        ? 'depth100'
        : k.startsWith('depth')
          ? 'depth'
          : k === 'kline_1m'
            ? 'kline'
            : k.startsWith('markPrice')
              ? 'mark'
              : k === 'forceOrder'
                ? 'forceOrder'
                : (k as 'trade' | 'aggTrade');
    const b = bookOf(s);
    this.#streams.set(name, {
      name,
      s,
      kind,
      everyS: markEverySeconds(k),
      lastTick: b.tickOf(this.#ctx.boundaryUs()),
      lastKlineAt: 0,
      klineMinute: -1,
    });
    return true;
  }

  #reply(obj: Record<string, unknown>): void {
    this.#conn.send(JSON.stringify(obj));
  }

  onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.#reply({ code: 3, msg: `Invalid JSON: expected value at line 1 column 1` });
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.#reply({ code: 3, msg: 'Invalid JSON: expected an object' });
      return;
    }
    const { method, params, id } = msg as { method?: unknown; params?: unknown; id?: unknown };
    const idOk =
      id === null ||
      (typeof id === 'number' && Number.isSafeInteger(id)) ||
      (typeof id === 'string' && /^[A-Za-z0-9]{1,36}$/.test(id));
    if (id !== undefined && !idOk) {
      this.#reply({
        code: 2,
        msg: 'Invalid request: request ID must be an unsigned integer or a string',
        id: null,
      });
      return;
    }
    const rid = id ?? null;
    switch (method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
          this.#reply({ code: 2, msg: "Invalid request: 'params' must be an array of strings", id: rid });
          return;
        }
        if (method === 'SUBSCRIBE') {
          const bad = (params as string[]).find(
            (p) => !this.#profile.streamRe.test(p) || !this.#ctx.model.find(p.split('@')[0]!.toUpperCase()),
          );
          if (bad !== undefined) {
            this.#reply({ code: 2, msg: `Invalid request: invalid stream name '${bad}'`, id: rid });
            return;
          }
          if (this.#streams.size + params.length > 1024) {
            this.#reply({ code: 2, msg: 'Invalid request: too many streams (at most 1024)', id: rid });
            return;
          }
          for (const p of params as string[]) this.#add(p);
        } else for (const p of params as string[]) this.#streams.delete(p);
        this.#reply({ result: null, id: rid });
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.#reply({ result: [...this.#streams.keys()], id: rid });
        return;
      case 'SET_PROPERTY':
      case 'GET_PROPERTY':
        this.#reply({ result: method === 'GET_PROPERTY' ? false : null, id: rid });
        return;
      default:
        this.#reply({ code: 2, msg: `Invalid request: unknown method '${String(method)}'`, id: rid });
    }
  }

  #emit(stream: string, data: string): void {
    if (!this.#conn.beforeData()) return;
    this.#conn.send(this.#combined ? `{"stream":"${stream}","data":${data}}` : data);
  }

  onFrame(f: Frame): void {
    if (this.#shutdownSent) return; // nothing after serverShutdown
    const E = Math.floor(f.toUs / 1000);
    for (const st of this.#streams.values()) {
      if (!this.#conn.live) return;
      const s = st.s;
      switch (st.kind) {
        case 'trade':
          for (const t of f.trades(s)) this.#emit(st.name, tradeEvent(s, t, E));
          break;
        case 'aggTrade':
          for (const t of f.trades(s)) this.#emit(st.name, aggEvent(s, t, E));
          break;
        case 'depth':
        case 'depth100': {
          const b = bookOf(s);
          let to = b.tickOf(f.toUs);
          if (st.kind === 'depth') to = Math.floor(to / TICKS_PER_SECOND) * TICKS_PER_SECOND;
          if (to <= st.lastTick) break;
          const from = st.lastTick;
          st.lastTick = to;
          if (this.#conn.strikes('skip-update-id')) break; // the event is lost: U jumps next time
          const d = diffRange(b, from, to);
          // USDⓈ-M chains its diffs: `pu` is the `u` of the event before (the one skipped, after a fault).
          const chain = this.#profile.chained ? `,"T":${E},"pu":${b.updateId(from)}` : '';
          this.#emit(
            st.name,
            `{"e":"depthUpdate","E":${E}${chain},"s":"${s.spec.id}","U":${b.updateId(from) + 1},"u":${b.updateId(to)},"b":${levels(s, d.bids)},"a":${levels(s, d.asks)}}`,
          );
          break;
        }
        case 'mark': {
          // One update at every whole `everyS` seconds of sim time in the frame.
          const stepUs = st.everyS * 1_000_000;
          for (let us = Math.ceil(f.fromUs / stepUs) * stepUs; us < f.toUs; us += stepUs) {
            this.#emit(st.name, markPriceEvent(s, us));
          }
          break;
        }
        case 'forceOrder':
          for (const ev of forceOrderEvents(s, f.fromUs, f.toUs, E)) this.#emit(st.name, ev);
          break;
        case 'silent':
          break;
        case 'kline': {
          const now = this.#conn.now();
          const minute = Math.floor((f.toUs - 1) / US_PER_MINUTE);
          if (st.klineMinute >= 0 && minute > st.klineMinute) {
            this.#emit(st.name, klineEvent(s, st.klineMinute, E, f.toUs, true));
          } else if (now - st.lastKlineAt < KLINE_EVERY_MS) break;
          st.lastKlineAt = now;
          st.klineMinute = minute;
          this.#emit(st.name, klineEvent(s, minute, E, f.toUs, false));
          break;
        }
      }
    }
  }

  onClose(): void {
    clearInterval(this.#timer);
  }
}

function tradeEvent(s: SymbolMarket, t: SimTrade, E: number): string {
  return `{"e":"trade","E":${E},"s":"${s.spec.id}","t":${t.id},"p":"${px(s, t.price)}","q":"${qty(s, t.size)}","T":${Math.floor(t.us / 1000)},"m":${!t.buy},"M":true}`;
}

function aggEvent(s: SymbolMarket, t: SimTrade, E: number): string {
  return `{"e":"aggTrade","E":${E},"s":"${s.spec.id}","a":${t.id},"p":"${px(s, t.price)}","q":"${qty(s, t.size)}","f":${t.id},"l":${t.id},"T":${Math.floor(t.us / 1000)},"m":${!t.buy},"M":true}`;
}

function klineEvent(s: SymbolMarket, minute: number, E: number, nowUs: number, closed: boolean): string {
  const a = s.minuteAgg(minute, emptyAgg(), closed ? (minute + 1) * US_PER_MINUTE : nowUs);
  const t0 = minute * 60_000;
  const first = s.firstId(minute);
  const n = a.count;
  const pd = s.spec.priceDecimals;
  const quote = (v: number) => fixedWidth(Math.round(v / 10 ** pd), s.spec.sizeDecimals, 8);
  const o = n > 0 ? px(s, a.open) : '0.00000000';
  const c = n > 0 ? px(s, a.close) : '0.00000000';
  const h = n > 0 ? px(s, a.high) : '0.00000000';
  const l = n > 0 ? px(s, a.low) : '0.00000000';
  return `{"e":"kline","E":${E},"s":"${s.spec.id}","k":{"t":${t0},"T":${t0 + 59_999},"s":"${s.spec.id}","i":"1m","f":${n > 0 ? first : -1},"L":${n > 0 ? first + n - 1 : -1},"o":"${o}","c":"${c}","h":"${h}","l":"${l}","v":"${qty(s, a.volume)}","n":${n},"x":${closed},"q":"${quote(a.quoteVolume)}","V":"${qty(s, a.buyVolume)}","Q":"${quote(a.buyQuoteVolume)}","B":"0"}}`;
}
