import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_S = 1_767_225_600;
const iso = (s: number) => new Date(s * 1000).toISOString();

describe('Coinbase Exchange dialect', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'coinbase', rateLimits: 'off' });
  });
  afterAll(() => sim.close());
  const get = (q: string) => simGet(`${sim.url}${q}`);

  it('candles: start..start+300g is inclusive (301 rows), newest first, numeric [t, low, high, open, close, vol]', async () => {
    const start = NOW_S - 400 * 60;
    const r = await get(
      `/products/BTC-USD/candles?granularity=60&start=${iso(start)}&end=${iso(start + 300 * 60)}`,
    );
    const rows = r.body as number[][];
    expect(r.status).toBe(200);
    expect(rows.length).toBe(301);
    expect(rows[0]![0]).toBe(start + 300 * 60);
    expect(rows[300]![0]).toBe(start);
    const truth = sim.truth.bars(
      'BTC-USD',
      60,
      BigInt(start) * 1_000_000_000n,
      BigInt(start + 301 * 60) * 1_000_000_000n,
    );
    expect([...rows].reverse()).toEqual(
      truth.map((b) => [Number(b.tsNs / 1_000_000_000n), b.low, b.high, b.open, b.close, b.volume]),
    );
    // Unix seconds are accepted too.
    const unix = await get(`/products/BTC-USD/candles?granularity=60&start=${start}&end=${start + 120}`);
    expect((unix.body as unknown[]).length).toBe(3);
  });

  it('candles: a range over 300 buckets is rejected with 400 and the exact message', async () => {
    const start = NOW_S - 400 * 60;
    const r = await get(
      `/products/BTC-USD/candles?granularity=60&start=${iso(start)}&end=${iso(start + 301 * 60)}`,
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      message:
        'granularity too small for the requested time range. Count of aggregations requested exceeds 300',
    });
    const g = await get('/products/BTC-USD/candles?granularity=14400');
    expect(g.status).toBe(400);
    expect(g.body).toEqual({ message: 'Unsupported granularity' });
  });

  it('candles without a range: the latest 300 buckets; empty buckets are missing', async () => {
    const rows = (await get('/products/BTC-USD/candles?granularity=300')).body as number[][];
    // The 300 buckets up to the one holding "now"; that one is empty at this fixed clock (now = its start).
    expect(rows.length).toBe(299);
    expect(rows[0]![0]).toBe(NOW_S - 300);
    expect(rows[298]![0]).toBe(NOW_S - 299 * 300);
    const sparse = (await get('/products/ZEC-USD/candles?granularity=60')).body as number[][];
    expect(sparse.length).toBeLessThan(300);
  });

  it('trades: newest first, CB-BEFORE/CB-AFTER, after= pages older, side is the maker side', async () => {
    const p1 = await get('/products/BTC-USD/trades?limit=100');
    const rows = p1.body as { trade_id: number; side: string; price: string; time: string }[];
    expect(rows.length).toBe(100);
    expect(Number(p1.headers.get('cb-before'))).toBe(rows[0]!.trade_id);
    expect(Number(p1.headers.get('cb-after'))).toBe(rows[99]!.trade_id);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.trade_id).toBe(rows[i - 1]!.trade_id - 1);
    const p2 = await get(`/products/BTC-USD/trades?limit=100&after=${p1.headers.get('cb-after')}`);
    expect((p2.body as { trade_id: number }[])[0]!.trade_id).toBe(rows[99]!.trade_id - 1);
    const newer = await get(`/products/BTC-USD/trades?limit=5&before=${rows[10]!.trade_id}`);
    expect((newer.body as { trade_id: number }[]).map((x) => x.trade_id)).toEqual(
      [5, 4, 3, 2, 1].map((k) => rows[10]!.trade_id + k),
    );
    const truth = sim.truth.trades(
      'BTC-USD',
      BigInt(NOW_S - 60) * 1_000_000_000n,
      BigInt(NOW_S) * 1_000_000_000n,
    );
    const last = truth.at(-1)!;
    expect(rows[0]!.trade_id).toBe(Number(last.id));
    expect(rows[0]!.side).toBe(last.side === 'buy' ? 'sell' : 'buy');
    expect(rows[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(((await get('/products/BTC-USD/trades?limit=5000')).body as unknown[]).length).toBe(1000);
  });

  it('products, currencies, book, time; unknown product is 404 NotFound', async () => {
    const products = (await get('/products')).body as { id: string; quote_increment: string }[];
    expect(products.map((p) => p.id)).toEqual(['BTC-USD', 'ETH-USD', 'ZEC-USD']);
    expect((await get('/products/ETH-USD')).body).toMatchObject({ id: 'ETH-USD', base_currency: 'ETH' });
    expect(((await get('/currencies')).body as { id: string }[]).map((c) => c.id).sort()).toEqual([
      'BTC',
      'ETH',
      'USD',
      'ZEC',
    ]);
    const book = (await get('/products/BTC-USD/book?level=2')).body as { bids: unknown[]; asks: unknown[] };
    // Level 2 is the full aggregated book: the same one ground truth holds.
    expect(book.bids.length).toBe(sim.truth.book('BTC-USD', BigInt(NOW_S) * 1_000_000_000n).bids.length);
    expect(book.bids.length).toBeGreaterThan(500);
    expect((await get('/time')).body).toMatchObject({ epoch: NOW_S });
    const nf = await get('/products/DOGE-USD/candles?granularity=60');
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ message: 'NotFound' });
  });
});

describe('Coinbase public rate limit', () => {
  it('answers 429 Public rate limit exceeded past the burst of 15, and recovers at 10/s', async () => {
    const sim = await startSimulator({ exchange: 'coinbase' });
    try {
      const rs = await Promise.all(Array.from({ length: 25 }, () => simGet(`${sim.url}/time`)));
      const ok = rs.filter((r) => r.status === 200).length;
      expect(ok).toBeGreaterThanOrEqual(15);
      expect(ok).toBeLessThanOrEqual(18);
      const limited = rs.find((r) => r.status === 429)!;
      expect(limited.body).toEqual({ message: 'Public rate limit exceeded' });
      await new Promise((r) => setTimeout(r, 350));
      expect((await simGet(`${sim.url}/time`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
