/**
 * The simulator's `prerender.klines1m` option: 1m kline pages served from rows rendered ahead must be
 * byte for byte the pages a simulator without it renders (dense and sparse symbols, pages straddling
 * the range's edges and the minute in progress, `endTime` and `limit` cuts), with rate limits applied
 * as to any request; bad options are refused naming the option.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';

const NOW_MS = 1_767_225_600_000 + 30_000; // 30 s into a minute: a bar is in progress
const NS = (ms: number) => BigInt(ms) * 1_000_000n;
const DAY = 86_400_000;
const FROM = NOW_MS - 2 * DAY;

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('simulator: 1m klines rendered ahead', () => {
  const base: SimulatorOptions = {
    exchange: 'binance',
    now: NS(NOW_MS),
    rateLimits: 'off',
    // ETHUSDT sparse: many minutes without a trade (no row), runs of them inside pages.
    markets: { symbols: { ETHUSDT: { tradesPerSecond: 0.004 } } },
  };
  let plain: RunningSimulator;
  let ahead: RunningSimulator;
  beforeAll(async () => {
    plain = await startSimulator(base);
    ahead = await startSimulator({
      ...base,
      prerender: {
        klines1m: [
          // Ends past "now": the minute in progress is not kept.
          { symbol: 'BTCUSDT', startNs: NS(FROM), endNs: NS(NOW_MS + DAY) },
          { symbol: 'ETHUSDT', startNs: NS(FROM), endNs: NS(NOW_MS - DAY / 2) },
        ],
      },
    });
  });
  afterAll(async () => {
    await plain.close();
    await ahead.close();
  });

  const body = async (sim: RunningSimulator, q: string) => {
    const r = await fetch(`${sim.url}/api/v3/klines?${q}`);
    return `${r.status} ${await r.text()}`;
  };

  it('pages equal the rendered ones byte for byte, at and across the range edges', async () => {
    const next = rng(7);
    const queries: string[] = [];
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      // Edges: before the range into it, the range's end, the minute in progress.
      queries.push(`symbol=${symbol}&interval=1m&startTime=${FROM - 30 * 60_000}&limit=1000`);
      queries.push(`symbol=${symbol}&interval=1m&startTime=${NOW_MS - DAY / 2 - 10 * 60_000}&limit=50`);
      queries.push(`symbol=${symbol}&interval=1m&startTime=${NOW_MS - 5 * 60_000}&limit=1000`);
      for (let i = 0; i < 40; i++) {
        const start = Math.floor(FROM - 3_600_000 + next() * (NOW_MS - FROM + 3_600_000));
        const limit = 1 + Math.floor(next() * 1000);
        const end = next() < 0.3 ? `&endTime=${start + Math.floor(next() * 600) * 60_000}` : '';
        queries.push(`symbol=${symbol}&interval=1m&startTime=${start}${end}&limit=${limit}`);
      }
    }
    let rows = 0;
    for (const q of queries) {
      const want = await body(plain, q);
      expect(await body(ahead, q), q).toBe(want);
      rows += (JSON.parse(want.slice(4)) as unknown[]).length;
    }
    expect(rows).toBeGreaterThan(10_000); // the comparison covered real pages, not empty ones
  });

  it('other intervals and pages without startTime are rendered as before', async () => {
    for (const q of ['symbol=BTCUSDT&interval=1m&limit=7', 'symbol=BTCUSDT&interval=5m&startTime=' + FROM]) {
      expect(await body(ahead, q)).toBe(await body(plain, q));
    }
  });

  it('rate limits apply to pre-rendered pages as to any request', async () => {
    const opts = { ...base, rateLimits: 'on' as const };
    const a = await startSimulator(opts);
    const b = await startSimulator({
      ...opts,
      prerender: { klines1m: [{ symbol: 'BTCUSDT', startNs: NS(FROM), endNs: NS(NOW_MS) }] },
    });
    try {
      const q = `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${FROM}&limit=1000`;
      for (const sim of [a, b]) {
        await fetch(sim.url + q).then((r) => r.arrayBuffer());
        const r = await fetch(sim.url + q);
        await r.arrayBuffer();
        expect(r.headers.get('x-mbx-used-weight-1m')).toBe('4');
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses bad ranges, unknown symbols and other exchanges, naming the option', async () => {
    const bad = async (o: SimulatorOptions, name: string) => {
      const e = await startSimulator(o).then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message).toContain(name);
    };
    const r = { symbol: 'BTCUSDT', startNs: NS(FROM), endNs: NS(NOW_MS) };
    await bad(
      { ...base, prerender: { klines1m: [{ ...r, symbol: 'NOPE' }] } },
      'options.prerender.klines1m[0].symbol',
    );
    await bad(
      { ...base, prerender: { klines1m: [{ ...r, endNs: r.startNs }] } },
      'options.prerender.klines1m[0]',
    );
    await bad(
      { exchange: 'coinbase', prerender: { klines1m: [{ ...r, symbol: 'BTC-USD' }] } },
      'options.prerender.klines1m',
    );
  });
});
