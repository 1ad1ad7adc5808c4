import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_MS = 1_767_225_600_000;
const NS = (ms: number) => BigInt(ms) * 1_000_000n;

describe('Binance dialect', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // "now" 30 s into a minute, so the bar in progress exists.
    sim = await startSimulator({ exchange: 'binance', now: NS(NOW_MS + 30_000), rateLimits: 'off' });
  });
  afterAll(() => sim.close());
  const get = (q: string) => simGet(`${sim.url}/api/v3/${q}`);

  it('klines: cut silently to limit (max 1000, default 500), ascending, 12 string fields', async () => {
    const start = NOW_MS - 3 * 86_400_000;
    const big = await get(`klines?symbol=BTCUSDT&interval=1m&startTime=${start}&limit=5000`);
    const rows = big.body as unknown[][];
    expect(big.status).toBe(200);
    expect(rows.length).toBe(1000);
    expect(rows[0]![0]).toBe(start);
    expect(rows[0]!.length).toBe(12);
    expect(rows[0]![6]).toBe(start + 59_999);
    expect(typeof rows[0]![1]).toBe('string');
    expect(rows[0]![1]).toMatch(/^\d+\.\d{8}$/);
    for (let i = 1; i < rows.length; i++) expect(rows[i]![0]).toBeGreaterThan(rows[i - 1]![0] as number);
    const dflt = (await get(`klines?symbol=BTCUSDT&interval=1m&startTime=${start}`)).body as unknown[];
    expect(dflt.length).toBe(500);
  });

  it('klines: startTime and endTime inclusive; values equal the ground truth', async () => {
    const start = NOW_MS - 600_000;
    const end = start + 4 * 60_000;
    const rows = (await get(`klines?symbol=ETHUSDT&interval=1m&startTime=${start}&endTime=${end}`))
      .body as string[][];
    expect(rows.map((r) => r[0])).toEqual([0, 1, 2, 3, 4].map((i) => start + i * 60_000));
    const truth = sim.truth.bars('ETHUSDT', 60, NS(start), NS(end + 1));
    expect(rows.map((r) => [r[0], +r[1]!, +r[2]!, +r[3]!, +r[4]!, +r[5]!])).toEqual(
      truth.map((b) => [Number(b.tsNs / 1_000_000n), b.open, b.high, b.low, b.close, b.volume]),
    );
  });

  it('klines without a range: the newest bars, the last one still in progress', async () => {
    const rows = (await get('klines?symbol=BTCUSDT&interval=1m&limit=3')).body as number[][];
    expect(rows.map((r) => r[0])).toEqual([NOW_MS - 120_000, NOW_MS - 60_000, NOW_MS]);
    expect(rows[2]![6]).toBeGreaterThan(NOW_MS + 30_000); // close time in the future
    const hours = (await get('klines?symbol=BTCUSDT&interval=1h&limit=2')).body as number[][];
    expect(hours.map((r) => r[0])).toEqual([NOW_MS - 3_600_000, NOW_MS]);
  });

  it('errors: -1120 bad interval, -1121 unknown symbol, -1102 missing, -1100 illegal', async () => {
    const cases: [string, number][] = [
      ['klines?symbol=BTCUSDT&interval=4m', -1120],
      ['klines?symbol=NOPEUSDT&interval=1m', -1121],
      ['klines?interval=1m', -1102],
      ['klines?symbol=BTCUSDT', -1102],
      ['klines?symbol=BTCUSDT&interval=1m&limit=abc', -1100],
      ['klines?symbol=btc%20usdt&interval=1m', -1100],
    ];
    for (const [q, code] of cases) {
      const r = await get(q);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code });
    }
    expect((await get('nothing')).status).toBe(404);
  });

  it('aggTrades: fromId pages are contiguous; m = buyer is maker = the taker sold', async () => {
    const first = (await get(`aggTrades?symbol=BTCUSDT&startTime=${NOW_MS - 60_000}&limit=1000`)).body as {
      a: number;
      T: number;
      m: boolean;
      p: string;
    }[];
    expect(first.length).toBe(1000);
    const next = (await get(`aggTrades?symbol=BTCUSDT&fromId=${first[999]!.a + 1}&limit=10`)).body as {
      a: number;
    }[];
    expect(next.map((x) => x.a)).toEqual(Array.from({ length: 10 }, (_, i) => first[999]!.a + 1 + i));
    const truth = sim.truth.trades('BTCUSDT', NS(NOW_MS - 60_000), NS(NOW_MS));
    expect(first.map((x) => [String(x.a), x.T, x.m ? 'sell' : 'buy', +x.p])).toEqual(
      truth.slice(0, 1000).map((t) => [t.id, Number(t.tsNs / 1_000_000n), t.side, t.price]),
    );
    const newest = (await get('aggTrades?symbol=BTCUSDT&limit=5')).body as { T: number }[];
    expect(newest.length).toBe(5);
    expect(newest[4]!.T).toBeLessThan(NOW_MS + 30_000);
  });

  it('historicalTrades, trades, depth, exchangeInfo, time, ping', async () => {
    const h = (await get('historicalTrades?symbol=ETHUSDT&fromId=1000&limit=3')).body as { id: number }[];
    expect(h.map((x) => x.id)).toEqual([1000, 1001, 1002]);
    expect(((await get('trades?symbol=ETHUSDT&limit=7')).body as unknown[]).length).toBe(7);
    const d = (await get('depth?symbol=BTCUSDT&limit=5')).body as { bids: string[][]; asks: string[][] };
    expect(d.bids.length).toBe(5);
    expect(+d.bids[0]![0]!).toBeLessThan(+d.asks[0]![0]!);
    const info = (await get('exchangeInfo')).body as { symbols: { symbol: string }[]; rateLimits: unknown[] };
    expect(info.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'ZECUSDT']);
    expect(info.rateLimits).toContainEqual(
      expect.objectContaining({ rateLimitType: 'REQUEST_WEIGHT', limit: 6000 }),
    );
    expect((await get('time')).body).toEqual({ serverTime: NOW_MS + 30_000 });
    expect((await get('ping')).body).toEqual({});
  });
});

describe('Binance request weight', () => {
  it('counts weight in X-MBX-USED-WEIGHT-1M, answers 429 with Retry-After, then 418 to a client that keeps going', async () => {
    const sim = await startSimulator({ exchange: 'binance' });
    try {
      const a = await simGet(`${sim.url}/api/v3/ping`);
      const b = await simGet(`${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`);
      const used0 = Number(a.headers.get('x-mbx-used-weight-1m'));
      expect(Number(b.headers.get('x-mbx-used-weight-1m'))).toBe(used0 + 2);
      // exchangeInfo weighs 20: 300 of them exhaust 6000.
      const statuses: number[] = [];
      let first429: Awaited<ReturnType<typeof simGet>> | undefined;
      for (let i = 0; i < 700 && !statuses.includes(418); i++) {
        const r = await simGet(`${sim.url}/api/v3/exchangeInfo`);
        statuses.push(r.status);
        if (r.status === 429 && !first429) first429 = r;
      }
      expect(first429).toBeDefined();
      expect(first429!.body).toMatchObject({ code: -1003 });
      const retry = Number(first429!.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(statuses.indexOf(429)).toBeGreaterThan(280);
      expect(statuses.at(-1)).toBe(418);
      const banned = await simGet(`${sim.url}/api/v3/ping`);
      expect(banned.status).toBe(418);
      expect(Number(banned.headers.get('retry-after'))).toBeGreaterThan(60);
      expect(sim.stats().status418).toBeGreaterThanOrEqual(2);
      expect(sim.stats().status429).toBeGreaterThanOrEqual(1);
    } finally {
      await sim.close();
    }
  });
});
