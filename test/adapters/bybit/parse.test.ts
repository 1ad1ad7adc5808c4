/**
 * Bybit parsers on recorded payload shapes (the examples of Bybit's v5 docs): klines, price klines,
 * recent trades, funding, open interest with its cursor, instruments of both categories, server time,
 * error envelopes, and every WebSocket frame the feeds read, including the edge cases.
 */
import { describe, expect, it } from 'vitest';
import { bybitResult, inspectBybit, mapBybitError } from '../../../src/adapters/bybit/errors.js';
import {
  parseBybitFunding,
  parseBybitKlines,
  parseBybitOpenInterest,
  parseBybitPriceKlines,
  parseBybitRecentTrades,
  parseBybitTime,
} from '../../../src/adapters/bybit/parse.js';
import { parseBybitInstruments } from '../../../src/adapters/bybit/symbols.js';
import { parseBybitWsFrame } from '../../../src/adapters/bybit/ws-parse.js';
import { BybitLiveState } from '../../../src/adapters/bybit/ws-state.js';
import { HTTPError, RateLimitedError } from '../../../src/core/errors.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

const ctx = { exchange: 'bybit-linear' } as const;
const result = (name: string) => bybitResult(fixture('bybit', name), ctx);
const frames = fixture('bybit', 'ws-frames') as Record<string, unknown>;
const frame = (name: string) => parseBybitWsFrame(JSON.stringify(frames[name]));

describe('bybit REST parsers', () => {
  it('klines as sent (newest first), ms → ns', () => {
    const bars = parseBybitKlines(result('kline'));
    expect(bars.map((b) => b.tsNs)).toEqual(
      [1670608800000n, 1670605200000n, 1670601600000n].map((ms) => ms * 1_000_000n),
    );
    expect(bars[0]).toEqual({
      tsNs: 1_670_608_800_000_000_000n,
      open: 17071,
      high: 17073,
      low: 17027,
      close: 17055.5,
      volume: 268611,
    });
    expect(parseBybitPriceKlines(result('mark-kline'))).toEqual([
      { tsNs: 1_670_608_800_000_000_000n, open: 17164.16, high: 17164.16, low: 17121.5, close: 17131.64 },
    ]);
  });

  it('recent trades keep execId, the taker side and ms', () => {
    expect(parseBybitRecentTrades(result('recent-trade'))).toEqual([
      {
        id: '2100000000007764263',
        tsNs: 1_672_052_955_758_000_000n,
        price: 16618.49,
        amount: 0.00012,
        side: 'buy',
      },
      {
        id: '2100000000007764262',
        tsNs: 1_672_052_955_700_000_000n,
        price: 16618.4,
        amount: 0.01,
        side: 'sell',
      },
    ]);
  });

  it('funding (negative rates too), open interest and its cursor, server time in ns', () => {
    expect(parseBybitFunding(result('funding'))).toEqual([
      { tsNs: 1_672_041_600_000_000_000n, rate: 0.0001 },
      { tsNs: 1_672_012_800_000_000_000n, rate: -0.000042 },
    ]);
    expect(parseBybitOpenInterest(result('open-interest'))).toEqual({
      rows: [
        { tsNs: 1_780_963_200_000_000_000n, amount: 63910691 },
        { tsNs: 1_780_962_900_000_000_000n, amount: 63910000.5 },
      ],
      cursor: 'lastid%3D193',
    });
    expect(parseBybitTime(result('time'))).toBe(1_688_639_403_423_213_947n);
  });

  it('linear instruments: perpetuals unified as BASE/QUOTE:SETTLE, dated futures by expiry (YYMMDD), closed inactive', () => {
    const page = parseBybitInstruments(result('instruments-linear'), 'linear');
    expect(page.cursor).toBe('first%3DBTCUSDT%26last%3DOLDUSDT');
    expect(page.markets).toEqual([
      {
        id: 'BTCUSDT',
        symbol: 'BTC/USDT:USDT',
        base: 'BTC',
        quote: 'USDT',
        aliases: ['BTC/USDT', 'BTC-USDT-SWAP'],
        active: true,
        type: 'perpetual',
        settle: 'USDT',
      },
      {
        id: 'BTC-26DEC25',
        symbol: 'BTC/USDT:USDT-251226',
        base: 'BTC',
        quote: 'USDT',
        aliases: [],
        active: true,
        type: 'future',
        settle: 'USDT',
      },
      {
        id: 'OLDUSDT',
        symbol: 'OLD/USDT:USDT',
        base: 'OLD',
        quote: 'USDT',
        aliases: ['OLD/USDT', 'OLD-USDT-SWAP'],
        active: false,
        type: 'perpetual',
        settle: 'USDT',
      },
    ]);
  });

  it('a non-zero retCode is a typed error; a missing envelope a ProtocolError', () => {
    expect(() => result('error-symbol')).toThrow(
      expect.objectContaining({ name: 'UnknownSymbolError', exchange: 'bybit-linear' }),
    );
    expect(() => bybitResult({ list: [] }, ctx)).toThrow(expect.objectContaining({ name: 'ProtocolError' }));
  });
});

describe('bybit inspect hook and error mapping', () => {
  const resp = (status: number, body: unknown) => ({
    status,
    headers: {},
    body,
    url: 'http://x/v5/market/kline',
  });

  it('403 is a rate-limited retry after the 10-minute ban; throttle codes retry paused; others fail', () => {
    expect(inspectBybit(resp(403, 'access too frequent'))).toMatchObject({
      kind: 'retry',
      rateLimited: true,
      retryAfterMs: 600_000,
    });
    expect(inspectBybit(resp(200, { retCode: 10006, retMsg: 'Too many visits!' }))).toMatchObject({
      kind: 'retry',
      rateLimited: true,
    });
    expect(inspectBybit(resp(200, { retCode: 10016, retMsg: 'Server error' }))).toMatchObject({
      kind: 'retry',
    });
    expect(inspectBybit(resp(200, { retCode: 0, retMsg: 'OK', result: {} }))).toBeUndefined();
    const v = inspectBybit(resp(200, { retCode: 10001, retMsg: 'params error: Symbol Is Invalid' }));
    expect(v?.kind).toBe('fail');
    const mapped = mapBybitError(v?.kind === 'fail' ? v.error : undefined, {
      exchange: 'bybit',
      symbol: 'NOPE',
    });
    expect(mapped).toMatchObject({ name: 'UnknownSymbolError', symbol: 'NOPE' });
  });

  it('the ban becomes a RateLimitedError that says the exchange is paused and why', () => {
    const e = mapBybitError(new RateLimitedError('x', { status: 403, exchange: 'bybit' }), {
      exchange: 'bybit',
    });
    expect(e).toMatchObject({
      name: 'RateLimitedError',
      status: 403,
      retryAfterMs: 600_000,
      message: expect.stringMatching(/at least 10 minutes/),
    });
    const other = mapBybitError(new HTTPError(200, 'http://x', '{"retCode":170001,"retMsg":"odd"}'), {
      exchange: 'bybit',
    });
    expect(other).toMatchObject({ name: 'ExchangeError', message: expect.stringContaining('170001') });
  });
});

describe('bybit WebSocket frames', () => {
  it('publicTrade rows; the feed state drops repeats and numbers per market', () => {
    const m = frame('trade');
    if (m.kind !== 'trades') throw new Error(m.kind);
    expect(m.trades[0]).toEqual({
      market: 'BTCUSDT',
      id: '20f43950-d8dd-5b31-9112-a178eb6023af',
      tsNs: 1_672_304_486_865_000_000n,
      price: 16578.5,
      amount: 0.001,
      side: 'buy',
      crossSeq: 1783284617,
    });
    const st = new BybitLiveState();
    expect(st.trades(m.trades).map((t) => t.seq)).toEqual([1, 2]);
    expect(st.trades(m.trades)).toEqual([]);
    expect(st.duplicates).toBe(2);
  });

  it('orderbook snapshots and deltas with u and ts', () => {
    const s = frame('bookSnapshot');
    const d = frame('bookDelta');
    if (s.kind !== 'book' || d.kind !== 'book') throw new Error('not book');
    expect(s.message).toMatchObject({
      kind: 'book-snapshot',
      market: 'BTCUSDT',
      lastId: 18521288,
      tsNs: 1_672_304_484_978_000_000n,
    });
    expect(s.message.changes).toHaveLength(4);
    expect(d.message.kind).toBe('book-update');
    expect(d.message.changes.map((c) => [c.side, c.price, c.amount])).toEqual([
      ['bid', 30247.2, 30.028],
      ['bid', 30245.4, 0],
      ['ask', 30248.7, 0],
    ]);
    expect(() =>
      parseBybitWsFrame(
        '{"topic":"orderbook.1.X","type":"weird","ts":1,"data":{"s":"X","b":[],"a":[],"u":1}}',
      ),
    ).toThrow(expect.objectContaining({ name: 'ProtocolError' }));
  });

  it('tickers: deltas merge into the snapshot; a delta without mark keeps the known mark', () => {
    const st = new BybitLiveState();
    const marks = ['tickerSnapshot', 'tickerDelta', 'tickerDeltaNoMark'].map((n) => {
      const m = frame(n);
      if (m.kind !== 'ticker') throw new Error(m.kind);
      return st.ticker(m.market, m.snapshot, m.tsNs, m.fields);
    });
    expect(marks.map((m) => m?.mark)).toEqual([
      {
        tsNs: 1_673_272_861_686_000_000n,
        markPrice: 17217.33,
        indexPrice: 17227.36,
        fundingRate: -0.0001,
        nextFundingNs: 1_673_280_000_000_000_000n,
      },
      {
        tsNs: 1_673_272_861_786_000_000n,
        markPrice: 17218,
        indexPrice: 17227.36,
        fundingRate: -0.0001,
        nextFundingNs: 1_673_280_000_000_000_000n,
      },
      {
        tsNs: 1_673_272_861_886_000_000n,
        markPrice: 17218,
        indexPrice: 17227.36,
        fundingRate: -0.0001,
        nextFundingNs: 1_673_280_000_000_000_000n,
      },
    ]);
    // After a reconnect nothing is known until the next snapshot.
    st.onReconnect();
    const d = frame('tickerDeltaNoMark');
    if (d.kind !== 'ticker') throw new Error(d.kind);
    expect(st.ticker(d.market, d.snapshot, d.tsNs, d.fields)).toBeUndefined();
  });

  it('allLiquidation: S is the position side (Buy = a long liquidated), not sampled', () => {
    const m = frame('liquidation');
    if (m.kind !== 'liquidations') throw new Error(m.kind);
    expect(m.records.map((r) => r.liquidation)).toEqual([
      { tsNs: 1_739_502_302_929_000_000n, side: 'short', price: 0.04499, amount: 20000, sampled: false },
      { tsNs: 1_739_502_302_930_000_000n, side: 'long', price: 0.05, amount: 100, sampled: false },
    ]);
  });

  it('op answers: acks and pongs carry nothing, a refused subscription is an error', () => {
    expect(frame('subscribeAck')).toEqual({ kind: 'none' });
    expect(frame('pong')).toEqual({ kind: 'none' });
    expect(frame('subscribeFail')).toEqual({
      kind: 'error',
      message: 'Bybit refused subscribe: error:handler not found,topic:orderbook.500.BTCUSDT',
    });
    expect(() => parseBybitWsFrame('not json')).toThrow(expect.objectContaining({ name: 'ProtocolError' }));
  });
});
