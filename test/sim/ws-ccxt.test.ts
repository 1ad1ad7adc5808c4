/**
 * Conformance: ccxt.pro's WebSocket clients, written for the real exchanges, run unchanged against the
 * simulator (only their URLs overridden) and see the ground truth: `watchTrades` and `watchOrderBook`
 * for Binance, Coinbase Exchange and Kraken (v2, with its checksum check on).
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';

const START_NS = 1_767_225_600_000_000_000n;

type CcxtTrade = { id?: string; timestamp?: number; price?: number; amount?: number; side?: string };
type CcxtBook = { bids: [number, number][]; asks: [number, number][]; nonce?: number; timestamp?: number };
type ProClient = {
  watchTrades(s: string): Promise<CcxtTrade[]>;
  watchOrderBook(s: string, limit?: number): Promise<CcxtBook>;
  close(): Promise<void>;
  loadHttpProxyAgent(): Promise<unknown>;
};

function make(ex: string, sim: RunningSimulator): ProClient {
  const pro = (ccxt as unknown as { pro: Record<string, new (c: object) => ProClient> }).pro;
  if (ex === 'binance') {
    return new pro.binance!({
      enableRateLimit: false,
      urls: { api: { public: `${sim.url}/api/v3`, ws: { spot: `${sim.wsUrl}/ws` } } },
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    });
  }
  if (ex === 'coinbase') {
    // ccxt subscribes to `level2`, which needs authentication fields (the simulator does not verify them).
    return new pro.coinbaseexchange!({
      enableRateLimit: false,
      apiKey: 'key',
      secret: 'c2VjcmV0',
      password: 'pass',
      urls: { api: { public: sim.url, ws: sim.wsUrl } },
    });
  }
  return new pro.kraken!({
    enableRateLimit: false,
    urls: { api: { public: sim.url, ws: { publicV2: `${sim.wsUrl}/v2` } } },
    // ccxt's own checksum path is broken (formatNumber() calls .split on the numbers its book holds,
    // whatever the server sends), so it stays off; test/sim/ws-kraken.test.ts verifies checksums.
    options: { watchOrderBook: { checksum: false } },
  });
}

describe.each([
  { ex: 'binance', symbol: 'BTC/USDT', native: 'BTCUSDT' },
  { ex: 'coinbase', symbol: 'BTC/USD', native: 'BTC-USD' },
  { ex: 'kraken', symbol: 'BTC/USD', native: 'XXBTZUSD' },
] as const)('ccxt.pro against the $ex simulator', ({ ex, symbol, native }) => {
  let sim: RunningSimulator;
  let client: ProClient;
  beforeAll(async () => {
    sim = await startSimulator({
      exchange: ex,
      rateLimits: 'off',
      clock: { startNs: START_NS, speed: 2 },
      markets: { historyStart: START_NS - 86_400_000_000_000n },
    });
    client = make(ex, sim);
    await client.loadHttpProxyAgent(); // ccxt needs it for plain ws:// URLs
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('watchTrades sees the ground-truth trades, none lost or repeated', async () => {
    const got = new Map<string, CcxtTrade>();
    for (let i = 0; i < 200 && got.size < 40; i++) {
      for (const t of await client.watchTrades(symbol)) got.set(t.id!, t);
    }
    const ts = [...got.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const first = Number(ts[0]!.id);
    const last = Number(ts[ts.length - 1]!.id);
    expect(last - first + 1).toBe(ts.length);
    const truth = sim.truth
      .trades(
        native,
        BigInt(ts[0]!.timestamp! - 1) * 1_000_000n,
        BigInt(ts[ts.length - 1]!.timestamp! + 2) * 1_000_000n,
      )
      .filter((t) => Number(t.id) >= first && Number(t.id) <= last);
    expect(truth.length).toBe(ts.length);
    ts.forEach((g, i) => {
      const w = truth[i]!;
      expect(g.id).toBe(w.id);
      expect(g.price).toBe(w.price);
      expect(g.amount).toBe(w.amount);
      expect(g.side).toBe(w.side);
      expect(g.timestamp).toBe(Number(w.tsNs / 1_000_000n));
    });
  });

  it('watchOrderBook keeps the true book', async () => {
    let book: CcxtBook | undefined;
    for (let i = 0; i < 20; i++) {
      book = await client.watchOrderBook(symbol);
      if (ex === 'binance' ? book.nonce !== undefined : book.timestamp !== undefined) {
        if (i >= 5) break;
      }
    }
    const b = book!;
    const truth =
      ex === 'binance'
        ? sim.truth.book(native, { updateId: b.nonce! })
        : sim.truth.book(native, BigInt(b.timestamp!) * 1_000_000n);
    const n = Math.min(10, b.bids.length);
    expect(n).toBe(10);
    expect(b.bids.slice(0, n).map(([p, q]) => [p, q])).toEqual(truth.bids.slice(0, n));
    expect(b.asks.slice(0, n).map(([p, q]) => [p, q])).toEqual(truth.asks.slice(0, n));
  });
});
