/**
 * Ground truth: exactly what a dialect serves, in tickwire's domain form, computed from the same
 * market model (not by parsing responses), so a download can be checked record by record.
 *
 * @module
 */
import { UnknownSymbolError, ValidationError } from '../core/errors.js';
import type { OHLCBar, Trade } from '../core/records.js';
import { bookOf } from './market/book.js';
import type { MarketModel } from './market/model.js';
import { US_PER_MINUTE } from './market/symbol-market.js';
import type { SimExchange } from './market/symbols.js';
import { createDerivativesTruth, type DerivativesTruth } from './truth-derivatives.js';

/** The true order book at one update: price levels `[price, qty]`, bids descending, asks ascending. */
export type TrueBook = {
  bids: [price: number, qty: number][];
  asks: [price: number, qty: number][];
  /** Update id of the book (Binance `lastUpdateId`/`u`; Coinbase REST `sequence`). */
  updateId: number;
  /** Sim time at which this book took effect, epoch ns (a multiple of 100 ms). */
  tsNs: bigint;
};

/** The simulator's answers, in domain form. */
export type GroundTruth = {
  /** The exchange's native ids of every simulated symbol. */
  symbols(): string[];
  /**
   * Every trade with `startNs <= tsNs < endNs`, ascending, as the dialect serves it: `side` is the
   * taker's side; `tsNs` is quantised to what the wire carries (Binance ms, Coinbase and Kraken µs);
   * `price`/`amount` are the numbers the served decimal strings denote; `id` as a string.
   */
  trades(symbol: string, startNs: bigint, endNs: bigint): Trade[];
  /**
   * Bars of `spanS` seconds (a multiple of 60) with open time in `[startNs, endNs)`, ascending, as the
   * dialect serves them. Buckets without trades are OMITTED (the simulator never serves empty bars).
   * The bar holding "now" covers the trades before now. Bars are aligned to the epoch, except Binance's
   * weekly bars, which open on Monday 00:00 UTC as on Binance.
   */
  bars(symbol: string, spanS: number, startNs: bigint, endNs: bigint): OHLCBar[];
  /**
   * The book every dialect serves (REST depth/book, WebSocket snapshots and diffs) as of sim time
   * `at` (epoch ns; the book changes every 100 ms of sim time) or as of update id `at.updateId` (the
   * book after the diff event whose `u` is that id). `depth` levels per side (default all, up to
   * 1000 price steps from the touch). Never later than now.
   */
  book(symbol: string, at: bigint | { updateId: number }, depth?: number): TrueBook;
  /**
   * Funding, open interest, mark/index/premium candles, liquidations and the live mark state of every
   * symbol, from the derivatives model over the same trades (meaningful for the perpetuals of the
   * derivatives dialects).
   */
  derivatives: DerivativesTruth;
};

/** Trade time quantum per exchange, in µs. */
export const TIME_QUANTUM_US: Readonly<Record<SimExchange, number>> = {
  binance: 1000,
  coinbase: 1,
  kraken: 1,
  'binance-usdm': 1000,
};

/** Offset of bar alignment from the epoch, seconds (Binance weeks open on Monday, 4 days after). */
export function barOffsetS(exchange: SimExchange, spanS: number): number {
  return (exchange === 'binance' || exchange === 'binance-usdm') && spanS === 604_800 ? 345_600 : 0;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b < a ? q + 1n : q;
}

/** Builds the {@link GroundTruth} of a market model. */
export function createGroundTruth(model: MarketModel): GroundTruth {
  const q = TIME_QUANTUM_US[model.exchange];
  const lookup = (symbol: string) => {
    const s = model.find(symbol);
    if (!s)
      throw new UnknownSymbolError(
        model.exchange,
        symbol,
        model.symbols.map((x) => x.spec.id),
      );
    return s;
  };
  return {
    derivatives: createDerivativesTruth(lookup, model.nowUs),
    symbols: () => model.symbols.map((s) => s.spec.id),
    trades(symbol, startNs, endNs) {
      const s = lookup(symbol);
      const qNs = BigInt(q) * 1000n;
      const fromUs = Number(ceilDiv(startNs, qNs)) * q;
      const toUs = Number(ceilDiv(endNs, qNs)) * q - 1;
      if (toUs < fromUs) return [];
      const p = 10 ** s.spec.priceDecimals;
      const l = 10 ** s.spec.sizeDecimals;
      return s.forward({ fromUs, toUs, limit: Number.POSITIVE_INFINITY }).map((t) => ({
        id: String(t.id),
        tsNs: BigInt(Math.floor(t.us / q) * q) * 1000n,
        price: t.price / p,
        amount: t.size / l,
        side: t.buy ? 'buy' : 'sell',
      }));
    },
    book(symbol, at, depth = Number.POSITIVE_INFINITY) {
      const s = lookup(symbol);
      const b = bookOf(s);
      let k: number;
      if (typeof at === 'bigint') k = b.tickOf(Number(at / 1000n));
      else if (typeof at === 'object' && at !== null && Number.isSafeInteger(at.updateId)) {
        k = b.tickOfUpdateId(at.updateId);
      } else throw new ValidationError('at', at, 'a bigint of epoch ns or { updateId: an integer }');
      if (!(depth >= 1)) throw new ValidationError('depth', depth, 'a number ≥ 1');
      k = Math.min(k, b.currentTick());
      const st = b.at(k);
      const p = 10 ** s.spec.priceDecimals;
      const l = 10 ** s.spec.sizeDecimals;
      const side = (ls: typeof st.bids) =>
        ls.slice(0, depth).map(([px, q]): [number, number] => [px / p, q / l]);
      return {
        bids: side(st.bids),
        asks: side(st.asks),
        updateId: st.updateId,
        tsNs: BigInt(k) * 100_000_000n,
      };
    },
    bars(symbol, spanS, startNs, endNs) {
      const s = lookup(symbol);
      if (!Number.isInteger(spanS) || spanS <= 0 || spanS % 60 !== 0) {
        throw new ValidationError('spanS', spanS, 'a positive multiple of 60 seconds');
      }
      const spanMin = spanS / 60;
      const offMin = barOffsetS(model.exchange, spanS) / 60;
      const startMin = Number(ceilDiv(startNs, 60_000_000_000n));
      let m = Math.ceil((startMin - offMin) / spanMin) * spanMin + offMin;
      const endMin = Number(ceilDiv(endNs, 60_000_000_000n)); // open minutes < this
      const nowUs = model.nowUs();
      const nowMin = Math.floor(nowUs / US_PER_MINUTE);
      const p = 10 ** s.spec.priceDecimals;
      const l = 10 ** s.spec.sizeDecimals;
      const out: OHLCBar[] = [];
      m = Math.max(m, Math.floor((s.startMinute - offMin) / spanMin) * spanMin + offMin);
      for (; m < endMin && m <= nowMin; m += spanMin) {
        if (BigInt(m) * 60_000_000_000n < startNs) continue;
        const a = s.rangeAgg(m, m + spanMin, nowUs);
        if (a.count === 0) continue;
        out.push({
          tsNs: BigInt(m) * 60_000_000_000n,
          open: a.open / p,
          high: a.high / p,
          low: a.low / p,
          close: a.close / p,
          volume: a.volume / l,
        });
      }
      return out;
    },
  };
}
