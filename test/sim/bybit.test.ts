/**
 * The Bybit REST dialect on the wire: the `{retCode, retMsg, result, retExtInfo, time}` envelope (errors
 * with HTTP 200), newest-first lists with both ends inclusive and a mid-bar `start` returning the bar
 * containing it, page caps, `endTime` required with `startTime` on funding, the open-interest cursor,
 * and the IP limit: 600 requests per fixed 5 s window per address, then HTTP 403 and a ban.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_MS = 1_767_225_600_000;
const MIN = 60_000;
type Env = { retCode: number; retMsg: string; result: Record<string, unknown>; time: number };

let sim: RunningSimulator;
let spot: RunningSimulator;
beforeAll(async () => {
  [sim, spot] = await Promise.all([
    startSimulator({ exchange: 'bybit-linear', rateLimits: 'off' }),
    startSimulator({ exchange: 'bybit', rateLimits: 'off' }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim.close(), spot.close()]);
});

const get = async (s: RunningSimulator, path: string) => (await simGet(`${s.url}${path}`)).body as Env;

describe('bybit REST dialect', () => {
  it('klines: newest first, both ends inclusive, a mid-bar start includes the bar containing it', async () => {
    const start = NOW_MS - 10 * MIN + 30_000;
    const end = NOW_MS - 5 * MIN;
    const r = await get(
      sim,
      `/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&start=${start}&end=${end}`,
    );
    expect(r).toMatchObject({ retCode: 0, retMsg: 'OK', time: NOW_MS });
    const opens = (r.result['list'] as string[][]).map((row) => Number(row[0]));
    expect(opens).toEqual([5, 6, 7, 8, 9, 10].map((k) => NOW_MS - k * MIN));
    // A small limit gives the newest bars next to `end`.
    const few = await get(
      sim,
      `/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&start=${start}&end=${end}&limit=2`,
    );
    expect((few.result['list'] as string[][]).map((row) => Number(row[0]))).toEqual([
      NOW_MS - 5 * MIN,
      NOW_MS - 6 * MIN,
    ]);
    // Over the cap: 1000 rows.
    const big = await get(sim, '/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=5000');
    expect((big.result['list'] as unknown[]).length).toBe(1000);
  });

  it('errors are HTTP 200 envelopes with a retCode', async () => {
    const bad = await simGet(`${sim.url}/v5/market/kline?category=linear&symbol=NOPE&interval=1`);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ retCode: 10001, retMsg: expect.stringMatching(/symbol/i) });
    const iv = await get(sim, '/v5/market/kline?category=linear&symbol=BTCUSDT&interval=7');
    expect(iv).toMatchObject({ retCode: 10001, retMsg: expect.stringMatching(/interval/i) });
    const f = await get(
      sim,
      `/v5/market/funding/history?category=linear&symbol=BTCUSDT&startTime=${NOW_MS - 86_400_000}`,
    );
    expect(f).toMatchObject({ retCode: 10001, retMsg: expect.stringMatching(/endTime/) });
    // The same symbol on the other category is another market: spot has no funding at all.
    const sf = await get(spot, '/v5/market/funding/history?category=spot&symbol=BTCUSDT');
    expect(sf.retCode).toBe(10001);
  });

  it('recent-trade: the newest trades, newest first; 60 at most on spot, 1000 on linear', async () => {
    const s = await get(spot, '/v5/market/recent-trade?category=spot&symbol=BTCUSDT&limit=1000');
    const l = await get(sim, '/v5/market/recent-trade?category=linear&symbol=BTCUSDT&limit=5000');
    const sl = s.result['list'] as { time: string; execId: string; side: string }[];
    const ll = l.result['list'] as { time: string; execId: string }[];
    expect(sl.length).toBe(60);
    expect(ll.length).toBe(1000);
    expect(Number(ll[0]!.time)).toBeGreaterThanOrEqual(Number(ll.at(-1)!.time));
    expect(ll[0]!.execId).toBe(
      sim.truth.trades('BTCUSDT', BigInt(NOW_MS - MIN) * 1_000_000n, BigInt(NOW_MS) * 1_000_000n).at(-1)!.id,
    );
    expect(['Buy', 'Sell']).toContain(sl[0]!.side);
  });

  it('open interest pages back by nextPageCursor until the start', async () => {
    const start = NOW_MS - 20 * 5 * MIN;
    let cursor = '';
    const seen: number[] = [];
    for (let page = 0; page < 10; page++) {
      const r = await get(
        sim,
        `/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min&startTime=${start}&endTime=${NOW_MS}&limit=6${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...(r.result['list'] as { timestamp: string }[]).map((o) => Number(o.timestamp)));
      cursor = r.result['nextPageCursor'] as string;
      if (!cursor) break;
    }
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => NOW_MS - i * 5 * MIN));
  });

  it('instruments: spot and linear lists; linear pages by cursor; other categories are empty', async () => {
    const s = await get(spot, '/v5/market/instruments-info?category=spot');
    expect((s.result['list'] as { symbol: string }[]).map((x) => x.symbol)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'ZECUSDT',
    ]);
    const p1 = await get(sim, '/v5/market/instruments-info?category=linear&limit=2');
    expect((p1.result['list'] as unknown[]).length).toBe(2);
    const p2 = await get(
      sim,
      `/v5/market/instruments-info?category=linear&limit=2&cursor=${p1.result['nextPageCursor']}`,
    );
    expect((p2.result['list'] as { symbol: string }[]).map((x) => x.symbol)).toEqual(['ZECUSDT']);
    expect(p2.result['nextPageCursor']).toBe('');
    const inv = await get(sim, '/v5/market/instruments-info?category=inverse');
    expect(inv.result['list']).toEqual([]);
  });
});

describe('bybit IP limit', () => {
  it('the 601st request of one 5 s window gets HTTP 403 "access too frequent", and the ban holds', async () => {
    // Scale 0.01: fixed windows of 500 s of wall clock, aligned to the epoch; start the burst well
    // inside one so it cannot straddle two.
    const s = await startSimulator({ exchange: 'bybit', rateLimits: { scale: 0.01 } });
    try {
      const left = 500_000 - (Date.now() % 500_000);
      if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
      const statuses: number[] = [];
      for (let i = 0; i < 610; i++) statuses.push((await simGet(`${s.url}/v5/market/time`)).status);
      expect(statuses.indexOf(403)).toBe(600);
      expect(statuses.slice(600).every((x) => x === 403)).toBe(true);
      const banned = await simGet(`${s.url}/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1`);
      expect(banned.status).toBe(403);
      expect(banned.text).toBe('access too frequent');
      expect(s.stats().throttled).toBeGreaterThanOrEqual(11);
    } finally {
      await s.close();
    }
  });
});
