import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

const NOW_S = 1_767_225_600;
type Res<T> = { error: string[]; result: Record<string, T> & { last: unknown } };

describe('Kraken dialect', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // 30 s into a minute: the open bar exists.
    sim = await startSimulator({
      exchange: 'kraken',
      now: BigInt(NOW_S + 30) * 1_000_000_000n,
      rateLimits: 'off',
    });
  });
  afterAll(() => sim.close());
  const get = (q: string) => simGet(`${sim.url}/0/public/${q}`);

  it('OHLC: only the latest 720 bars plus the open one, whatever since says; since trims the front', async () => {
    const all = (await get('OHLC?pair=XBTUSD&interval=1&since=0')).body as Res<unknown[][]>;
    const rows = all.result.XXBTZUSD!;
    expect(all.error).toEqual([]);
    expect(rows.length).toBe(721);
    expect(rows[720]![0]).toBe(NOW_S); // the open bar
    expect(rows[0]![0]).toBe(NOW_S - 720 * 60);
    expect(all.result.last).toBe(NOW_S - 60);
    expect(rows[0]!.length).toBe(8);
    expect(typeof rows[0]![1]).toBe('string');
    expect(typeof rows[0]![7]).toBe('number');
    const trimmed = (await get(`OHLC?pair=XXBTZUSD&interval=1&since=${NOW_S - 600}`)).body as Res<
      unknown[][]
    >;
    expect(trimmed.result.XXBTZUSD!.length).toBe(11);
    expect(trimmed.result.XXBTZUSD![0]![0]).toBe(NOW_S - 600);
    const bars = sim.truth.bars(
      'XBTUSD',
      60,
      BigInt(NOW_S - 600) * 1_000_000_000n,
      BigInt(NOW_S + 60) * 1_000_000_000n,
    );
    expect(
      trimmed.result.XXBTZUSD!.map((r) => [r[0], +(r[1] as string), +(r[4] as string), +(r[6] as string)]),
    ).toEqual(bars.map((b) => [Number(b.tsNs / 1_000_000_000n), b.open, b.close, b.volume]));
  });

  it('Trades: since in ns or s, last in ns, pages overlap at the edge', async () => {
    const sinceS = NOW_S - 120;
    const p1 = (await get(`Trades?pair=XBTUSD&since=${sinceS}&count=500`)).body as Res<unknown[][]>;
    const rows = p1.result.XXBTZUSD!;
    expect(rows.length).toBe(500);
    expect(rows[0]!.length).toBe(7);
    const last = p1.result.last as string;
    expect(last).toMatch(/^\d{19}$/);
    const p2 = (await get(`Trades?pair=XBTUSD&since=${last}&count=500`)).body as Res<unknown[][]>;
    const ids1 = rows.map((r) => r[6] as number);
    const ids2 = p2.result.XXBTZUSD!.map((r) => r[6] as number);
    expect(ids2[0]).toBeLessThanOrEqual(ids1.at(-1)!); // overlap: the edge trade comes again
    const merged = [...new Set([...ids1, ...ids2])];
    for (let i = 1; i < merged.length; i++) expect(merged[i]).toBe(merged[i - 1]! + 1);
    const truth = sim.truth.trades(
      'XXBTZUSD',
      BigInt(sinceS) * 1_000_000_000n,
      BigInt(NOW_S) * 1_000_000_000n,
    );
    expect(rows.map((r) => [String(r[6]), +(r[0] as string), r[3] === 'b' ? 'buy' : 'sell'])).toEqual(
      truth.slice(0, 500).map((t) => [t.id, t.price, t.side]),
    );
    expect(rows[0]![2]).toBeCloseTo(Number(truth[0]!.tsNs) / 1e9, 5);
  });

  it('errors arrive with HTTP 200: unknown pair, invalid interval', async () => {
    const a = await get('OHLC?pair=DOGEUSD&interval=1');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ error: ['EQuery:Unknown asset pair'] });
    const b = await get('OHLC?pair=XBTUSD&interval=360');
    expect(b.status).toBe(200);
    expect(b.body).toEqual({ error: ['EGeneral:Invalid arguments'] });
  });

  it('Time, Assets, AssetPairs (keyed by internal name), Depth', async () => {
    expect(((await get('Time')).body as Res<number>).result.unixtime).toBe(NOW_S + 30);
    const assets = (await get('Assets')).body as Res<{ altname: string }>;
    expect(assets.result.XXBT!.altname).toBe('XBT');
    const pairs = (await get('AssetPairs?pair=XBTUSD')).body as Res<{
      altname: string;
      pair_decimals: number;
    }>;
    expect(Object.keys(pairs.result)).toEqual(['XXBTZUSD']);
    expect(pairs.result.XXBTZUSD).toMatchObject({ altname: 'XBTUSD', wsname: 'XBT/USD', pair_decimals: 1 });
    const depth = (await get('Depth?pair=XBTUSD&count=3')).body as Res<{ bids: unknown[] }>;
    expect(depth.result.XXBTZUSD!.bids.length).toBe(3);
  });
});

describe('Kraken public throttle', () => {
  it('answers HTTP 200 EGeneral:Too many requests after a burst', async () => {
    const sim = await startSimulator({ exchange: 'kraken' });
    try {
      const rs: { status: number; body: unknown }[] = [];
      for (let i = 0; i < 30; i++) rs.push(await simGet(`${sim.url}/0/public/Time`));
      const limited = rs.filter((r) => JSON.stringify(r.body).includes('EGeneral:Too many requests'));
      expect(rs.every((r) => r.status === 200)).toBe(true);
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(rs.slice(0, 15).every((r) => !JSON.stringify(r.body).includes('Too many'))).toBe(true);
      expect(sim.stats().throttled).toBe(limited.length);
    } finally {
      await sim.close();
    }
  });
});
