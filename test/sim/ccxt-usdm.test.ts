/**
 * Conformance: ccxt 4.5's `binanceusdm`, written for the real exchange, runs unchanged against the
 * binance-usdm simulator (only its base URLs overridden): markets, OHLCV, trades, funding rate history
 * and open-interest history equal the ground truth.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const NOW_MS = 1_767_225_600_000;
const MIN = 60_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

type Market = { id: string; type: string; linear: boolean; settle: string; contractSize: number };
type Client = {
  loadMarkets(): Promise<Record<string, Market>>;
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number, params?: object): Promise<number[][]>;
  fetchTrades(
    s: string,
    since?: number,
    limit?: number,
  ): Promise<{ id: string; timestamp: number; price: number; amount: number; side: string }[]>;
  fetchFundingRateHistory(
    s: string,
    since?: number,
    limit?: number,
  ): Promise<{ timestamp: number; fundingRate: number }[]>;
  fetchOpenInterestHistory(
    s: string,
    tf: string,
    since?: number,
    limit?: number,
  ): Promise<{ timestamp: number; openInterestAmount: number; openInterestValue: number }[]>;
};

let sim: RunningSimulator;
let client: Client;

beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance-usdm', rateLimits: 'off' });
  const Ctor = (ccxt as unknown as Record<string, new (c: object) => Client>)['binanceusdm']!;
  client = new Ctor({
    enableRateLimit: false,
    urls: {
      api: {
        fapiPublic: `${sim.url}/fapi/v1`,
        fapiPublicV2: `${sim.url}/fapi/v2`,
        fapiPublicV3: `${sim.url}/fapi/v3`,
        fapiData: `${sim.url}/futures/data`,
      },
    },
    options: { fetchCurrencies: false },
  });
});
afterAll(() => sim.close());

describe('ccxt binanceusdm against the binance-usdm simulator', () => {
  it('loadMarkets finds every perpetual as BASE/QUOTE:SETTLE', async () => {
    const markets = await client.loadMarkets();
    expect(
      Object.values(markets)
        .map((m) => m.id)
        .sort(),
    ).toEqual(sim.truth.symbols().sort());
    const btc = markets['BTC/USDT:USDT']!;
    expect(btc).toMatchObject({ id: 'BTCUSDT', type: 'swap', linear: true, settle: 'USDT', contractSize: 1 });
  });

  it('fetchOHLCV (last, mark and index price) equals the ground truth', async () => {
    const since = NOW_MS - 300 * MIN;
    const got = await client.fetchOHLCV('BTC/USDT:USDT', '1m', since, 100);
    const want = sim.truth.bars('BTCUSDT', 60, ns(since), ns(since + 100 * MIN));
    expect(want.length).toBe(100);
    expect(got).toEqual(
      want.map((b) => [Number(b.tsNs / 1_000_000n), b.open, b.high, b.low, b.close, b.volume]),
    );
    for (const price of ['mark', 'index'] as const) {
      const bars = await client.fetchOHLCV('BTC/USDT:USDT', '1m', since, 100, { price });
      const truth = sim.truth.derivatives.priceBars(price, 'BTCUSDT', 60, ns(since), ns(since + 100 * MIN));
      expect(bars.map((b) => b.slice(0, 5))).toEqual(
        truth.map((b) => [Number(b.tsNs / 1_000_000n), b.open, b.high, b.low, b.close]),
      );
    }
  });

  it('fetchTrades (aggTrades with startTime + one hour) equals the ground truth', async () => {
    const since = NOW_MS - 90 * MIN;
    const got = await client.fetchTrades('BTC/USDT:USDT', since, 1000);
    const want = sim.truth.trades('BTCUSDT', ns(since), ns(NOW_MS)).slice(0, 1000);
    expect(got.length).toBe(1000);
    expect(got.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side])).toEqual(
      want.map((t) => [t.id, Number(t.tsNs / 1_000_000n), t.price, t.amount, t.side]),
    );
  });

  it('fetchFundingRateHistory equals the ground truth', async () => {
    const since = NOW_MS - 60 * 86_400_000;
    const got = await client.fetchFundingRateHistory('BTC/USDT:USDT', since, 1000);
    const want = sim.truth.derivatives.funding('BTCUSDT', ns(since), ns(NOW_MS + 1));
    expect(want.length).toBe(181);
    expect(got.map((f) => [f.timestamp, f.fundingRate])).toEqual(
      want.map((f) => [Number(f.tsNs / 1_000_000n), f.rate]),
    );
  });

  it('fetchOpenInterestHistory equals the ground truth', async () => {
    const since = NOW_MS - 2 * 86_400_000;
    const got = await client.fetchOpenInterestHistory('BTC/USDT:USDT', '1h', since, 48);
    const want = sim.truth.derivatives.openInterest('BTCUSDT', 3600, ns(since), ns(since + 48 * 3_600_000));
    expect(want.length).toBe(48);
    expect(got.map((o) => [o.timestamp, o.openInterestAmount, o.openInterestValue])).toEqual(
      want.map((o) => [Number(o.tsNs / 1_000_000n), o.amount, o.value]),
    );
  });
});
