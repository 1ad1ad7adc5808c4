/**
 * Markets and symbol resolution shared by every adapter: an exchange's market list indexed by every
 * accepted spelling, and near-match suggestions for an unknown one.
 *
 * @module
 */
import { UnknownSymbolError } from '../core/errors.js';
import type { InstrumentType } from '../core/records.js';

/** One tradable pair of an exchange. */
export type Market = {
  /** The id the exchange's REST API takes: `BTCUSDT`, `BTC-USD`, Kraken's altname `XBTUSD`. */
  id: string;
  /** The unified `BASE/QUOTE` form with common asset codes (`BTC/USD`, never `XBT`). */
  symbol: string;
  /** Unified base asset (`BTC`). */
  base: string;
  /** Unified quote asset (`USD`). */
  quote: string;
  /** Every other accepted spelling, e.g. Kraken's `XXBTZUSD` key and `XBT/USD` wsname. */
  aliases: readonly string[];
  /** False when the exchange lists the market but does not trade it (halted, delisted). */
  active: boolean;
  /** Spot, perpetual swap or dated future. @default 'spot' */
  type?: InstrumentType;
  /** Settlement asset of a derivative (`USDT` in `BTC/USDT:USDT`). */
  settle?: string;
  /**
   * Base units per contract, for exchanges that count sizes in contracts (OKX `ctVal × ctMult`); the
   * adapter converts at its edge. @default 1
   */
  contractSize?: number;
};

/** Asset codes a guessed market may be built from: letters and digits, as every listed exchange spells them. */
const GUESSABLE_ASSET = /^[A-Z0-9]{1,20}$/;

/**
 * The spot market a unified `BASE/QUOTE` symbol most likely is where the exchange's id is the two codes
 * joined by `separator` (Binance `''`: `BTCUSDT`; Coinbase `'-'`: `BTC-USD`). `undefined` for any other
 * spelling. A guess only: it must be confirmed against the market list (see {@link sameMarket}).
 */
export function guessSpotMarket(symbol: string, separator: string): Market | undefined {
  if (typeof symbol !== 'string') return undefined;
  const parts = symbol.trim().toUpperCase().split('/');
  if (parts.length !== 2) return undefined;
  const [base, quote] = parts as [string, string];
  if (!GUESSABLE_ASSET.test(base) || !GUESSABLE_ASSET.test(quote)) return undefined;
  return {
    id: `${base}${separator}${quote}`,
    symbol: `${base}/${quote}`,
    base,
    quote,
    aliases: [],
    active: true,
  };
}

/**
 * True when a request built for `a` is the request that would be built for `b`: same id, unified symbol,
 * instrument type, settlement asset and contract size (the fields adapters read when they fetch).
 */
export function sameMarket(a: Market, b: Market): boolean {
  return (
    a.id === b.id &&
    a.symbol === b.symbol &&
    (a.type ?? 'spot') === (b.type ?? 'spot') &&
    a.settle === b.settle &&
    (a.contractSize ?? 1) === (b.contractSize ?? 1)
  );
}

/** Upper-cases and removes the separators `/ - _ :` and spaces: `btc-usd` → `BTCUSD`. */
export function compactSymbol(text: string): string {
  return text.toUpperCase().replace(/[\s/\-_:]/g, '');
}

/**
 * An exchange's markets, indexed by every accepted spelling. Exact spellings (case-insensitive) win;
 * a spelling with other separators (`BTC-USDT`, `btcusdt` on Binance) is accepted when it names exactly
 * one market.
 */
export class MarketIndex {
  /** The exchange id, for errors. */
  readonly exchange: string;
  /** Every market, in the exchange's order. */
  readonly markets: readonly Market[];
  readonly #exact = new Map<string, Market>();
  readonly #compact = new Map<string, Market | null>();

  constructor(exchange: string, markets: readonly Market[]) {
    this.exchange = exchange;
    this.markets = markets;
    for (const m of markets) {
      for (const name of [m.id, m.symbol, ...m.aliases]) {
        const upper = name.toUpperCase();
        if (!this.#exact.has(upper)) this.#exact.set(upper, m);
        const compact = compactSymbol(name);
        const seen = this.#compact.get(compact);
        // null marks an ambiguous compact spelling: two markets share it, so it cannot resolve alone.
        this.#compact.set(compact, seen === undefined || seen === m ? m : null);
      }
    }
  }

  /** The market `symbol` names, or `undefined`. */
  find(symbol: string): Market | undefined {
    const exact = this.#exact.get(symbol.trim().toUpperCase());
    if (exact) return exact;
    return this.#compact.get(compactSymbol(symbol)) ?? undefined;
  }

  /** The market `symbol` names; throws `UnknownSymbolError` with near matches otherwise. */
  resolve(symbol: string): Market {
    const found = this.find(symbol);
    if (found) return found;
    throw new UnknownSymbolError(this.exchange, symbol, this.suggest(symbol));
  }

  /**
   * Up to `max` unified symbols close to `symbol`, best first: small edit distance on the compact form,
   * then markets sharing the base asset; active markets first on a tie.
   */
  suggest(symbol: string, max = 5): string[] {
    const wanted = compactSymbol(symbol);
    const [wantedBase] = symbol.toUpperCase().split(/[\s/\-_:]/);
    const scored: { symbol: string; score: number; active: boolean }[] = [];
    for (const m of this.markets) {
      let best = Number.POSITIVE_INFINITY;
      for (const name of [m.id, m.symbol, ...m.aliases]) {
        best = Math.min(best, editDistance(wanted, compactSymbol(name)));
      }
      const limit = Math.max(2, Math.floor(wanted.length / 3));
      if (best <= limit) scored.push({ symbol: m.symbol, score: best, active: m.active });
      else if (
        wantedBase &&
        wantedBase !== wanted &&
        (m.base === wantedBase || m.id.startsWith(wantedBase))
      ) {
        scored.push({ symbol: m.symbol, score: limit + 1, active: m.active });
      }
    }
    scored.sort(
      (a, b) => a.score - b.score || Number(b.active) - Number(a.active) || a.symbol.localeCompare(b.symbol),
    );
    return [...new Set(scored.map((s) => s.symbol))].slice(0, max);
  }
}

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}
