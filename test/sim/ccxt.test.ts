/**
 * Conformance: ccxt 4.5, a client written for the real exchanges, runs unchanged against the
 * simulator (only its base URLs overridden), and the values it parses equal the ground truth.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const NOW_MS = 1_767_225_600_000; // the default fixed clock, 2026-01-01T00:00:00Z
const MIN = 60_000;

type CcxtTrade = { id?: string; timestamp?: number; price?: number; amount?: number; side?: string };
type Client = {
  loadMarkets(): Promise<Record<string, { id: string }>>;
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number): Promise<number[][]>;
  fetchTrades(s: string, since?: number, limit?: number): Promise<CcxtTrade[]>;
};

function barsAsCcxt(bars: OHLCBar[]): number[][] {
  return bars.map((b) => [Number(b.tsNs / 1_000_000n), b.open, b.high, b.low, b.close, b.volume]);
}

function expectTradesMatch(got: CcxtTrade[], want: Trade[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    expect(g.id).toBe(w.id);
    expect(g.price).toBe(w.price);
    expect(g.amount).toBe(w.amount);
    expect(g.side).toBe(w.side);
    // ccxt keeps ms; Kraken's float seconds may round the last ms either way.
    expect(Math.abs((g.timestamp ?? 0) - Number(w.tsNs / 1_000_000n))).toBeLessThanOrEqual(1);
  }
}

function make(id: 'binance' | 'coinbaseexchange' | 'kraken', url: string): Client {
  const Ctor = (ccxt as unknown as Record<string, new (c: object) => Client>)[id]!;
  if (id === 'binance') {
    return new Ctor({
      enableRateLimit: false,
      urls: { api: { public: `${url}/api/v3` } },
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    });
  }
  return new Ctor({ enableRateLimit: false, urls: { api: { public: url } } });
}

describe.each([
  { ex: 'binance', ccxtId: 'binance', symbol: 'BTC/USDT', native: 'BTCUSDT' },
  { ex: 'coinbase', ccxtId: 'coinbaseexchange', symbol: 'BTC/USD', native: 'BTC-USD' },
  { ex: 'kraken', ccxtId: 'kraken', symbol: 'BTC/USD', native: 'XXBTZUSD' },
] as const)('ccxt against the $ex simulator', ({ ex, ccxtId, symbol, native }) => {
  let sim: RunningSimulator;
  let client: Client;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: ex, rateLimits: 'off' });
    client = make(ccxtId, sim.url);
  });
  afterAll(() => sim.close());

  it('loadMarkets finds every simulated symbol', async () => {
    const markets = await client.loadMarkets();
    const ids = Object.values(markets).map((m) => m.id);
    expect(ids.sort()).toEqual(sim.truth.symbols().sort());
    expect(markets[symbol]?.id).toBe(native);
  });

  it('fetchOHLCV equals the ground-truth bars', async () => {
    const since = NOW_MS - 100 * MIN;
    const got = await client.fetchOHLCV(symbol, '1m', since, 50);
    const want = sim.truth.bars(
      native,
      60,
      BigInt(since) * 1_000_000n,
      BigInt(since + 50 * MIN) * 1_000_000n,
    );
    expect(want.length).toBe(50);
    expect(got).toEqual(barsAsCcxt(want));
  });

  it('fetchTrades equals the ground-truth trades', async () => {
    if (ex === 'coinbase') {
      // Coinbase has no time filter: the newest page.
      const got = await client.fetchTrades(symbol, undefined, 100);
      const all = sim.truth.trades(
        native,
        BigInt(NOW_MS - 2 * MIN) * 1_000_000n,
        BigInt(NOW_MS) * 1_000_000n,
      );
      expectTradesMatch(got, all.slice(-100));
      return;
    }
    const since = NOW_MS - 30 * MIN; // whole seconds (Kraken's ccxt sends seconds)
    const got = await client.fetchTrades(symbol, since, 200);
    const want = sim.truth
      .trades(native, BigInt(since) * 1_000_000n, BigInt(since + 10 * MIN) * 1_000_000n)
      .slice(0, 200);
    expect(want.length).toBe(200);
    expectTradesMatch(got, want);
  });
});
