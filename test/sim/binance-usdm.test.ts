/**
 * The Binance USDⓈ-M REST dialect on its own: paths, parameters (`pair` for index klines, the
 * aggTrades one-hour rule, the 30-day open-interest window), weights by `limit`, the separate
 * `fundingRate` budget, error bodies, and 429 → 418.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_MS = 1_767_225_600_000;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance-usdm', rateLimits: 'off' });
});
afterAll(() => sim.close());

describe('binance-usdm REST dialect', () => {
  it('lists the perpetuals in exchangeInfo', async () => {
    const r = await simGet(`${sim.url}/fapi/v1/exchangeInfo`);
    const body = r.body as {
      symbols: { symbol: string; contractType: string; marginAsset: string; pair: string }[];
    };
    expect(body.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'ZECUSDT']);
    expect(body.symbols.every((s) => s.contractType === 'PERPETUAL' && s.marginAsset === 'USDT')).toBe(true);
  });

  it('index klines are asked by pair (symbol is refused), mark klines by symbol', async () => {
    const q = `interval=1m&startTime=${NOW_MS - 600_000}&limit=5`;
    const byPair = await simGet(`${sim.url}/fapi/v1/indexPriceKlines?pair=BTCUSDT&${q}`);
    expect(byPair.status).toBe(200);
    expect((byPair.body as unknown[]).length).toBe(5);
    const bySymbol = await simGet(`${sim.url}/fapi/v1/indexPriceKlines?symbol=BTCUSDT&${q}`);
    expect(bySymbol.status).toBe(400);
    expect(bySymbol.body).toMatchObject({ code: -1102 });
    const mark = await simGet(`${sim.url}/fapi/v1/markPriceKlines?symbol=BTCUSDT&${q}`);
    const row = (mark.body as string[][])[0]!;
    expect(row[0]).toBe(NOW_MS - 600_000);
    expect(row[5]).toBe('0'); // volumes are "Ignore"
  });

  it('aggTrades refuses a startTime–endTime span above one hour (-1127)', async () => {
    const ok = await simGet(
      `${sim.url}/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${NOW_MS - 7_200_000}&endTime=${NOW_MS - 3_600_000}`,
    );
    expect(ok.status).toBe(200);
    const bad = await simGet(
      `${sim.url}/fapi/v1/aggTrades?symbol=BTCUSDT&startTime=${NOW_MS - 7_200_000}&endTime=${NOW_MS - 3_599_999}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: -1127 });
  });

  it('openInterestHist serves the last 30 days only and refuses an older startTime', async () => {
    const old = await simGet(
      `${sim.url}/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&startTime=${NOW_MS - 31 * 86_400_000}`,
    );
    expect(old.status).toBe(400);
    expect(old.body).toMatchObject({ code: -1130 });
    const latest = await simGet(`${sim.url}/futures/data/openInterestHist?symbol=BTCUSDT&period=1h`);
    const rows = latest.body as { timestamp: string; sumOpenInterest: string }[];
    expect(rows.length).toBe(30); // default limit
    expect(Number(rows.at(-1)!.timestamp)).toBe(NOW_MS);
    const bad = await simGet(`${sim.url}/futures/data/openInterestHist?symbol=BTCUSDT&period=1m`);
    expect(bad.body).toMatchObject({ code: -1130 });
  });

  it('fundingRate without startTime returns the newest rows, ascending', async () => {
    const r = await simGet(`${sim.url}/fapi/v1/fundingRate?symbol=BTCUSDT&limit=3`);
    const rows = r.body as { fundingTime: number }[];
    expect(rows.map((x) => x.fundingTime)).toEqual([NOW_MS - 16 * 3_600_000, NOW_MS - 8 * 3_600_000, NOW_MS]);
  });

  it('unknown symbols and paths answer with Binance error bodies', async () => {
    const r = await simGet(`${sim.url}/fapi/v1/klines?symbol=NOPE&interval=1m`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    const p = await simGet(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m`);
    expect(p.status).toBe(404);
  });
});

describe('binance-usdm limits', () => {
  it('weights klines by limit and bans (418) after repeated 429s', async () => {
    const s = await startSimulator({ exchange: 'binance-usdm' });
    try {
      const used = async (limit: number) => {
        const r = await simGet(`${s.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=${limit}`);
        return Number(r.headers.get('x-mbx-used-weight-1m'));
      };
      const a = await used(99);
      expect(await used(100)).toBe(a + 2);
      expect(await used(500)).toBe(a + 7);
      expect(await used(1000)).toBe(a + 12);
      expect(await used(1500)).toBe(a + 22);
      const statuses: number[] = [];
      for (let i = 0; i < 300 && !statuses.includes(418); i++) {
        statuses.push((await simGet(`${s.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500`)).status);
      }
      // 2,400 weight at 10 each: the first 429 comes after about 237 requests, then a ban.
      expect(statuses.indexOf(429)).toBeGreaterThan(230);
      expect(statuses.at(-1)).toBe(418);
      expect(s.stats().status418).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('fundingRate has a budget of its own: 500 requests per 5 minutes, outside the weight', async () => {
    const s = await startSimulator({ exchange: 'binance-usdm' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 501; i++) {
        statuses.push((await simGet(`${s.url}/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1`)).status);
      }
      expect(statuses.slice(0, 500).every((x) => x === 200)).toBe(true);
      expect(statuses[500]).toBe(429);
      // The weight budget is untouched: klines still answer.
      const k = await simGet(`${s.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1`);
      expect(k.status).toBe(200);
      expect(Number(k.headers.get('x-mbx-used-weight-1m'))).toBe(1);
    } finally {
      await s.close();
    }
  });
});
