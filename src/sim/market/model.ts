/**
 * The market of one simulated exchange: its symbols (looked up by native id or alias) and the clock.
 * A later WebSocket task reads trades and a book from the same object.
 *
 * @module
 */
import { SymbolMarket, US_PER_MINUTE } from './symbol-market.js';
import { type SimExchange, type SymbolOverride, type SymbolSpec, symbolSpecs } from './symbols.js';

/** What a {@link MarketModel} needs. */
export type MarketModelOptions = {
  exchange: SimExchange;
  seed: number;
  /** History start, epoch µs (floored to a minute). */
  historyStartUs: number;
  /** The market clock, epoch µs. */
  nowUs: () => number;
  overrides?: Readonly<Record<string, SymbolOverride>>;
};

/** All symbols of one exchange, lazily evaluated. */
export class MarketModel {
  readonly exchange: SimExchange;
  readonly symbols: readonly SymbolMarket[];
  readonly nowUs: () => number;
  readonly #byName = new Map<string, SymbolMarket>();

  constructor(o: MarketModelOptions) {
    this.exchange = o.exchange;
    this.nowUs = o.nowUs;
    const startMinute = Math.floor(o.historyStartUs / US_PER_MINUTE);
    this.symbols = symbolSpecs(o.exchange, o.overrides).map(
      (spec) => new SymbolMarket(spec, o.seed, startMinute, o.nowUs),
    );
    for (const s of this.symbols) {
      this.#byName.set(s.spec.id, s);
      for (const a of s.spec.aliases) this.#byName.set(a, s);
    }
  }

  /** The symbol named by a native id or alias, or undefined. */
  find(name: string): SymbolMarket | undefined {
    return this.#byName.get(name);
  }

  /** Specs of every symbol. */
  specs(): SymbolSpec[] {
    return this.symbols.map((s) => s.spec);
  }
}
