/**
 * Binance market-data endpoints over the model: klines, aggTrades, trades, historicalTrades, depth.
 * Each returns the body text, or a Binance error `[httpStatus, code, msg]`.
 *
 * @module
 */
import { type Agg, emptyAgg } from '../market/agg.js';
import { type BookLevel, bookOf } from '../market/book.js';
import type { SimTrade, SymbolMarket } from '../market/symbol-market.js';
import { US_PER_MINUTE } from '../market/symbol-market.js';
import { barOffsetS } from '../truth.js';
import { fixed, fixedWidthFormatter } from './format.js';
import { ByteWriter, putFixed, putFixedWidth, putUint } from './writer.js';

/** A Binance error: HTTP status, Binance code, message. */
export type BinanceError = [status: number, code: number, msg: string];

/** Kline intervals in seconds (`1M` is calendar months, marked 0). */
export const BINANCE_INTERVALS: Readonly<Record<string, number>> = {
  '1s': 1,
  '1m': 60,
  '3m': 180,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '2h': 7200,
  '4h': 14_400,
  '6h': 21_600,
  '8h': 28_800,
  '12h': 43_200,
  '1d': 86_400,
  '3d': 259_200,
  '1w': 604_800,
  '1M': 0,
};

/** Binance time parameters come in ms, or µs when the value is that large. → epoch µs. */
export function binanceTimeToUs(v: number): number {
  return v >= 1e14 ? v : v * 1000;
}

type Fmt = { px: (ticks: number) => string; qty: (lots: number) => string };
const FORMATTERS = new WeakMap<SymbolMarket, Fmt>();
function fmtOf(s: SymbolMarket): Fmt {
  let f = FORMATTERS.get(s);
  if (!f) {
    f = {
      px: fixedWidthFormatter(s.spec.priceDecimals, 8),
      qty: fixedWidthFormatter(s.spec.sizeDecimals, 8),
    };
    FORMATTERS.set(s, f);
  }
  return f;
}
function px(s: SymbolMarket, ticks: number): string {
  return fmtOf(s).px(ticks);
}
function qty(s: SymbolMarket, lots: number): string {
  return fmtOf(s).qty(lots);
}
// Separators as little-endian byte groups (stored 4 bytes at a time; the position advances by their
// length, and the next write overwrites the rest).
const COMMA_QUOTE = 44 | (34 << 8); // ,"
const QUOTE_COMMA = 34 | (44 << 8); // ",
const QUOTE_COMMA_QUOTE = 34 | (44 << 8) | (34 << 16); // ","
const TAIL_1 = (34 | (44 << 8) | (34 << 16) | (48 << 24)) >>> 0; // ","0
const TAIL_2 = 34 | (93 << 8); // "]

/** Writes one kline row (see the klines docs for the field order). */
function writeKline(w: ByteWriter, s: SymbolMarket, openMs: number, closeMs: number, a: Agg): void {
  const pd = s.spec.priceDecimals;
  const sd = s.spec.sizeDecimals;
  const d = pd + sd;
  // Approximate quantities (see Agg.quoteVolume), rounded to 8 decimals.
  const qv = Math.round(d <= 8 ? a.quoteVolume * 10 ** (8 - d) : a.quoteVolume / 10 ** (d - 8));
  const bqv = Math.round(d <= 8 ? a.buyQuoteVolume * 10 ** (8 - d) : a.buyQuoteVolume / 10 ** (d - 8));
  w.reserve(512);
  const v = w.view;
  let p = w.pos;
  v.setUint8(p++, 91); // [
  p = putUint(v, p, openMs);
  v.setUint32(p, COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 2, a.open, pd, 8);
  v.setUint32(p, QUOTE_COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 3, a.high, pd, 8);
  v.setUint32(p, QUOTE_COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 3, a.low, pd, 8);
  v.setUint32(p, QUOTE_COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 3, a.close, pd, 8);
  v.setUint32(p, QUOTE_COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 3, a.volume, sd, 8);
  v.setUint32(p, QUOTE_COMMA, true);
  p = putUint(v, p + 2, closeMs);
  v.setUint32(p, COMMA_QUOTE, true);
  p = putFixed(v, p + 2, qv, 8);
  v.setUint32(p, QUOTE_COMMA, true);
  p = putUint(v, p + 2, a.count);
  v.setUint32(p, COMMA_QUOTE, true);
  p = putFixedWidth(v, p + 2, a.buyVolume, sd, 8);
  v.setUint32(p, QUOTE_COMMA_QUOTE, true);
  p = putFixed(v, p + 3, bqv, 8);
  v.setUint32(p, TAIL_1, true);
  v.setUint16(p + 4, TAIL_2, true);
  w.pos = p + 6;
}

/** One writer for every kline page (pages are built synchronously, one at a time). */
const PAGE = new ByteWriter();

/** Bucket boundaries for one interval: `open(k)` is the k-th bar's open time in ms. */
type Buckets = { index(ms: number): number; open(k: number): number };

function bucketsFor(spanS: number): Buckets {
  if (spanS === 0) {
    // Calendar months: k = months since 1970-01.
    return {
      index: (ms) => {
        const d = new Date(ms);
        return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
      },
      open: (k) => Date.UTC(1970 + Math.floor(k / 12), k % 12, 1),
    };
  }
  const spanMs = spanS * 1000;
  const off = barOffsetS('binance', spanS) * 1000;
  return { index: (ms) => Math.floor((ms - off) / spanMs), open: (k) => k * spanMs + off };
}

/** Aggregate of the bar [openMs, closeMs] (sub-minute spans from the trades). */
function barAgg(s: SymbolMarket, spanS: number, openMs: number, nextMs: number, nowUs: number): Agg {
  if (spanS === 1) {
    const a = emptyAgg();
    const ts = s.forward({ fromUs: openMs * 1000, toUs: nextMs * 1000 - 1, limit: Number.POSITIVE_INFINITY });
    for (const t of ts) {
      if (a.count === 0) a.open = a.high = a.low = t.price;
      if (t.price > a.high) a.high = t.price;
      if (t.price < a.low) a.low = t.price;
      a.close = t.price;
      a.count++;
      a.volume += t.size;
      if (t.buy) {
        a.buyCount++;
        a.buyVolume += t.size;
      }
    }
    const typical = (a.open + a.high + a.low + a.close) / 4;
    a.quoteVolume = a.volume * typical;
    a.buyQuoteVolume = a.buyVolume * typical;
    return a;
  }
  return s.rangeAgg(openMs / 60_000, nextMs / 60_000, nowUs);
}

/**
 * 1m kline rows rendered ahead (see {@link prerenderMinuteKlines}): minutes `k0 .. k0 + n - 1`, each
 * stored as `,` + its row (nothing for a minute without trades), so a run of minutes is one copy.
 */
type MinuteRows = {
  readonly k0: number;
  readonly n: number;
  readonly bytes: Buffer;
  /** Minute `k0 + i`'s bytes are `bytes[off[i], off[i + 1])`. */
  readonly off: Int32Array;
  /** Rows (minutes with trades) before minute `k0 + i`. */
  readonly rows: Int32Array;
};

/** Rendered rows per symbol of a running simulator (the symbol object is per simulator). */
const MINUTE_ROWS = new WeakMap<SymbolMarket, MinuteRows>();

/** Most minutes one symbol may have rendered ahead (~2 years; ~170 bytes each). */
export const MAX_PRERENDER_MINUTES = 1_100_000;

/**
 * Renders the 1m kline rows of the closed minutes in `[startMs, endMs)` of `s` now, and serves later
 * `startTime` pages of 1m klines inside that range from them: byte for byte what rendering gives (a
 * closed minute never changes), for the cost of a copy. For benchmarks, so that a client on the same
 * machine does not share its cores with the simulator's page rendering. Returns the minutes kept.
 */
export function prerenderMinuteKlines(s: SymbolMarket, startMs: number, endMs: number): number {
  const nowUs = s.nowUs();
  const k0 = Math.max(Math.ceil(startMs / 60_000), s.startMinute);
  // Closed minutes only: the one in progress still changes.
  const kEnd = Math.min(Math.ceil(endMs / 60_000), Math.floor(nowUs / US_PER_MINUTE));
  const n = Math.max(0, kEnd - k0);
  if (n > MAX_PRERENDER_MINUTES)
    throw new RangeError(`${n} minutes to render ahead (at most ${MAX_PRERENDER_MINUTES})`);
  const off = new Int32Array(n + 1);
  const rows = new Int32Array(n + 1);
  const w = new ByteWriter();
  w.reserve(n * 180);
  const a = emptyAgg();
  for (let i = 0; i < n; i++) {
    const k = k0 + i;
    off[i] = w.pos;
    rows[i + 1] = rows[i]!;
    s.minuteAgg(k, a, nowUs);
    if (a.count > 0) {
      w.reserve(1);
      w.view.setUint8(w.pos++, 44); // ,
      writeKline(w, s, k * 60_000, k * 60_000 + 59_999, a);
      rows[i + 1]!++;
    }
  }
  off[n] = w.pos;
  MINUTE_ROWS.set(s, { k0, n, bytes: w.take(), off, rows });
  return n;
}

/**
 * Copies the pre-rendered rows of minutes from `k` (inside `c`) up to `lastK`, at most `room` rows, to
 * `w`; `first` when the page has no row yet (no leading comma). Returns the next minute and the rows.
 */
function copyMinuteRows(
  w: ByteWriter,
  c: MinuteRows,
  k: number,
  lastK: number,
  room: number,
  first: boolean,
): [next: number, rows: number] {
  const i = k - c.k0;
  const stop = Math.min(lastK - c.k0 + 1, c.n);
  let e = i;
  const want = c.rows[i]! + room;
  while (e < stop && c.rows[e + 1]! <= want) e++;
  let from = c.off[i]!;
  const to = c.off[e]!;
  if (first && to > from) from++; // the first row of a page has no comma before it
  w.reserve(to - from);
  c.bytes.copy(w.buf, w.pos, from, to);
  w.pos += to - from;
  return [c.k0 + e, c.rows[e]! - c.rows[i]!];
}

/** `GET /api/v3/klines` body for validated arguments (times in ms, inclusive). */
export function klines(
  s: SymbolMarket,
  spanS: number,
  startMs: number | undefined,
  endMs: number | undefined,
  limit: number,
): string {
  return klinesBody(s, spanS, startMs, endMs, limit).toString('latin1');
}

/** Like {@link klines}, as the bytes of the body (ASCII), built without intermediate strings. */
export function klinesBody(
  s: SymbolMarket,
  spanS: number,
  startMs: number | undefined,
  endMs: number | undefined,
  limit: number,
): Buffer {
  const nowUs = s.nowUs();
  const nowMs = Math.floor(nowUs / 1000);
  const b = bucketsFor(spanS);
  const firstK = b.index(s.startMinute * 60_000);
  const nowK = b.index(Math.max(0, nowMs - (nowUs % 1000 === 0 ? 1 : 0)));
  const lastK = Math.min(nowK, endMs === undefined ? nowK : b.index(endMs));
  const w = PAGE;
  // ~170 bytes per row of 1m klines: room for all of them in one allocation.
  w.reserve(2 + Math.min(limit, 1000) * 200);
  w.view.setUint8(w.pos++, 91); // [
  let rows = 0;
  const row = (open: number, close: number, a: Agg) => {
    if (rows++ > 0) {
      w.reserve(1);
      w.view.setUint8(w.pos++, 44); // ,
    }
    writeKline(w, s, open, close, a);
  };
  if (startMs !== undefined) {
    let k = b.index(startMs);
    if (b.open(k) < startMs) k++;
    k = Math.max(k, firstK);
    if (spanS === 60) {
      const a = emptyAgg();
      const ahead = MINUTE_ROWS.get(s);
      for (; k <= lastK && rows < limit; k++) {
        if (ahead !== undefined && k >= ahead.k0 && k < ahead.k0 + ahead.n) {
          const [next, copied] = copyMinuteRows(w, ahead, k, lastK, limit - rows, rows === 0);
          rows += copied;
          k = next - 1;
          continue;
        }
        s.minuteAgg(k, a, nowUs);
        if (a.count > 0) row(k * 60_000, k * 60_000 + 59_999, a);
      }
    } else {
      for (; k <= lastK && rows < limit; k++) {
        const open = b.open(k);
        const next = b.open(k + 1);
        const a = barAgg(s, spanS, open, next, nowUs);
        if (a.count > 0) row(open, next - 1, a);
      }
    }
    w.reserve(1);
    w.view.setUint8(w.pos++, 93); // ]
    return w.take();
  }
  // Newest `limit` bars with open time ≤ endTime (or up to the bar in progress), written ascending.
  const opens: number[] = [];
  const nexts: number[] = [];
  const aggs: Agg[] = [];
  for (let k = lastK; k >= firstK && aggs.length < limit; k--) {
    const open = b.open(k);
    const next = b.open(k + 1);
    const a = barAgg(s, spanS, open, next, nowUs);
    if (a.count > 0) {
      opens.push(open);
      nexts.push(next);
      aggs.push(a);
    }
  }
  for (let i = aggs.length - 1; i >= 0; i--) row(opens[i]!, nexts[i]! - 1, aggs[i]!);
  w.reserve(1);
  w.view.setUint8(w.pos++, 93); // ]
  return w.take();
}

function aggRow(s: SymbolMarket, t: SimTrade): string {
  return `{"a":${t.id},"p":"${px(s, t.price)}","q":"${qty(s, t.size)}","f":${t.id},"l":${t.id},"T":${Math.floor(t.us / 1000)},"m":${!t.buy},"M":true}`;
}

function tradeRow(s: SymbolMarket, t: SimTrade): string {
  const product = t.price * t.size;
  const d = s.spec.priceDecimals + s.spec.sizeDecimals;
  const quoteQty = Number.isSafeInteger(product)
    ? fixed(product, d)
    : fixed(Number((BigInt(t.price) * BigInt(t.size)) / 10n ** BigInt(d - 8)), 8);
  return `{"id":${t.id},"price":"${px(s, t.price)}","qty":"${qty(s, t.size)}","quoteQty":"${quoteQty}","time":${Math.floor(t.us / 1000)},"isBuyerMaker":${!t.buy},"isBestMatch":true}`;
}

/** `GET /api/v3/aggTrades` (one aggregate per trade: a = f = l = trade id). */
export function aggTrades(
  s: SymbolMarket,
  fromId: number | undefined,
  startMs: number | undefined,
  endMs: number | undefined,
  limit: number,
): string {
  const fromUs = startMs === undefined ? undefined : binanceTimeToUs(startMs);
  const toUs = endMs === undefined ? undefined : binanceTimeToUs(endMs) + (endMs >= 1e14 ? 0 : 999);
  let ts: SimTrade[];
  if (fromId !== undefined || fromUs !== undefined) {
    ts = s.forward({
      ...(fromId !== undefined ? { fromId } : {}),
      ...(fromUs !== undefined ? { fromUs } : {}),
      ...(toUs !== undefined ? { toUs } : {}),
      limit,
    });
  } else {
    ts = s.backward({ ...(toUs !== undefined ? { toUs } : {}), limit });
  }
  return `[${ts.map((t) => aggRow(s, t)).join(',')}]`;
}

/** `GET /api/v3/trades` (newest) and `GET /api/v3/historicalTrades` (from `fromId`). */
export function trades(s: SymbolMarket, fromId: number | undefined, limit: number): string {
  const ts = fromId !== undefined ? s.forward({ fromId, limit }) : s.backward({ limit });
  return `[${ts.map((t) => tradeRow(s, t)).join(',')}]`;
}

/** `GET /api/v3/depth`: the book model's current book; `lastUpdateId` lines up with the diff stream. */
export function depth(s: SymbolMarket, limit: number): string {
  const b = bookOf(s);
  const st = b.at(b.currentTick());
  const side = (ls: BookLevel[]) => ls.slice(0, limit).map(([p, q]) => `["${px(s, p)}","${qty(s, q)}"]`);
  return `{"lastUpdateId":${st.updateId},"bids":[${side(st.bids).join(',')}],"asks":[${side(st.asks).join(',')}]}`;
}

/** Minutes per µs helper for callers. */
export const MS_PER_MINUTE = US_PER_MINUTE / 1000;
