import { describe, expect, it } from 'vitest';
import type { TradeCursor } from '../../../src/adapters/adapter.js';
import { BinanceAdapter } from '../../../src/adapters/binance/rest.js';
import { HTTPError } from '../../../src/core/errors.js';
import type { Trade } from '../../../src/core/records.js';
import { FakeRest } from '../../helpers/adapters-fake-rest.js';
import { fixture, fixtureText } from '../../helpers/adapters-fixtures.js';

const MS = 1_000_000n;
const T0 = 1_700_000_000_000; // ms

/** 5000 aggTrades, one every 100 ms, ids from 1. */
const agg = Array.from({ length: 5000 }, (_, i) => ({
  a: i + 1,
  p: '10',
  q: '1',
  f: i,
  l: i,
  T: T0 + i * 100,
  m: i % 2 === 0,
  M: true,
}));

const server = () =>
  new FakeRest((path, params) => {
    if (path === '/api/v3/exchangeInfo') return fixture('binance', 'exchange-info');
    if (path === '/api/v3/aggTrades') {
      const limit = Number(params['limit']);
      if (params['fromId'] !== undefined)
        return agg.filter((t) => t.a >= Number(params['fromId'])).slice(0, limit);
      const start = Number(params['startTime']);
      const end = Number(params['endTime']);
      return agg.filter((t) => t.T >= start && t.T <= end).slice(0, limit);
    }
    if (path === '/api/v3/klines') {
      if (params['symbol'] !== 'BTCUSDT')
        throw new HTTPError(400, 'http://x', fixtureText('binance', 'error-invalid-symbol'));
      const rows = [];
      for (
        let t = Number(params['startTime']);
        t <= Number(params['endTime']) && rows.length < Number(params['limit']);
        t += 60_000
      ) {
        rows.push([t, '1', '2', '0.5', '1.5', '7', t + 59_999, '0', 1, '0', '0', '0']);
      }
      return rows;
    }
    throw new Error(path);
  });

describe('binance rest', () => {
  it('finds the window by startTime, follows fromId, and stops past the end', async () => {
    const rest = server();
    const adapter = new BinanceAdapter('http://sim', rest, 6000);
    const startNs = BigInt(T0 + 50_050) * MS;
    const endNs = BigInt(T0 + 300_000) * MS;
    const out: Trade[] = [];
    let cursor: TradeCursor = null;
    for (let i = 0; i < 100; i++) {
      const [page, next] = await adapter.fetchTradesPage('BTC/USDT', startNs, endNs, 1000, cursor);
      out.push(...page);
      if (next === null) break;
      cursor = next;
    }
    const want = agg.filter((t) => BigInt(t.T) * MS >= startNs && BigInt(t.T) * MS <= endNs);
    expect(out.map((t) => t.id)).toEqual(want.map((t) => String(t.a)));
    expect(out[0]?.side).toBe(want[0]!.m ? 'sell' : 'buy');
    expect(rest.calls.filter((c) => c.path.endsWith('aggTrades')).map((c) => c.cost)).toEqual([4, 4, 4]);
    expect(rest.calls.find((c) => c.path.endsWith('exchangeInfo'))?.cost).toBe(20);
  });

  it('fetches klines with weight 2 and maps -1121 on a listed-but-rejected symbol', async () => {
    const rest = server();
    const adapter = new BinanceAdapter('http://sim', rest, 6000);
    const startNs = BigInt(T0 - (T0 % 60_000)) * MS;
    const bars = await adapter.fetchOhlcPage('btcusdt', 60, startNs, startNs + 59n * 60_000n * MS, 1000);
    expect(bars).toHaveLength(60);
    expect(rest.calls.at(-1)).toMatchObject({
      params: { symbol: 'BTCUSDT', interval: '1m', limit: 1000 },
      cost: 2,
    });
    await expect(adapter.fetchOhlcPage('ETH/USDT', 60, startNs, startNs, 1000)).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
      symbol: 'ETH/USDT',
    });
    await expect(adapter.fetchOhlcPage('BTCUSDT', 7, startNs, startNs, 1000)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_SPAN',
      span: 7,
    });
  });
});
