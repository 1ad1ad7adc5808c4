/**
 * Conformance: ccxt 4.5 `bybit`, written for the real exchange, runs unchanged against the `bybit` and
 * `bybit-linear` simulators (only its base URLs overridden), and what it parses equals the ground truth:
 * markets, OHLCV (trade, mark and index prices), recent trades, funding history, open-interest history.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const NOW_MS = 1_767_225_600_000;
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const MS = 1_000_000n;

type Market = { id: string; spot: boolean; linear?: boolean; settle?: string };
type Client = {
  loadMarkets(): Promise<Record<string, Market>>;
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number, params?: object): Promise<number[][]>;
  fetchTrades(
    s: string,
    since?: number,
    limit?: number,
  ): Promise<{ id?: string; timestamp?: number; price?: number; amount?: number; side?: string }[]>;
  fetchFundingRateHistory(
    s: string,
    since?: number,
    limit?: number,
  ): Promise<{ timestamp?: number; fundingRate?: number }[]>;
  fetchOpenInterestHistory(
    s: string,
    tf: string,
    since?: number,
    limit?: number,
    params?: object,
  ): Promise<{ timestamp?: number; openInterestAmount?: number }[]>;
};

function client(url: string, type: 'spot' | 'linear'): Client {
  const Ctor = (ccxt as unknown as Record<string, new (c: object) => Client>)['bybit']!;
  return new Ctor({
    enableRateLimit: false,
    urls: { api: { spot: url, futures: url, v2: url, public: url, private: url } },
    options: { fetchMarkets: { types: [type] }, fetchCurrencies: false },
  });
}

describe('ccxt bybit against the bybit-linear simulator', () => {
  let sim: RunningSimulator;
  let c: Client;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'bybit-linear' });
    c = client(sim.url, 'linear');
  });
  afterAll(() => sim.close());

  it('loads every perpetual as a linear swap', async () => {
    const markets = await c.loadMarkets();
    const m = markets['BTC/USDT:USDT'];
    expect(m).toMatchObject({ id: 'BTCUSDT', linear: true, settle: 'USDT' });
    expect(
      Object.values(markets)
        .map((x) => x.id)
        .sort(),
    ).toEqual(sim.truth.symbols().sort());
  });

  it('fetchOHLCV (last, mark, index) equals the ground truth', async () => {
    const since = NOW_MS - 300 * 60_000;
    const bars = await c.fetchOHLCV('BTC/USDT:USDT', '1m', since, 200);
    const truth = sim.truth.bars('BTCUSDT', 60, BigInt(since) * MS, BigInt(since + 200 * 60_000) * MS);
    expect(bars).toEqual(truth.map((b) => [Number(b.tsNs / MS), b.open, b.high, b.low, b.close, b.volume]));
    for (const price of ['mark', 'index'] as const) {
      const got = await c.fetchOHLCV('BTC/USDT:USDT', '1h', NOW_MS - 48 * 3_600_000, 48, { price });
      const want = sim.truth.derivatives.priceBars(
        price,
        'BTCUSDT',
        3600,
        NOW_NS - 48n * 3_600_000n * MS,
        NOW_NS,
      );
      expect(got.map((b) => b.slice(0, 5))).toEqual(
        want.map((b) => [Number(b.tsNs / MS), b.open, b.high, b.low, b.close]),
      );
    }
  });

  it('fetchTrades returns the newest trades as the ground truth has them', async () => {
    const got = await c.fetchTrades('BTC/USDT:USDT', undefined, 1000);
    expect(got.length).toBe(1000);
    const first = BigInt(got[0]!.timestamp!) * MS;
    const want = sim.truth.trades('BTCUSDT', first, NOW_NS).slice(-1000);
    // ccxt orders trades of one ms by id; the set and every field must match.
    const key = (r: (string | number | undefined)[]) => `${r[1]} ${r[0]}`;
    const sorted = (rows: (string | number | undefined)[][]) =>
      rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sorted(got.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side]))).toEqual(
      sorted(want.map((t) => [t.id, Number(t.tsNs / MS), t.price, t.amount, t.side])),
    );
  });

  it('fetchFundingRateHistory equals the ground truth', async () => {
    const since = NOW_MS - 30 * 86_400_000;
    const got = await c.fetchFundingRateHistory('BTC/USDT:USDT', since, 50);
    // ccxt asks for [since, since + 50 × 8 h] (both inclusive: 51 events); Bybit answers the newest 50.
    const end = BigInt(since + 50 * 8 * 3_600_000) * MS + 1n;
    const want = sim.truth.derivatives.funding('BTCUSDT', BigInt(since) * MS, end).slice(-50);
    expect(want.length).toBe(50);
    expect(got.map((f) => [f.timestamp, f.fundingRate])).toEqual(
      want.map((f) => [Number(f.tsNs / MS), f.rate]),
    );
  });

  it('fetchOpenInterestHistory equals the ground truth', async () => {
    const since = NOW_MS - 100 * 3_600_000;
    const got = await c.fetchOpenInterestHistory('BTC/USDT:USDT', '1h', since, 100, { until: NOW_MS - 1 });
    const want = sim.truth.derivatives.openInterest('BTCUSDT', 3600, BigInt(since) * MS, NOW_NS);
    expect(got.map((o) => [o.timestamp, o.openInterestAmount])).toEqual(
      want.map((o) => [Number(o.tsNs / MS), o.amount]),
    );
  });
});

describe('ccxt bybit against the bybit (spot) simulator', () => {
  let sim: RunningSimulator;
  let c: Client;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'bybit' });
    c = client(sim.url, 'spot');
  });
  afterAll(() => sim.close());

  it('loads the spot pairs, fetches candles and the newest 60 trades equal to the ground truth', async () => {
    const markets = await c.loadMarkets();
    expect(markets['BTC/USDT']).toMatchObject({ id: 'BTCUSDT', spot: true });
    const since = NOW_MS - 100 * 3_600_000;
    const bars = await c.fetchOHLCV('BTC/USDT', '1h', since, 100);
    const truth = sim.truth.bars('BTCUSDT', 3600, BigInt(since) * MS, NOW_NS);
    expect(bars).toEqual(truth.map((b) => [Number(b.tsNs / MS), b.open, b.high, b.low, b.close, b.volume]));
    const trades = await c.fetchTrades('BTC/USDT', undefined, 60);
    const want = sim.truth.trades('BTCUSDT', BigInt(trades[0]!.timestamp!) * MS, NOW_NS).slice(-60);
    const byId = (rows: (string | number | undefined)[][]) =>
      rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    expect(byId(trades.map((t) => [t.id, t.price, t.amount, t.side]))).toEqual(
      byId(want.map((t) => [t.id, t.price, t.amount, t.side])),
    );
  });
});
