/**
 * OKX v5 WebSocket dialect: `/ws/v5/business` (`trades-all`: one push per fill) and `/ws/v5/public`
 * (`books` 400 levels, `mark-price`, `funding-rate`, `liquidation-orders`), `subscribe`/`unsubscribe`
 * with one `event` acknowledgement per argument, errors as `{"event":"error","code":...}` (64001 for a
 * channel on the wrong path), the text `ping` → `pong`, a disconnect after `idleDisconnectMs` of client
 * silence, and the `notice` 64008 ahead of a (simulated) service upgrade.
 *
 * Books: a snapshot (`prevSeqId` -1), then one update per book tick, `prevSeqId` = the previous
 * message's `seqId`, an empty heartbeat (`seqId == prevSeqId`) for a tick without change. Sequence ids
 * restart every {@link SEQ_RESET_TICKS} ticks (the legal reset `seqId < prevSeqId` after maintenance).
 * `checksum` is 0 (as OKX sends today) or the documented CRC32 (`ws.bookChecksum`). Faults:
 * `skip-update-id` leaves out one update, `bad-checksum` sends a wrong non-zero checksum,
 * `drop-messages` leaves out `trades-all` pushes.
 *
 * @module
 */
import { fixed } from '../dialects/format.js';
import { markState, sizeText, tradeJson } from '../dialects/okx-data.js';
import { BOOK_TICK_US, type BookLevel, bookOf, diffSide } from '../market/book.js';
import { derivativesOf, type SimLiquidation } from '../market/derivatives.js';
import { type SymbolMarket, US_PER_MINUTE } from '../market/symbol-market.js';
import type { SimConn } from './conn.js';
import { crc32 } from './crc32.js';
import type { Frame, SessionContext, WsDialect, WsSession } from './types.js';

/** Levels per side of `books`. */
const DEPTH = 400;
/** Book ticks between two sequence resets (30 s of sim time). */
export const SEQ_RESET_TICKS = 300;
/** A mark-price push at least this often (sim µs) even without change (OKX: 10 s). */
const MARK_EVERY_US = 10_000_000;

const PUBLIC = new Set(['books', 'mark-price', 'funding-rate', 'liquidation-orders']);
const BUSINESS = new Set(['trades-all']);

/** The sequence id of book tick `k` (restarting every {@link SEQ_RESET_TICKS} ticks). */
export function okxSeqId(s: SymbolMarket, k: number): number {
  const base = Math.floor(k / SEQ_RESET_TICKS) * SEQ_RESET_TICKS;
  return bookOf(s).updateId(k) - 4 * base + 1000;
}

/** OKX's checksum text of the top 25 levels, alternating bid and ask, as signed CRC32. */
export function okxChecksum(s: SymbolMarket, bids: readonly BookLevel[], asks: readonly BookLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(fixed(b[0], s.spec.priceDecimals), sizeText(s, b[1]));
    if (a) parts.push(fixed(a[0], s.spec.priceDecimals), sizeText(s, a[1]));
  }
  return crc32(parts.join(':')) | 0;
}

type Arg = { channel: string; instId?: string; instType?: string };
type BookSub = { s: SymbolMarket; tick: number; seq: number; bids: BookLevel[]; asks: BookLevel[] };
type MarkSub = { s: SymbolMarket; lastUs: number; mark: number | undefined; rate: number | undefined };

/** Builds the OKX WebSocket dialect. */
export function createOkxWs(): WsDialect {
  let conn = 0;
  return {
    accepts: (path) => path === '/ws/v5/public' || path === '/ws/v5/business',
    open(c, path, _query, ctx) {
      conn += 1;
      return new OkxSession(
        c,
        path.endsWith('business') ? 'business' : 'public',
        ctx,
        `okx${conn.toString(16)}`,
      );
    },
  };
}

class OkxSession implements WsSession {
  readonly #conn: SimConn;
  readonly #ctx: SessionContext;
  readonly #path: 'public' | 'business';
  readonly #connId: string;
  readonly #trades = new Map<string, SymbolMarket>();
  readonly #books = new Map<string, BookSub>();
  readonly #marks = new Map<string, MarkSub>();
  readonly #funding = new Map<string, MarkSub>();
  /** Liquidations are pushed for whole minutes once they have ended: the next minute to push, or -1. */
  #liqMinute = -1;
  #lastHeardAt: number;
  #noticeAt: number | undefined;

  constructor(conn: SimConn, path: 'public' | 'business', ctx: SessionContext, connId: string) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#path = path;
    this.#connId = connId;
    this.#lastHeardAt = conn.now();
  }

  #find(instId: string | undefined): SymbolMarket | undefined {
    return instId === undefined ? undefined : this.#ctx.model.find(instId);
  }

  #error(code: string, msg: string): void {
    this.#conn.send(JSON.stringify({ event: 'error', code, msg, connId: this.#connId }));
  }

  onMessage(text: string): void {
    this.#lastHeardAt = this.#conn.now();
    if (text === 'ping') {
      this.#conn.send('pong');
      return;
    }
    let msg: { op?: unknown; args?: unknown };
    try {
      msg = JSON.parse(text) as { op?: unknown; args?: unknown };
    } catch {
      this.#error('60012', `Invalid request: ${text.slice(0, 100)}`);
      return;
    }
    if ((msg.op !== 'subscribe' && msg.op !== 'unsubscribe') || !Array.isArray(msg.args)) {
      this.#error('60012', `Invalid request: ${text.slice(0, 100)}`);
      return;
    }
    for (const raw of msg.args as unknown[]) {
      const arg = (typeof raw === 'object' && raw !== null ? raw : {}) as Arg;
      this.#one(msg.op, arg);
    }
  }

  #one(op: 'subscribe' | 'unsubscribe', arg: Arg): void {
    const here = this.#path === 'public' ? PUBLIC : BUSINESS;
    const there = this.#path === 'public' ? BUSINESS : PUBLIC;
    if (!here.has(arg.channel)) {
      if (there.has(arg.channel)) {
        this.#error(
          '64001',
          `This channel has been migrated to the '/${this.#path === 'public' ? 'business' : 'public'}' URL. Please subscribe using the new URL.`,
        );
      } else this.#error('60018', `Wrong URL or channel:${String(arg.channel)} doesn't exist.`);
      return;
    }
    const ackArg = JSON.stringify(arg);
    if (arg.channel === 'liquidation-orders') {
      if (arg.instType !== 'SWAP' && arg.instType !== 'FUTURES') {
        this.#error(
          '60018',
          `Wrong URL or channel:liquidation-orders,instType:${String(arg.instType)} doesn't exist.`,
        );
        return;
      }
      this.#liqMinute = op === 'subscribe' ? Math.ceil(this.#ctx.boundaryUs() / US_PER_MINUTE) : -1;
      this.#conn.send(`{"event":"${op}","arg":${ackArg},"connId":"${this.#connId}"}`);
      return;
    }
    const s = this.#find(arg.instId);
    const swapOnly = arg.channel === 'mark-price' || arg.channel === 'funding-rate';
    if (!s || (swapOnly && s.spec.type !== 'perpetual')) {
      this.#error('60018', `Wrong URL or channel:${arg.channel},instId:${String(arg.instId)} doesn't exist.`);
      return;
    }
    const id = s.spec.id;
    this.#conn.send(`{"event":"${op}","arg":${ackArg},"connId":"${this.#connId}"}`);
    if (op === 'unsubscribe') {
      this.#mapOf(arg.channel).delete(id);
      return;
    }
    const b = this.#ctx.boundaryUs();
    switch (arg.channel) {
      case 'trades-all':
        this.#trades.set(id, s);
        return;
      case 'books': {
        const k = bookOf(s).tickOf(b);
        const full = this.#ctx.book(s, k);
        const sub: BookSub = {
          s,
          tick: k,
          seq: okxSeqId(s, k),
          bids: full.bids.slice(0, DEPTH),
          asks: full.asks.slice(0, DEPTH),
        };
        this.#books.set(id, sub);
        this.#sendBook(sub, 'snapshot', sub.bids, sub.asks, -1, k);
        return;
      }
      case 'mark-price':
      case 'funding-rate': {
        const sub: MarkSub = { s, lastUs: Number.NEGATIVE_INFINITY, mark: undefined, rate: undefined };
        this.#mapOf(arg.channel).set(id, sub);
        // OKX pushes the current state at once.
        this.#pushMark(arg.channel, sub, b - 1, true);
        return;
      }
    }
  }

  #mapOf(channel: string): Map<string, unknown> {
    return channel === 'trades-all'
      ? this.#trades
      : channel === 'books'
        ? this.#books
        : channel === 'mark-price'
          ? this.#marks
          : this.#funding;
  }

  #sendBook(
    sub: BookSub,
    action: 'snapshot' | 'update',
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
    prev: number,
    k: number,
  ): void {
    const s = sub.s;
    const mode = this.#ctx.options.bookChecksum;
    let ck = mode === 'crc32' ? okxChecksum(s, sub.bids, sub.asks) : 0;
    if (action === 'update' && this.#conn.strikes('bad-checksum'))
      ck = (okxChecksum(s, sub.bids, sub.asks) ^ 0x5a5a5a5a) | 0 || 1;
    const lv = (ls: readonly BookLevel[]) =>
      `[${ls.map(([p, q]) => `["${fixed(p, s.spec.priceDecimals)}","${sizeText(s, q)}","0","${1 + (p % 7)}"]`).join(',')}]`;
    this.#conn.send(
      `{"arg":{"channel":"books","instId":"${s.spec.id}"},"action":"${action}","data":[{"asks":${lv(asks)},"bids":${lv(bids)},"ts":"${(k * BOOK_TICK_US) / 1000}","checksum":${ck},"prevSeqId":${prev},"seqId":${sub.seq}}]}`,
    );
  }

  /** Pushes the mark or funding state at `us` when it changed, or (mark) when 10 s passed. */
  #pushMark(channel: 'mark-price' | 'funding-rate', sub: MarkSub, us: number, force = false): void {
    const s = sub.s;
    const st = markState(s, us);
    const id = s.spec.id;
    const ms = Math.floor(us / 1000);
    if (channel === 'mark-price') {
      if (st.markTicks === undefined) return;
      if (!force && st.markTicks === sub.mark && us - sub.lastUs < MARK_EVERY_US) return;
      sub.mark = st.markTicks;
      sub.lastUs = us;
      this.#conn.send(
        `{"arg":{"channel":"mark-price","instId":"${id}"},"data":[{"instType":"SWAP","instId":"${id}","markPx":"${fixed(st.markTicks, s.spec.priceDecimals)}","ts":"${ms}"}]}`,
      );
      return;
    }
    if (!force && st.rate1e8 === sub.rate) return;
    sub.rate = st.rate1e8;
    sub.lastUs = us;
    const next = st.nextFundingUs / 1000;
    const after = next + derivativesOf(s).fundingIntervalH * 3_600_000;
    this.#conn.send(
      `{"arg":{"channel":"funding-rate","instId":"${id}"},"data":[{"fundingRate":"${st.rateText}","fundingTime":"${next}","instId":"${id}","instType":"SWAP","maxFundingRate":"0.0075","method":"current_period","minFundingRate":"-0.0075","nextFundingRate":"","nextFundingTime":"${after}","premium":"","settFundingRate":"","settState":"settled","ts":"${ms}"}]}`,
    );
  }

  onFrame(f: Frame): void {
    const c = this.#conn;
    const now = c.now();
    const o = this.#ctx.options;
    if (now - this.#lastHeardAt >= o.idleDisconnectMs) {
      c.close(4004, 'No data received in 30s.');
      return;
    }
    if (o.upgradeNoticeMs > 0 && this.#noticeAt === undefined && now - c.openedAt >= o.upgradeNoticeMs) {
      this.#noticeAt = now;
      c.send(
        `{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"${this.#connId}"}`,
      );
    }
    if (this.#noticeAt !== undefined && now - this.#noticeAt >= o.idleDisconnectMs) {
      c.close(1012, 'service upgrade');
      return;
    }
    for (const s of this.#trades.values()) {
      for (const t of f.trades(s)) {
        if (c.strikes('drop-messages')) continue;
        if (!c.beforeData()) return;
        c.send(`{"arg":{"channel":"trades-all","instId":"${s.spec.id}"},"data":[${tradeJson(s, t)}]}`);
      }
    }
    for (const sub of this.#books.values()) {
      const book = bookOf(sub.s);
      const to = book.tickOf(f.toUs);
      for (let k = sub.tick + 1; k <= to; k++) {
        const full = this.#ctx.book(sub.s, k);
        const bids = full.bids.slice(0, DEPTH);
        const asks = full.asks.slice(0, DEPTH);
        const db = diffSide(sub.bids, bids, true);
        const da = diffSide(sub.asks, asks, false);
        const prev = sub.seq;
        sub.tick = k;
        sub.bids = bids;
        sub.asks = asks;
        if (db.length === 0 && da.length === 0) {
          if (!c.beforeData()) return;
          this.#sendBook(sub, 'update', [], [], prev, k); // heartbeat: seqId == prevSeqId
          continue;
        }
        sub.seq = okxSeqId(sub.s, k);
        if (c.strikes('skip-update-id')) continue; // the next update's prevSeqId names this lost one
        if (!c.beforeData()) return;
        this.#sendBook(sub, 'update', db, da, prev, k);
      }
    }
    for (const sub of this.#funding.values()) this.#pushMark('funding-rate', sub, f.toUs - 1);
    for (const sub of this.#marks.values()) this.#pushMark('mark-price', sub, f.toUs - 1);
    if (this.#liqMinute >= 0) {
      // A minute's liquidations depend on its whole range: push them once it has ended.
      const endMin = Math.floor(f.toUs / US_PER_MINUTE);
      for (; this.#liqMinute < endMin; this.#liqMinute++) {
        for (const s of this.#ctx.model.symbols) {
          if (s.spec.type !== 'perpetual') continue;
          for (const l of derivativesOf(s).liquidationsOfMinute(this.#liqMinute, s.nowUs())) {
            if (!c.beforeData()) return;
            c.send(liquidationJson(s, l));
          }
        }
      }
    }
  }

  onClose(): void {}
}

/** One `liquidation-orders` push (the order side is the opposite of the liquidated position's). */
function liquidationJson(s: SymbolMarket, l: SimLiquidation): string {
  const family = `${s.spec.base}-${s.spec.quote}`;
  const side = l.side === 'long' ? 'sell' : 'buy';
  return `{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"bkLoss":"0","bkPx":"${fixed(l.price, s.spec.priceDecimals)}","ccy":"","posSide":"${l.side}","side":"${side}","sz":"${sizeText(s, l.lots)}","ts":"${l.us / 1000}"}],"instFamily":"${family}","instId":"${s.spec.id}","instType":"SWAP","uly":"${family}"}]}`;
}
