import { describe, expect, it } from 'vitest';
import { classifyKrakenErrors, mapKrakenError } from '../../../src/adapters/kraken/errors.js';
import {
  krakenEnvelope,
  parseKrakenOhlc,
  parseKrakenTime,
  parseKrakenTrades,
} from '../../../src/adapters/kraken/parse.js';
import { krakenAsset, parseKrakenMarkets } from '../../../src/adapters/kraken/symbols.js';
import { HTTPError } from '../../../src/core/errors.js';
import { fixture, fixtureText } from '../../helpers/adapters-fixtures.js';

const S = 1_000_000_000n;
const result = (name: string) => {
  const env = krakenEnvelope(fixture('kraken', name));
  if (!env.result) throw new Error('no result');
  return env.result;
};

describe('kraken parse', () => {
  it('reads OHLC rows with VWAP at 5 and volume at 6, skipping the sibling last and the open bar', () => {
    const { key, bars, last } = parseKrakenOhlc(result('ohlc'), 60);
    expect(key).toBe('XXBTZUSD');
    expect(last).toBe(1688671260);
    expect(bars).toEqual([
      {
        tsNs: 1688671200n * S,
        open: 30306.1,
        high: 30306.2,
        low: 30305.7,
        close: 30305.7,
        volume: 3.39243896,
      },
      { tsNs: 1688671260n * S, open: 30304.5, high: 30304.5, low: 30300, close: 30300, volume: 4.42996871 },
    ]);
  });

  it('keeps bars that have closed before nowNs, including the last row', () => {
    expect(parseKrakenOhlc(result('ohlc'), 60, 1688671380n * S).bars).toHaveLength(3);
    expect(parseKrakenOhlc(result('ohlc'), 60, 1688671379n * S).bars).toHaveLength(2);
  });

  it('reads 7-field trades with the ns cursor kept as an exact string', () => {
    const { trades, last } = parseKrakenTrades(result('trades'));
    expect(last).toBe('1688671969993150842');
    expect(trades).toEqual([
      {
        id: '61044952',
        tradeId: 61044952,
        tsNs: 1688669597827737000n,
        price: 30243.4,
        amount: 0.34507674,
        side: 'buy',
      },
      {
        id: '61044953',
        tradeId: 61044953,
        tsNs: 1688669598280411000n,
        price: 30243.3,
        amount: 0.0037696,
        side: 'sell',
      },
    ]);
  });

  it('gives 6-field trades (no trade_id) distinct ids even at equal times', () => {
    const { trades } = parseKrakenTrades(result('trades-6field'));
    expect(trades.map((t) => t.id)).toEqual([
      '1534614057321597000-0',
      '1534614057321597000-1',
      '1534614058500000000-0',
    ]);
    expect(trades.every((t) => t.tradeId === undefined)).toBe(true);
  });

  it('parses the time; rejects a result with no pair key', () => {
    expect(parseKrakenTime(result('time'))).toBe(1788415303n * S);
    expect(() => parseKrakenTrades({ last: '1' })).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
  });
});

describe('kraken symbols', () => {
  it('strips X/Z prefixes and maps XBT to BTC, XDG to DOGE', () => {
    expect(['XXBT', 'ZUSD', 'XETH', 'XBT', 'DOT', 'XXDG', 'USDT'].map(krakenAsset)).toEqual([
      'BTC',
      'USD',
      'ETH',
      'BTC',
      'DOT',
      'DOGE',
      'USDT',
    ]);
  });

  it('gives each pair its altname id, unified symbol and the key and wsname as aliases', () => {
    const markets = parseKrakenMarkets(result('asset-pairs'));
    expect(markets[0]).toEqual({
      id: 'XBTUSD',
      symbol: 'BTC/USD',
      base: 'BTC',
      quote: 'USD',
      aliases: ['XXBTZUSD', 'XBT/USD'],
      active: true,
    });
    expect(markets.map((m) => m.symbol)).toEqual(['BTC/USD', 'ETH/USD', 'ETH/BTC', 'DOGE/USD', 'DOT/USD']);
  });
});

describe('kraken errors', () => {
  const errs = (name: string) => krakenEnvelope(fixture('kraken', name)).errors;

  it('retries the HTTP-200 throttle as rate-limited and EService as plain retry', () => {
    expect(classifyKrakenErrors(errs('error-throttle'))).toMatchObject({ kind: 'retry', rateLimited: true });
    expect(classifyKrakenErrors(errs('error-unavailable'))).toMatchObject({
      kind: 'retry',
      rateLimited: false,
    });
  });

  it('fails unknown pairs and bad intervals with typed errors', () => {
    expect(classifyKrakenErrors(errs('error-unknown-pair'), { symbol: 'FOO/BAR' })).toMatchObject({
      kind: 'fail',
      error: { code: 'ERR_UNKNOWN_SYMBOL', symbol: 'FOO/BAR' },
    });
    expect(classifyKrakenErrors(errs('error-invalid-arguments'), { span: 120 })).toMatchObject({
      kind: 'fail',
      error: { code: 'ERR_UNSUPPORTED_SPAN', span: 120 },
    });
    expect(classifyKrakenErrors(errs('error-invalid-arguments'))).toMatchObject({
      kind: 'fail',
      error: { code: 'ERR_EXCHANGE', exchangeCode: 'EGeneral:Invalid arguments' },
    });
  });

  it('maps an HTTPError carrying an envelope', () => {
    const err = new HTTPError(
      200,
      'https://api.kraken.com/0/public/Trades',
      fixtureText('kraken', 'error-throttle'),
    );
    expect(mapKrakenError(err)).toMatchObject({ code: 'ERR_RATE_LIMITED', exchange: 'kraken', status: 200 });
    expect(mapKrakenError(new Error('x'))).toBeInstanceOf(Error);
  });
});
