import { describe, expect, it } from 'vitest';
import { coinbaseError } from '../../../src/adapters/coinbase/errors.js';
import {
  parseCoinbaseCandles,
  parseCoinbaseTime,
  parseCoinbaseTrades,
} from '../../../src/adapters/coinbase/parse.js';
import { parseCoinbaseMarkets } from '../../../src/adapters/coinbase/symbols.js';
import { HTTPError } from '../../../src/core/errors.js';
import { fixture, fixtureText } from '../../helpers/adapters-fixtures.js';

const S = 1_000_000_000n;

describe('coinbase parse', () => {
  it('reorders newest-first numeric candles and reads low/high before open/close', () => {
    const bars = parseCoinbaseCandles(fixture('coinbase', 'candles'), 60);
    expect(bars.map((b) => b.tsNs)).toEqual([
      1591514100n * S,
      1591514160n * S,
      1591514220n * S,
      1591514280n * S,
    ]);
    expect(bars[2]).toEqual({
      tsNs: 1591514220n * S,
      open: 0.02507,
      high: 0.02512,
      low: 0.02505,
      close: 0.0251,
      volume: 0.75,
    });
  });

  it('filters rows outside the window and unfinished buckets', () => {
    const bars = parseCoinbaseCandles(
      fixture('coinbase', 'candles'),
      60,
      { startNs: 1591514160n * S, endNs: 1591514280n * S },
      1591514300n * S, // the 1591514280 bucket ends at ...340: still forming
    );
    expect(bars.map((b) => b.tsNs)).toEqual([1591514160n * S, 1591514220n * S]);
  });

  it('turns the maker side into the taker side and accepts a string trade_id', () => {
    const trades = parseCoinbaseTrades(fixture('coinbase', 'trades'));
    expect(trades.map((t) => [t.id, t.tradeId, t.side])).toEqual([
      ['86327329', 86327329, 'sell'],
      ['86327328', 86327328, 'buy'],
      ['86327327', 86327327, 'buy'],
    ]);
    expect(trades[0]?.tsNs).toBe(1584664621123456000n);
    expect(trades[1]?.tsNs).toBe(1584664620000000000n);
    expect(trades[2]).toMatchObject({ tsNs: 1584664619860000000n, price: 6225.32, amount: 0.06469797 });
  });

  it('rejects a bad side or id with a ProtocolError', () => {
    const row = { time: '2020-03-20T00:36:59Z', trade_id: 1, price: '1', size: '1', side: 'up' };
    expect(() => parseCoinbaseTrades([row])).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
    expect(() => parseCoinbaseTrades([{ ...row, side: 'buy', trade_id: 'x1' }])).toThrow(
      expect.objectContaining({ code: 'ERR_PROTOCOL' }),
    );
  });

  it('parses time and products (odd ids split on the dash)', () => {
    expect(parseCoinbaseTime(fixture('coinbase', 'time'))).toBe(1589270451504000000n);
    const markets = parseCoinbaseMarkets(fixture('coinbase', 'products'));
    expect(markets.map((m) => [m.id, m.symbol, m.active])).toEqual([
      ['BTC-USD', 'BTC/USD', true],
      ['ETH-USD', 'ETH/USD', true],
      ['BTCAUCTION-USD', 'BTCAUCTION/USD', false],
      ['ETH-BTC', 'ETH/BTC', true],
    ]);
  });
});

describe('coinbase errors', () => {
  const http = (status: number, name: string) =>
    new HTTPError(
      status,
      'https://api.exchange.coinbase.com/products/X/candles',
      fixtureText('coinbase', name),
    );

  it('maps NotFound to UnknownSymbolError, granularity to UnsupportedSpanError, 429 to RateLimitedError', () => {
    expect(coinbaseError(http(404, 'error-not-found'), { symbol: 'BTC-XYZ' })).toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
      symbol: 'BTC-XYZ',
    });
    expect(coinbaseError(http(400, 'error-granularity'), { span: 14_400 })).toMatchObject({
      code: 'ERR_UNSUPPORTED_SPAN',
      span: 14_400,
      supported: [60, 300, 900, 3600, 21_600, 86_400],
    });
    expect(coinbaseError(http(429, 'error-rate-limit'))).toMatchObject({
      code: 'ERR_RATE_LIMITED',
      status: 429,
    });
  });

  it('reports the 300-bucket rejection as ExchangeError and keeps 5xx as HTTPError', () => {
    expect(coinbaseError(http(400, 'error-exceeds-300'))).toMatchObject({
      name: 'ExchangeError',
      code: 'ERR_EXCHANGE',
    });
    expect(coinbaseError(new HTTPError(502, 'https://x/', 'bad gateway'))).toMatchObject({
      name: 'HTTPError',
    });
  });
});
