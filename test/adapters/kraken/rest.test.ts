import { describe, expect, it } from 'vitest';
import type { TradeCursor } from '../../../src/adapters/adapter.js';
import { KrakenAdapter } from '../../../src/adapters/kraken/rest.js';
import type { Trade } from '../../../src/core/records.js';
import { FakeRest } from '../../helpers/adapters-fake-rest.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_040; // s, a whole minute

/** 3000 trades, one every 0.5 s, ids from 1. */
const trades = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, t: T0 + i * 0.5 }));

const server = (now: number) =>
  new FakeRest((path, params) => {
    if (path === '/0/public/AssetPairs') return fixture('kraken', 'asset-pairs');
    if (path === '/0/public/Trades') {
      // Kraken's pages overlap: `since` is inclusive of the trade at `last`.
      const sinceNs = BigInt(String(params['since']));
      const count = Number(params['count']);
      const rows = trades.filter((x) => BigInt(Math.round(x.t * 1e6)) * 1000n >= sinceNs).slice(0, count);
      const lastNs = rows.length ? BigInt(Math.round(rows.at(-1)!.t * 1e6)) * 1000n : sinceNs;
      return {
        error: [],
        result: {
          XXBTZUSD: rows.map((x) => ['100.0', '0.5', x.t, x.id % 2 ? 'b' : 's', 'l', '', x.id]),
          last: String(lastNs),
        },
      };
    }
    if (path === '/0/public/OHLC') {
      if (Number(params['interval']) !== 1) return fixture('kraken', 'error-invalid-arguments');
      const first = Math.max(Number(params['since']), now - 720 * 60);
      const rows = [];
      for (let t = first - (first % 60); t <= now; t += 60)
        rows.push([t, '1', '2', '0.5', '1.5', '1.2', '3', 4]);
      return { error: [], result: { XXBTZUSD: rows, last: now - 60 } };
    }
    throw new Error(path);
  });

describe('kraken rest', () => {
  it('pages trades by the ns cursor and removes the overlap at page edges', async () => {
    const adapter = new KrakenAdapter('http://sim', server(T0 + 10_000), 1);
    const startNs = BigInt(T0 + 100) * S;
    const endNs = BigInt(T0 + 1200) * S;
    const out: Trade[] = [];
    let cursor: TradeCursor = null;
    for (let i = 0; i < 50; i++) {
      const [page, next] = await adapter.fetchTradesPage('BTC/USD', startNs, endNs, 1000, cursor);
      out.push(...page);
      if (next === null) break;
      cursor = next;
    }
    const want = trades.filter((x) => x.t >= T0 + 100 && x.t <= T0 + 1200).map((x) => String(x.id));
    expect(out.map((t) => t.id)).toEqual(want);
    expect(new Set(out.map((t) => t.id)).size).toBe(out.length);
  });

  it('serves candles inside the newest 720 bars and refuses older ones saying what to do', async () => {
    const now = T0 + 100_000 * 60;
    const adapter = new KrakenAdapter('http://sim', server(now), 1);
    const recent = BigInt(now - 100 * 60) * S;
    const bars = await adapter.fetchOhlcPage('XBTUSD', 60, recent, recent + 9n * 60n * S, 720);
    expect(bars.map((b) => b.tsNs)).toEqual(
      Array.from({ length: 10 }, (_, i) => recent + BigInt(i) * 60n * S),
    );
    expect(bars[0]).toMatchObject({ open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 });
    const old = BigInt(now - 2000 * 60) * S;
    await expect(adapter.fetchOhlcPage('XBTUSD', 60, old, old + 60n * S, 720)).rejects.toMatchObject({
      name: 'UnsupportedRangeError',
      code: 'ERR_UNSUPPORTED_RANGE',
      range: { startNs: old },
    });
  });

  it('turns a throttle that reaches the adapter into RateLimitedError and a bad interval into UnsupportedSpanError', async () => {
    const adapter = new KrakenAdapter('http://sim', server(T0), 1);
    const startNs = BigInt(T0) * S;
    const fresh = new KrakenAdapter(
      'http://sim',
      new FakeRest((path) =>
        path.endsWith('AssetPairs') ? fixture('kraken', 'asset-pairs') : fixture('kraken', 'error-throttle'),
      ),
      1,
    );
    await expect(fresh.fetchTradesPage('BTC/USD', startNs, startNs + S, 1000, null)).rejects.toMatchObject({
      code: 'ERR_RATE_LIMITED',
      exchange: 'kraken',
    });
    await expect(adapter.fetchOhlcPage('BTC/USD', 600, startNs, startNs + S, 720)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_SPAN',
    });
    await expect(adapter.fetchOhlcPage('BTC/EUR', 60, startNs, startNs + S, 720)).rejects.toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
      suggestions: expect.arrayContaining(['BTC/USD']),
    });
  });
});
