/**
 * Conformance: ccxt 4.5's `okx`, written for the real exchange, runs unchanged against the simulator
 * (only its REST base overridden) and parses the ground truth: markets, OHLCV, history trades, funding.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const NOW_MS = 1_767_225_600_000;
const MIN = 60_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

type CcxtTrade = { id?: string; timestamp?: number; price?: number; amount?: number; side?: string };
type Client = {
  loadMarkets(): Promise<Record<string, { id: string; contractSize?: number; type?: string }>>;
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number): Promise<number[][]>;
  fetchTrades(s: string, since?: number, limit?: number, params?: object): Promise<CcxtTrade[]>;
  fetchFundingRateHistory(
    s: string,
    since?: number,
    limit?: number,
  ): Promise<{ timestamp?: number; fundingRate?: number }[]>;
};

let sim: RunningSimulator;
let client: Client;

beforeAll(async () => {
  sim = await startSimulator({ exchange: 'okx', rateLimits: 'off' });
  const Ctor = (ccxt as unknown as Record<string, new (c: object) => Client>).okx!;
  client = new Ctor({
    enableRateLimit: false,
    urls: { api: { rest: sim.url } },
    options: { fetchMarkets: { types: ['spot', 'swap'] } },
  });
});
afterAll(() => sim.close());

describe('ccxt okx against the simulator', () => {
  it('loadMarkets finds every simulated instrument, swaps with their contract size', async () => {
    const markets = await client.loadMarkets();
    expect(
      Object.values(markets)
        .map((m) => m.id)
        .sort(),
    ).toEqual(sim.truth.symbols().sort());
    expect(markets['BTC/USDT']?.id).toBe('BTC-USDT');
    expect(markets['BTC/USDT:USDT']?.id).toBe('BTC-USDT-SWAP');
    expect(markets['BTC/USDT:USDT']?.contractSize).toBe(0.01);
    expect(markets['ETH/USDT:USDT']?.contractSize).toBe(0.1);
  });

  it('fetchOHLCV equals the ground-truth bars', async () => {
    const since = NOW_MS - 100 * MIN;
    const got = await client.fetchOHLCV('BTC/USDT', '1m', since, 50);
    const want = sim.truth.bars('BTC-USDT', 60, ns(since), ns(since + 50 * MIN));
    expect(want.length).toBe(50);
    expect(got).toEqual(
      want.map((b) => [Number(b.tsNs / 1_000_000n), b.open, b.high, b.low, b.close, b.volume]),
    );
  });

  it('fetchTrades through history-trades equals the newest ground-truth trades (swap sizes in contracts)', async () => {
    for (const [symbol, id, contract] of [
      ['BTC/USDT', 'BTC-USDT', 1],
      ['ETH/USDT:USDT', 'ETH-USDT-SWAP', 0.1],
    ] as const) {
      const got = await client.fetchTrades(symbol, undefined, 100, {
        method: 'publicGetMarketHistoryTrades',
      });
      const want = sim.truth.trades(id, ns(NOW_MS - 30 * MIN), ns(NOW_MS)).slice(-100);
      expect(got.length).toBe(100);
      got.forEach((g, i) => {
        const w = want[i]!;
        expect(g.id).toBe(w.id);
        expect(g.timestamp).toBe(Number(w.tsNs / 1_000_000n));
        expect(g.price).toBe(w.price);
        expect(g.side).toBe(w.side);
        // ccxt keeps derivatives amounts in contracts.
        expect(Math.abs((g.amount ?? 0) * contract - w.amount)).toBeLessThan(1e-12);
      });
    }
  });

  it('fetchFundingRateHistory equals the ground-truth funding (the newest `limit` after `since`)', async () => {
    const since = NOW_MS - 10 * 86_400_000;
    const got = await client.fetchFundingRateHistory('BTC/USDT:USDT', since, 20);
    const want = sim.truth.derivatives.funding('BTC-USDT-SWAP', ns(since), ns(NOW_MS) + 1n).slice(-20);
    expect(got.map((f) => [f.timestamp, f.fundingRate])).toEqual(
      want.map((f) => [Number(f.tsNs / 1_000_000n), f.rate]),
    );
  });
});
