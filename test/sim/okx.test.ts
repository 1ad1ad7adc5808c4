/** The OKX REST dialect on the wire: envelope, newest-first pages, exclusive bounds, caps, history, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_MS = 1_767_225_600_000 + 30_000; // 30 s into a minute: the forming bar exists
type Env = { code: string; msg: string; data: unknown[] };

describe('OKX dialect', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'okx', now: BigInt(NOW_MS) * 1_000_000n, rateLimits: 'off' });
  });
  afterAll(() => sim.close());
  const get = async (q: string) => {
    const r = await simGet(`${sim.url}/api/v5${q}`);
    return { status: r.status, body: r.body as Env };
  };

  it('candles: newest first, the forming bar unconfirmed, after/before exclusive, 300 a page, 1,440 bars', async () => {
    const { body } = await get('/market/candles?instId=BTC-USDT&bar=1m&limit=1000');
    expect(body.code).toBe('0');
    const rows = body.data as string[][];
    expect(rows.length).toBe(300);
    expect(rows[0]![0]).toBe(String(NOW_MS - 30_000));
    expect(rows[0]![8]).toBe('0');
    expect(rows[1]![8]).toBe('1');
    expect(Number(rows[0]![0])).toBeGreaterThan(Number(rows[1]![0]));
    const t = NOW_MS - 30_000 - 10 * 60_000;
    const page = (await get(`/market/candles?instId=BTC-USDT&bar=1m&after=${t}&before=${t - 3 * 60_000}`))
      .body.data as string[][];
    expect(page.map((r) => Number(r[0]))).toEqual([t - 60_000, t - 120_000]);
    // Only the newest 1,440 bars on /market/candles; history-candles goes on.
    const old = NOW_MS - 30_000 - 1440 * 60_000;
    expect((await get(`/market/candles?instId=BTC-USDT&bar=1m&after=${old + 60_000}`)).body.data).toEqual([]);
    const hist = (await get(`/market/history-candles?instId=BTC-USDT&bar=1m&after=${old + 60_000}&limit=300`))
      .body.data as string[][];
    expect(hist.length).toBe(100);
    expect(hist[0]![0]).toBe(String(old));
  });

  it('swap sizes in contracts: trade sz is base ÷ ctVal', async () => {
    const inst = (await get('/public/instruments?instType=SWAP')).body.data as Record<string, string>[];
    expect(inst.map((i) => [i.instId, i.ctVal, i.ctType, i.settleCcy])).toEqual([
      ['BTC-USDT-SWAP', '0.01', 'linear', 'USDT'],
      ['ETH-USDT-SWAP', '0.1', 'linear', 'USDT'],
    ]);
    const [t] = (await get('/market/history-trades?instId=BTC-USDT-SWAP&limit=1')).body.data as Record<
      string,
      string
    >[];
    const truth = sim.truth.trades(
      'BTC-USDT-SWAP',
      BigInt(Number(t!.ts)) * 1_000_000n,
      BigInt(Number(t!.ts) + 1) * 1_000_000n,
    );
    const same = truth.find((x) => x.id === t!.tradeId)!;
    expect(Number(t!.sz) * 0.01).toBeCloseTo(same.amount, 12);
  });

  it('history-trades: by id (after below, before above) or by time (after only), three months back', async () => {
    const newest = (await get('/market/history-trades?instId=ETH-USDT&limit=100')).body.data as Record<
      string,
      string
    >[];
    expect(newest.length).toBe(100);
    const top = Number(newest[0]!.tradeId);
    expect(Number(newest[99]!.tradeId)).toBe(top - 99);
    const mid = (
      await get(`/market/history-trades?instId=ETH-USDT&type=1&after=${top - 10}&before=${top - 15}`)
    ).body.data as Record<string, string>[];
    expect(mid.map((r) => Number(r.tradeId))).toEqual([top - 11, top - 12, top - 13, top - 14]);
    const ts = Number(newest[50]!.ts);
    const byTime = (await get(`/market/history-trades?instId=ETH-USDT&type=2&after=${ts}&limit=1`)).body
      .data as Record<string, string>[];
    expect(Number(byTime[0]!.ts)).toBeLessThan(ts);
    expect((await get(`/market/history-trades?instId=ETH-USDT&type=2&before=${ts}`)).body.code).toBe('51000');
    const old = NOW_MS - 91 * 86_400_000;
    expect((await get(`/market/history-trades?instId=ETH-USDT&type=2&after=${old}`)).body.data).toEqual([]);
  });

  it('errors: unknown instrument 51001 on HTTP 200, missing parameter 50014 on HTTP 400, 404 paths', async () => {
    expect(await get('/market/history-trades?instId=FOO-BAR')).toMatchObject({
      status: 200,
      body: { code: '51001' },
    });
    expect(await get('/market/candles?bar=1m')).toMatchObject({ status: 400, body: { code: '50014' } });
    expect(await get('/market/candles?instId=BTC-USDT&bar=7m')).toMatchObject({
      status: 400,
      body: { code: '51000' },
    });
    expect(await get('/public/funding-rate-history?instId=BTC-USDT')).toMatchObject({
      body: { code: '51001' },
    });
    expect((await get('/nope')).status).toBe(404);
  });
});

describe('OKX limits: N per 2 s per endpoint per client, in fixed windows', () => {
  it('answers 50011 with HTTP 429 on /market/* and HTTP 200 on /public/*; endpoints count apart', async () => {
    const sim = await startSimulator({ exchange: 'okx', rateLimits: 'on' });
    try {
      const fire = (path: string, n: number) =>
        Promise.all(Array.from({ length: n }, () => simGet(`${sim.url}/api/v5${path}`)));
      // Aligned to the start of a 2-second window so all requests land in one.
      await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 2000) + 20));
      const trades = await fire('/market/history-trades?instId=BTC-USDT&limit=1', 60);
      const time = await fire('/public/time', 30);
      const throttledTrades = trades.filter((r) => r.status === 429);
      // 20 allowed per window: 60 at once cannot all pass even if they straddle two windows.
      expect(throttledTrades.length).toBeGreaterThanOrEqual(20);
      expect((throttledTrades[0]!.body as Env).code).toBe('50011');
      const throttledTime = time.filter((r) => (r.body as Env).code === '50011');
      expect(throttledTime.length).toBeGreaterThanOrEqual(10);
      expect(throttledTime.every((r) => r.status === 200)).toBe(true);
      expect(sim.stats().throttled).toBe(throttledTrades.length + throttledTime.length);
    } finally {
      await sim.close();
    }
  });
});
