/**
 * Binance USDⓈ-M parsers on the documented payloads (test/fixtures/binance-usdm/payloads.json): funding,
 * open interest (string and number timestamps), price klines, markets (perpetual and dated), and the
 * WebSocket's markPriceUpdate, forceOrder (order side → position side, sampled) and depthUpdate with pu;
 * plus the stream routing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseUsdmFunding,
  parseUsdmMarkets,
  parseUsdmOpenInterest,
  parseUsdmPriceKlines,
} from '../../../src/adapters/binance-usdm/parse.js';
import { UsdmFeed, usdmRouteOf } from '../../../src/adapters/binance-usdm/ws.js';
import { parseUsdmWsFrame } from '../../../src/adapters/binance-usdm/ws-parse.js';

const P = JSON.parse(
  readFileSync(new URL('../../fixtures/binance-usdm/payloads.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const ms = (n: number) => BigInt(n) * 1_000_000n;

describe('binance-usdm REST parsers', () => {
  it('funding: rate and mark price; an empty markPrice is left out', () => {
    expect(parseUsdmFunding(P.fundingRate)).toEqual([
      { tsNs: ms(1570608000000), rate: -0.0375, markPrice: 34287.54619963 },
      { tsNs: ms(1570636800000), rate: 0.0001 },
    ]);
  });

  it('open interest: string or number timestamps, amount in base units, value in quote', () => {
    expect(parseUsdmOpenInterest(P.openInterestHist)).toEqual([
      { tsNs: ms(1583127900000), amount: 20403.637, value: 150570784.078 },
      { tsNs: ms(1583128200000), amount: 20401.367, value: Number('149940752.14464448') },
    ]);
  });

  it('price klines: open time and OHLC only', () => {
    expect(parseUsdmPriceKlines(P.markPriceKlines, 'markPriceKlines')).toEqual([
      { tsNs: ms(1591256400000), open: 9653.6944, high: 9653.6964, low: 9651.386, close: 9651.552 },
    ]);
    expect(() => parseUsdmPriceKlines([['x']], 'markPriceKlines')).toThrow(/markPriceKlines\[0\]\[0\]/);
  });

  it('markets: BTC/USDT:USDT perpetual with its pair; dated contracts get the delivery date', () => {
    const [perp, dated] = parseUsdmMarkets(P.exchangeInfo);
    expect(perp).toMatchObject({
      id: 'BTCUSDT',
      symbol: 'BTC/USDT:USDT',
      type: 'perpetual',
      settle: 'USDT',
      pair: 'BTCUSDT',
      active: true,
    });
    expect(dated).toMatchObject({ id: 'BTCUSDT_250328', symbol: 'BTC/USDT:USDT-250328', type: 'future' });
  });
});

describe('binance-usdm WebSocket parser and routes', () => {
  it('markPriceUpdate → a mark record with index, funding rate and next funding time', () => {
    expect(parseUsdmWsFrame(P.wsMarkPrice as string)).toEqual([
      {
        kind: 'mark',
        market: 'BTCUSDT',
        mark: {
          tsNs: ms(1562305380000),
          markPrice: 11794.15,
          indexPrice: 11784.62659091,
          fundingRate: 0.00038167,
          nextFundingNs: ms(1562306400000),
        },
      },
    ]);
  });

  it('forceOrder SELL liquidates a long; average price; sampled', () => {
    expect(parseUsdmWsFrame(P.wsForceOrder as string)).toEqual([
      {
        kind: 'liquidation',
        market: 'BTCUSDT',
        liquidation: { tsNs: ms(1568014460893), side: 'long', price: 9910.5, amount: 0.014, sampled: true },
      },
    ]);
    const buy = (P.wsForceOrder as string).replace('"S":"SELL"', '"S":"BUY"');
    expect(parseUsdmWsFrame(buy)[0]).toMatchObject({ liquidation: { side: 'short' } });
    expect(() => parseUsdmWsFrame((P.wsForceOrder as string).replace('"S":"SELL"', '"S":"X"'))).toThrow(
      /forceOrder\.o\.S/,
    );
  });

  it('depthUpdate keeps pu as prevId (the spot parser, shared)', () => {
    expect(parseUsdmWsFrame(P.wsDepth as string)[0]).toMatchObject({
      kind: 'book-update',
      firstId: 157,
      lastId: 160,
      prevId: 149,
    });
  });

  it('routes: depth and trade on /public, the rest on /market; a feed refuses mixed routes', () => {
    expect(usdmRouteOf('btcusdt@depth@100ms')).toBe('public');
    expect(usdmRouteOf('btcusdt@trade')).toBe('public');
    expect(usdmRouteOf('btcusdt@aggTrade')).toBe('market');
    expect(usdmRouteOf('btcusdt@markPrice@1s')).toBe('market');
    expect(usdmRouteOf('btcusdt@forceOrder')).toBe('market');
    expect(() => new UsdmFeed('ws://127.0.0.1:1', ['btcusdt@depth', 'btcusdt@markPrice'])).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'streams' }),
    );
  });
});
