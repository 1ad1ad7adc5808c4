import { describe, expect, it } from 'vitest';
import { binanceInterval } from '../../../src/adapters/binance/capabilities.js';
import { binanceError } from '../../../src/adapters/binance/errors.js';
import {
  parseBinanceAggTrades,
  parseBinanceKlines,
  parseBinanceTime,
} from '../../../src/adapters/binance/parse.js';
import { parseBinanceMarkets } from '../../../src/adapters/binance/symbols.js';
import { HTTPError } from '../../../src/core/errors.js';
import { fixture, fixtureText } from '../../helpers/adapters-fixtures.js';

describe('binance parse', () => {
  it('turns kline rows into bars with ms converted to ns once', () => {
    const bars = parseBinanceKlines(fixture('binance', 'klines'));
    expect(bars).toEqual([
      {
        tsNs: 1499040000000_000000n,
        open: 0.0163479,
        high: 0.8,
        low: 0.015758,
        close: 0.015771,
        volume: 148976.11427815,
      },
      {
        tsNs: 1499040060000_000000n,
        open: 0.015771,
        high: 0.0159,
        low: 0.0157,
        close: 0.01585,
        volume: 1200.5,
      },
    ]);
  });

  it('drops the in-progress bar whose close time is not yet past', () => {
    const now = 1700000090000_000000n; // inside the second bar
    const bars = parseBinanceKlines(fixture('binance', 'klines-in-progress'), now);
    expect(bars.map((b) => b.tsNs)).toEqual([1700000000000_000000n]);
    expect(parseBinanceKlines(fixture('binance', 'klines-in-progress'), 1700000120000_000000n)).toHaveLength(
      2,
    );
  });

  it('turns aggTrades into trades with the taker side', () => {
    const trades = parseBinanceAggTrades(fixture('binance', 'aggtrades'));
    expect(trades).toEqual([
      {
        id: '26129',
        aggId: 26129,
        tsNs: 1498793709153_000000n,
        price: 0.01633102,
        amount: 4.70443515,
        side: 'sell',
      },
      { id: '26130', aggId: 26130, tsNs: 1498793709153_000000n, price: 0.016332, amount: 0.1, side: 'buy' },
    ]);
  });

  it('rejects malformed rows with a ProtocolError', () => {
    expect(() => parseBinanceKlines([[1, 'x']])).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
    expect(() => parseBinanceAggTrades([{ a: 1, p: '1', q: '1', T: 1, m: 'yes' }])).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'ERR_PROTOCOL' }),
    );
    expect(() => parseBinanceKlines({ code: -1121 })).toThrow(
      expect.objectContaining({ code: 'ERR_PROTOCOL' }),
    );
  });

  it('parses the server time and the market list', () => {
    expect(parseBinanceTime(fixture('binance', 'time'))).toBe(1499827319559_000000n);
    const markets = parseBinanceMarkets(fixture('binance', 'exchange-info'));
    expect(markets.map((m) => [m.id, m.symbol, m.active])).toEqual([
      ['BTCUSDT', 'BTC/USDT', true],
      ['ETHUSDT', 'ETH/USDT', true],
      ['ETHBTC', 'ETH/BTC', true],
      ['BTCUSDC', 'BTC/USDC', false],
    ]);
  });

  it('maps interval seconds to Binance names', () => {
    expect(binanceInterval(60)).toBe('1m');
    expect(binanceInterval(14_400)).toBe('4h');
    expect(binanceInterval(7)).toBeUndefined();
  });
});

describe('binance errors', () => {
  const http = (status: number, name: string) =>
    new HTTPError(status, 'https://api.binance.com/api/v3/klines?symbol=X', fixtureText('binance', name));

  it('maps -1121 to UnknownSymbolError naming the symbol', () => {
    expect(binanceError(http(400, 'error-invalid-symbol'), { symbol: 'BTCXYZ' })).toMatchObject({
      name: 'UnknownSymbolError',
      code: 'ERR_UNKNOWN_SYMBOL',
      symbol: 'BTCXYZ',
    });
  });

  it('maps -1120 to UnsupportedSpanError listing the spans', () => {
    const err = binanceError(http(400, 'error-invalid-interval'), { span: 7 });
    expect(err).toMatchObject({ name: 'UnsupportedSpanError', code: 'ERR_UNSUPPORTED_SPAN', span: 7 });
    expect((err as unknown as { supported: number[] }).supported).toContain(60);
  });

  it('maps 429/418/-1003 to RateLimitedError', () => {
    expect(binanceError(http(429, 'error-too-much-weight'))).toMatchObject({
      code: 'ERR_RATE_LIMITED',
      status: 429,
    });
    expect(binanceError(new HTTPError(418, 'https://x/', ''))).toMatchObject({
      code: 'ERR_RATE_LIMITED',
      status: 418,
    });
  });

  it('keeps a 5xx as HTTPError and other coded bodies as ExchangeError', () => {
    expect(binanceError(new HTTPError(503, 'https://x/', '<html>'))).toMatchObject({
      name: 'HTTPError',
      status: 503,
    });
    expect(binanceError(new HTTPError(400, 'https://x/', '{"code":-1130,"msg":"bad"}'))).toMatchObject({
      name: 'ExchangeError',
      exchangeCode: '-1130',
    });
  });
});
