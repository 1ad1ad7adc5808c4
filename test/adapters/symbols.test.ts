import { describe, expect, it } from 'vitest';
import { parseBinanceMarkets } from '../../src/adapters/binance/symbols.js';
import { parseCoinbaseMarkets } from '../../src/adapters/coinbase/symbols.js';
import { krakenEnvelope } from '../../src/adapters/kraken/parse.js';
import { parseKrakenMarkets } from '../../src/adapters/kraken/symbols.js';
import { editDistance, MarketIndex } from '../../src/adapters/symbols.js';
import { fixture } from '../helpers/adapters-fixtures.js';

const binance = new MarketIndex('binance', parseBinanceMarkets(fixture('binance', 'exchange-info')));
const coinbase = new MarketIndex('coinbase', parseCoinbaseMarkets(fixture('coinbase', 'products')));
const kraken = new MarketIndex(
  'kraken',
  parseKrakenMarkets(krakenEnvelope(fixture('kraken', 'asset-pairs')).result ?? {}),
);

describe('MarketIndex', () => {
  it('accepts native ids and unified BASE/QUOTE on Binance, in any case', () => {
    for (const s of ['BTCUSDT', 'btcusdt', 'BTC/USDT', 'btc-usdt', 'BTC_USDT'])
      expect(binance.resolve(s).id).toBe('BTCUSDT');
  });

  it('accepts BTC-USD and BTC/USD on Coinbase', () => {
    for (const s of ['BTC-USD', 'BTC/USD', 'btcusd']) expect(coinbase.resolve(s).id).toBe('BTC-USD');
  });

  it("accepts Kraken's four names and XBT/BTC both ways", () => {
    for (const s of ['XXBTZUSD', 'XBTUSD', 'XBT/USD', 'BTC/USD', 'btcusd', 'xbt-usd']) {
      expect(kraken.resolve(s)).toMatchObject({ id: 'XBTUSD', symbol: 'BTC/USD' });
    }
    expect(kraken.resolve('ETH/BTC').id).toBe('ETHXBT');
    expect(kraken.resolve('XETHXXBT').id).toBe('ETHXBT');
    expect(kraken.resolve('DOGE/USD').id).toBe('XDGUSD');
  });

  it('throws UnknownSymbolError with near matches', () => {
    expect(() => binance.resolve('BTC/USDX')).toThrow(
      expect.objectContaining({ name: 'UnknownSymbolError', code: 'ERR_UNKNOWN_SYMBOL', symbol: 'BTC/USDX' }),
    );
    expect(binance.suggest('BTC/USDX')[0]).toBe('BTC/USDT');
    expect(coinbase.suggest('BTC-EUR')).toContain('BTC/USD');
    expect(kraken.suggest('XBTUSDT')).toContain('BTC/USD');
    expect(binance.suggest('ZZZZZZZZ')).toEqual([]);
  });

  it('refuses an ambiguous compact spelling instead of guessing', () => {
    const idx = new MarketIndex('x', [
      { id: 'AB-CD', symbol: 'AB/CD', base: 'AB', quote: 'CD', aliases: [], active: true },
      { id: 'ABC-D', symbol: 'ABC/D', base: 'ABC', quote: 'D', aliases: [], active: true },
    ]);
    expect(idx.find('ABCD')).toBeUndefined();
    expect(idx.find('ab/cd')?.id).toBe('AB-CD');
  });

  it('computes edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
