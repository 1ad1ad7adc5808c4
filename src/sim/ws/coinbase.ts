/**
 * Coinbase Exchange WebSocket feed (the root path, as `ws-feed.exchange.coinbase.com`): `subscribe` /
 * `unsubscribe` with product ids at the top level or per channel, the `subscriptions` reply, `matches`
 * (`last_match` then `match`, `side` = the maker's side), `level2_batch` (alias `level2_50`; a snapshot
 * then `l2update`s every frame), `heartbeat` (1 Hz per product), `ticker`; `level2`/`full`/`level3`/`user`
 * need authentication fields (not verified: any values pass); no subscribe within the timeout closes
 * the connection.
 *
 * @module
 */
import { fixed, isoMicros } from '../dialects/format.js';
import { BOOK_TICK_US, type BookLevel, bookOf, diffSide } from '../market/book.js';
import { hash4 } from '../market/rng.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import type { SimConn } from './conn.js';
import type { Frame, SessionContext, WsDialect, WsSession } from './types.js';

const PUBLIC = ['matches', 'level2_batch', 'level2_50', 'heartbeat', 'ticker'] as const;
const AUTH = ['level2', 'full', 'level3', 'user'] as const;
const AUTH_FIELDS = ['key', 'passphrase', 'timestamp', 'signature'] as const;
const AUTH_REASON = 'level2, level3, and full channels now require authentication';

/** The product's sequence of trade `id`: shared with the (unsimulated) full feed, so not contiguous. */
export function coinbaseSequence(id: number): number {
  return id * 3 + 1;
}

function orderId(seed: number, key: number, id: number, salt: number): string {
  const h = (n: number) =>
    hash4(seed, key, id, salt + n)
      .toString(16)
      .padStart(8, '0');
  const a = h(0);
  const b = h(1);
  const c = h(2);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c.slice(4)}${h(3)}`;
}

type Sub = { s: SymbolMarket; channel: string; lastTick: number; lastBeatAt: number };

/** Builds the Coinbase WebSocket dialect. */
export function createCoinbaseWs(): WsDialect {
  return {
    accepts: (path) => path === '/' || path === '',
    open(conn, _path, _query, ctx) {
      return new CoinbaseSession(conn, ctx);
    },
  };
}

class CoinbaseSession implements WsSession {
  readonly #conn: SimConn;
  readonly #ctx: SessionContext;
  /** Key `channel|product`. */
  readonly #subs = new Map<string, Sub>();
  #timer: NodeJS.Timeout | undefined;

  constructor(conn: SimConn, ctx: SessionContext) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#timer = setTimeout(() => conn.close(1008, 'subscribe timeout'), ctx.options.subscribeTimeoutMs);
    this.#timer.unref();
  }

  #error(message: string, reason?: string): void {
    this.#conn.send(
      JSON.stringify(reason === undefined ? { type: 'error', message } : { type: 'error', message, reason }),
    );
  }

  onMessage(text: string): void {
    let msg: Record<string, unknown>;
    try {
      const m: unknown = JSON.parse(text);
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
      msg = m as Record<string, unknown>;
    } catch {
      this.#error('Malformed JSON', 'invalid character');
      return;
    }
    const type = msg.type;
    if (type !== 'subscribe' && type !== 'unsubscribe') {
      this.#error('Failed to subscribe', `${String(type)} is not a valid message type`);
      return;
    }
    const top = Array.isArray(msg.product_ids) ? msg.product_ids : [];
    const chans = Array.isArray(msg.channels) ? msg.channels : [];
    const wanted: [string, string[]][] = [];
    for (const c of chans) {
      if (typeof c === 'string') wanted.push([c, top.map(String)]);
      else if (typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string') {
        const pc = (c as { product_ids?: unknown }).product_ids;
        wanted.push([(c as { name: string }).name, Array.isArray(pc) ? pc.map(String) : top.map(String)]);
      }
    }
    if (type === 'subscribe') {
      if (wanted.length === 0) {
        this.#error('Failed to subscribe', 'No channels provided');
        return;
      }
      const authed = AUTH_FIELDS.every((f) => typeof msg[f] === 'string' || typeof msg[f] === 'number');
      for (const [name, ids] of wanted) {
        if ((AUTH as readonly string[]).includes(name)) {
          if (!authed) {
            this.#error('Failed to subscribe', AUTH_REASON);
            return;
          }
        } else if (!(PUBLIC as readonly string[]).includes(name)) {
          this.#error('Failed to subscribe', `${name} is not a valid channel`);
          return;
        }
        if (name !== 'user' && ids.length === 0) {
          this.#error('Failed to subscribe', `No product ids provided for channel ${name}`);
          return;
        }
        for (const id of ids) {
          const s = this.#ctx.model.find(id);
          if (!s || s.spec.id !== id) {
            this.#error('Failed to subscribe', `${id} is not a valid product`);
            return;
          }
        }
      }
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      const fresh: Sub[] = [];
      for (const [name, ids] of wanted) {
        for (const id of ids) {
          const key = `${name}|${id}`;
          if (this.#subs.has(key)) continue;
          const s = this.#ctx.model.find(id)!;
          const sub = { s, channel: name, lastTick: bookOf(s).tickOf(this.#ctx.boundaryUs()), lastBeatAt: 0 };
          this.#subs.set(key, sub);
          fresh.push(sub);
        }
      }
      this.#subscriptions();
      for (const sub of fresh) this.#initial(sub);
    } else {
      for (const [name, ids] of wanted) {
        for (const [key, sub] of this.#subs) {
          if (sub.channel === name && (ids.length === 0 || ids.includes(sub.s.spec.id)))
            this.#subs.delete(key);
        }
      }
      this.#subscriptions();
    }
  }

  #subscriptions(): void {
    const by = new Map<string, string[]>();
    for (const sub of this.#subs.values()) {
      const l = by.get(sub.channel) ?? [];
      l.push(sub.s.spec.id);
      by.set(sub.channel, l);
    }
    this.#conn.send(
      JSON.stringify({
        type: 'subscriptions',
        channels: [...by].map(([name, product_ids]) => ({ name, product_ids })),
      }),
    );
  }

  #initial(sub: Sub): void {
    const s = sub.s;
    const b = this.#ctx.boundaryUs();
    if (sub.channel === 'matches') {
      const last = s.backward({ toUs: b - 1, fromUs: b - 86_400_000_000, limit: 1 })[0];
      if (last) this.#conn.send(this.#match(s, last, 'last_match'));
    } else if (isBook(sub.channel)) {
      const book = this.#ctx.book(s, sub.lastTick);
      const lv = (ls: BookLevel[]) =>
        `[${ls.map(([p, q]) => `["${fixed(p, s.spec.priceDecimals)}","${fixed(q, s.spec.sizeDecimals)}"]`).join(',')}]`;
      this.#conn.send(
        `{"type":"snapshot","product_id":"${s.spec.id}","bids":${lv(book.bids)},"asks":${lv(book.asks)},"time":"${isoMicros(sub.lastTick * BOOK_TICK_US)}"}`,
      );
    }
  }

  #match(s: SymbolMarket, t: SimTrade, type: string): string {
    const seed = s.seed;
    const key = s.spec.key;
    return `{"type":"${type}","trade_id":${t.id},"maker_order_id":"${orderId(seed, key, t.id, 10)}","taker_order_id":"${orderId(seed, key, t.id, 20)}","side":"${t.buy ? 'sell' : 'buy'}","size":"${fixed(t.size, s.spec.sizeDecimals)}","price":"${fixed(t.price, s.spec.priceDecimals)}","product_id":"${s.spec.id}","sequence":${coinbaseSequence(t.id)},"time":"${isoMicros(t.us)}"}`;
  }

  onFrame(f: Frame): void {
    const c = this.#conn;
    for (const sub of this.#subs.values()) {
      if (!c.live) return;
      const s = sub.s;
      switch (sub.channel) {
        case 'matches':
          for (const t of f.trades(s)) {
            if (!c.beforeData()) return;
            if (c.strikes('drop-messages')) continue;
            c.send(this.#match(s, t, 'match'));
          }
          break;
        case 'ticker':
          for (const t of f.trades(s)) {
            if (!c.beforeData()) return;
            c.send(this.#ticker(s, t));
          }
          break;
        case 'heartbeat': {
          const now = c.now();
          if (now - sub.lastBeatAt < 1000) break;
          sub.lastBeatAt = now;
          const last = s.lastId(f.toUs);
          c.send(
            `{"type":"heartbeat","last_trade_id":${last},"product_id":"${s.spec.id}","sequence":${coinbaseSequence(last) + 1},"time":"${isoMicros(f.toUs)}"}`,
          );
          break;
        }
        default: {
          // level2_batch / level2_50 / level2
          const b = bookOf(s);
          const to = b.tickOf(f.toUs);
          if (to <= sub.lastTick) break;
          const a = this.#ctx.book(s, sub.lastTick);
          const z = this.#ctx.book(s, to);
          sub.lastTick = to;
          const pd = s.spec.priceDecimals;
          const sd = s.spec.sizeDecimals;
          const ch: string[] = [];
          for (const [p, q] of diffSide(a.bids, z.bids, true))
            ch.push(`["buy","${fixed(p, pd)}","${fixed(q, sd)}"]`);
          for (const [p, q] of diffSide(a.asks, z.asks, false))
            ch.push(`["sell","${fixed(p, pd)}","${fixed(q, sd)}"]`);
          if (ch.length === 0) break;
          if (!c.beforeData()) return;
          if (c.strikes('drop-messages')) break;
          c.send(
            `{"type":"l2update","product_id":"${s.spec.id}","changes":[${ch.join(',')}],"time":"${isoMicros(to * BOOK_TICK_US)}"}`,
          );
        }
      }
    }
  }

  #ticker(s: SymbolMarket, t: SimTrade): string {
    const book = this.#ctx.book(s, bookOf(s).tickOf(t.us));
    const pd = s.spec.priceDecimals;
    const sd = s.spec.sizeDecimals;
    const bid = book.bids[0] ?? [0, 0];
    const ask = book.asks[0] ?? [0, 0];
    return `{"type":"ticker","sequence":${coinbaseSequence(t.id)},"product_id":"${s.spec.id}","price":"${fixed(t.price, pd)}","best_bid":"${fixed(bid[0], pd)}","best_bid_size":"${fixed(bid[1], sd)}","best_ask":"${fixed(ask[0], pd)}","best_ask_size":"${fixed(ask[1], sd)}","side":"${t.buy ? 'buy' : 'sell'}","time":"${isoMicros(t.us)}","trade_id":${t.id},"last_size":"${fixed(t.size, sd)}"}`;
  }

  onClose(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}

function isBook(channel: string): boolean {
  return channel === 'level2_batch' || channel === 'level2_50' || channel === 'level2';
}
