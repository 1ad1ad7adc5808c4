/**
 * The simulated markets of each exchange: native ids, assets, precisions and trading intensity.
 * Prices and sizes live as integers (ticks of `10^-priceDecimals`, lots of `10^-sizeDecimals`).
 *
 * @module
 */

/** The exchanges the simulator speaks. */
export const SIM_EXCHANGES = ['binance', 'coinbase', 'kraken', 'binance-usdm'] as const;

/** One of {@link SIM_EXCHANGES}. */
export type SimExchange = (typeof SIM_EXCHANGES)[number];

/** How one simulated symbol behaves and is named. */
export type SymbolSpec = {
  /** Stable small integer mixed into every hash, distinct per exchange and symbol. */
  key: number;
  /** The exchange's native id (`BTCUSDT`, `BTC-USD`, `XXBTZUSD`). */
  id: string;
  /** Other ids the exchange accepts for the same market (Kraken's altname `XBTUSD`). */
  aliases: readonly string[];
  /** Kraken's `wsname` (`XBT/USD`); the display name elsewhere. */
  wsname: string;
  /** Base asset as the exchange names it (`BTC`, `XXBT`). */
  base: string;
  /** Quote asset as the exchange names it (`USDT`, `ZUSD`). */
  quote: string;
  /** Digits after the point of the price tick. */
  priceDecimals: number;
  /** Digits after the point of the size lot. */
  sizeDecimals: number;
  /** Price level around which the random walk wanders (quote units). */
  basePrice: number;
  /** Standard deviation of the log price from one minute to the next. */
  sigmaPerMinute: number;
  /** Mean trades per second (liquid symbols); scales the trade probability of illiquid ones. */
  tradesPerSecond: number;
  /** Mean trade size in base units. */
  meanSize: number;
  /** Illiquid: most hours see no trade at all, active hours see a trade every few minutes. */
  illiquid: boolean;
  /** Spot or perpetual swap (derivatives dialects). @default 'spot' */
  type?: 'spot' | 'perpetual';
  /** Base units per contract for exchanges that count in contracts (OKX `ctVal`). @default 1 */
  contractSize?: number;
};

type Row = Omit<SymbolSpec, 'key' | 'aliases' | 'wsname'> & { aliases?: string[]; wsname?: string };

const BTC = {
  basePrice: 30_000,
  sigmaPerMinute: 0.0007,
  tradesPerSecond: 20,
  meanSize: 0.02,
  illiquid: false,
};
const ETH = { basePrice: 2_000, sigmaPerMinute: 0.0009, tradesPerSecond: 5, meanSize: 0.3, illiquid: false };
const ZEC = { basePrice: 40, sigmaPerMinute: 0.0015, tradesPerSecond: 1, meanSize: 2, illiquid: true };

const TABLE: Record<SimExchange, Row[]> = {
  binance: [
    { id: 'BTCUSDT', base: 'BTC', quote: 'USDT', priceDecimals: 2, sizeDecimals: 5, ...BTC },
    { id: 'ETHUSDT', base: 'ETH', quote: 'USDT', priceDecimals: 2, sizeDecimals: 4, ...ETH },
    { id: 'ZECUSDT', base: 'ZEC', quote: 'USDT', priceDecimals: 2, sizeDecimals: 3, ...ZEC },
  ],
  coinbase: [
    { id: 'BTC-USD', base: 'BTC', quote: 'USD', priceDecimals: 2, sizeDecimals: 8, ...BTC },
    { id: 'ETH-USD', base: 'ETH', quote: 'USD', priceDecimals: 2, sizeDecimals: 8, ...ETH },
    { id: 'ZEC-USD', base: 'ZEC', quote: 'USD', priceDecimals: 2, sizeDecimals: 8, ...ZEC },
  ],
  'binance-usdm': [
    {
      id: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      priceDecimals: 1,
      sizeDecimals: 3,
      type: 'perpetual',
      ...BTC,
    },
    {
      id: 'ETHUSDT',
      base: 'ETH',
      quote: 'USDT',
      priceDecimals: 2,
      sizeDecimals: 3,
      type: 'perpetual',
      ...ETH,
    },
    {
      id: 'ZECUSDT',
      base: 'ZEC',
      quote: 'USDT',
      priceDecimals: 2,
      sizeDecimals: 3,
      type: 'perpetual',
      ...ZEC,
    },
  ],
  kraken: [
    {
      id: 'XXBTZUSD',
      aliases: ['XBTUSD'],
      wsname: 'XBT/USD',
      base: 'XXBT',
      quote: 'ZUSD',
      priceDecimals: 1,
      sizeDecimals: 8,
      ...BTC,
    },
    {
      id: 'XETHZUSD',
      aliases: ['ETHUSD'],
      wsname: 'ETH/USD',
      base: 'XETH',
      quote: 'ZUSD',
      priceDecimals: 2,
      sizeDecimals: 8,
      ...ETH,
    },
    {
      id: 'XZECZUSD',
      aliases: ['ZECUSD'],
      wsname: 'ZEC/USD',
      base: 'XZEC',
      quote: 'ZUSD',
      priceDecimals: 2,
      sizeDecimals: 8,
      ...ZEC,
    },
  ],
};

/** Per-symbol overrides accepted in `SimulatorOptions.markets.symbols`. */
export type SymbolOverride = {
  /** Mean trades per second of a liquid symbol; for an illiquid one, scales its trade probability. */
  tradesPerSecond?: number;
  /** Price level around which the walk wanders. */
  basePrice?: number;
};

/** The symbol specs of one exchange, with overrides applied (keyed by native id). */
export function symbolSpecs(
  exchange: SimExchange,
  overrides: Readonly<Record<string, SymbolOverride>> = {},
): SymbolSpec[] {
  const exIndex = SIM_EXCHANGES.indexOf(exchange);
  return TABLE[exchange].map((row, i) => {
    const o = overrides[row.id] ?? {};
    return {
      ...row,
      key: exIndex * 16 + i,
      aliases: row.aliases ?? [],
      wsname: row.wsname ?? `${row.base}/${row.quote}`,
      tradesPerSecond: o.tradesPerSecond ?? row.tradesPerSecond,
      basePrice: o.basePrice ?? row.basePrice,
    };
  });
}

/** The native ids of every simulated symbol, per exchange (before overrides). */
export function nativeIds(exchange: SimExchange): string[] {
  return TABLE[exchange].map((r) => r.id);
}
