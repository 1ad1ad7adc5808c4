import { describe, expect, it } from 'vitest';
import type { TradeCursor } from '../../../src/adapters/adapter.js';
import { CoinbaseAdapter } from '../../../src/adapters/coinbase/rest.js';
import type { Trade } from '../../../src/core/records.js';
import { formatIsoNs, parseIsoNs } from '../../../src/core/time.js';
import { FakeRest } from '../../helpers/adapters-fake-rest.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

const S = 1_000_000_000n;
const T0 = 1_699_999_980n * S; // a whole minute

/** 20 000 trades, one every 2 s, ids from 1001 with a gap every 97 ids. */
function market() {
  const trades: { trade_id: number; tsNs: bigint }[] = [];
  let id = 1000;
  for (let i = 0; i < 20_000; i++) {
    id += i % 97 === 0 ? 3 : 1;
    trades.push({ trade_id: id, tsNs: T0 + BigInt(i) * 2n * S });
  }
  return trades;
}

function coinbaseServer(trades: ReturnType<typeof market>) {
  return new FakeRest((path, params) => {
    if (path === '/products') return fixture('coinbase', 'products');
    if (path.endsWith('/trades')) {
      const limit = Number(params['limit'] ?? 1000);
      const after = params['after'] === undefined ? Number.POSITIVE_INFINITY : Number(params['after']);
      const older = trades
        .filter((t) => t.trade_id < after)
        .slice(-limit)
        .reverse();
      return older.map((t) => ({
        time: formatIsoNs(t.tsNs),
        trade_id: t.trade_id,
        price: '100.5',
        size: '0.1',
        side: t.trade_id % 2 ? 'sell' : 'buy',
      }));
    }
    if (path.endsWith('/candles')) {
      const g = Number(params['granularity']);
      const start = parseIsoNs(String(params['start'])) / S;
      const end = parseIsoNs(String(params['end'])) / S;
      if ((end - start) / BigInt(g) > 300n) throw new Error('exceeds 300');
      const rows = [];
      for (let t = end - (end % BigInt(g)); t >= start; t -= BigInt(g))
        rows.push([Number(t), 1, 3, 2, 2.5, 10]);
      return rows;
    }
    throw new Error(`unexpected ${path}`);
  });
}

async function drain(adapter: CoinbaseAdapter, startNs: bigint, endNs: bigint) {
  const out: Trade[] = [];
  let cursor: TradeCursor = null;
  for (let page = 0; page < 1000; page++) {
    const [trades, next] = await adapter.fetchTradesPage('BTC/USD', startNs, endNs, 1000, cursor);
    out.push(...trades);
    if (next === null) return out;
    cursor = next;
  }
  throw new Error('cursor never ended');
}

describe('coinbase trades', () => {
  it('jumps to a past window by bisecting trade ids and drains it forward, exactly', async () => {
    const trades = market();
    const rest = coinbaseServer(trades);
    const adapter = new CoinbaseAdapter('http://sim', rest, 10);
    const startNs = T0 + 10_001n * S; // between two trades
    const endNs = T0 + 16_000n * S;
    const got = await drain(adapter, startNs, endNs);
    const want = trades.filter((t) => t.tsNs >= startNs && t.tsNs <= endNs);
    expect(got.map((t) => t.id)).toEqual(want.map((t) => String(t.trade_id)));
    // ~3000 trades: 1 head probe + log2(21 000 / 1000) ≈ 5 probes + 4 forward pages, not 14 pages from now.
    expect(rest.count('/trades')).toBeLessThanOrEqual(12);
    expect(got.every((t, i) => i === 0 || t.tsNs > got[i - 1]!.tsNs)).toBe(true);
  });

  it('delivers the taker side and stops at the newest trade when the window reaches now', async () => {
    const trades = market();
    const adapter = new CoinbaseAdapter('http://sim', coinbaseServer(trades), 10);
    const last = trades.at(-1)!;
    const got = await drain(adapter, last.tsNs - 10n * S, last.tsNs + 100n * S);
    expect(got.map((t) => t.id)).toEqual(trades.slice(-6).map((t) => String(t.trade_id)));
    expect(got.at(-1)?.side).toBe(last.trade_id % 2 ? 'buy' : 'sell');
  });

  it('returns nothing for a window after the newest trade', async () => {
    const adapter = new CoinbaseAdapter('http://sim', coinbaseServer(market()), 10);
    expect(await drain(adapter, T0 + 100_000n * S, T0 + 200_000n * S)).toEqual([]);
  });
});

describe('coinbase candles', () => {
  it('asks for at most 300 buckets with an inclusive end and returns them ascending', async () => {
    const rest = coinbaseServer([]);
    const adapter = new CoinbaseAdapter('http://sim', rest, 10);
    const bars = await adapter.fetchOhlcPage('BTC-USD', 60, T0, T0 + 1000n * 60n * S, 300);
    expect(bars).toHaveLength(300);
    expect(bars[0]?.tsNs).toBe(T0);
    expect(bars.at(-1)?.tsNs).toBe(T0 + 299n * 60n * S);
    expect(bars[0]).toMatchObject({ open: 2, high: 3, low: 1, close: 2.5, volume: 10 });
  });

  it('refuses an unsupported span naming the supported ones, before any request', async () => {
    const rest = coinbaseServer([]);
    const adapter = new CoinbaseAdapter('http://sim', rest, 10);
    await expect(adapter.fetchOhlcPage('BTC-USD', 14_400, T0, T0 + S, 300)).rejects.toMatchObject({
      name: 'UnsupportedSpanError',
      span: 14_400,
      supported: [60, 300, 900, 3600, 21_600, 86_400],
    });
    expect(rest.calls).toHaveLength(0);
  });

  it('rejects an unknown symbol with suggestions, fetching the market list once', async () => {
    const rest = coinbaseServer([]);
    const adapter = new CoinbaseAdapter('http://sim', rest, 10);
    await expect(adapter.fetchOhlcPage('BTC-USDX', 60, T0, T0 + S, 300)).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
      suggestions: expect.arrayContaining(['BTC/USD']),
    });
    await adapter.resolveSymbol('ETH-USD');
    expect(rest.count('/products')).toBe(1);
  });
});
