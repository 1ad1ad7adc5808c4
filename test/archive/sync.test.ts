import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { partitionDir } from '../../src/archive/layout.js';
import { readRecord, summarize } from '../../src/archive/manifest.js';
import { syncArchive } from '../../src/archive/sync.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { startSimulator } from '../../src/sim/index.js';
import { dataRequests, FAST_HTTP, ns, readAll, SIM_NOW, sim } from '../helpers/archive.js';
import { tempDir } from '../helpers/cli-run.js';

const parquetIn = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.parquet')).sort();

describe('archive.sync units at once', () => {
  it('fills the pages in flight by default: Binance 1m is two pages a day, so 8 units; trades 4; a given value wins', async () => {
    const s = await startSimulator({
      exchange: 'binance',
      seed: 1,
      now: SIM_NOW,
      faults: { latencyMs: 100 },
    });
    const dir = await tempDir();
    try {
      const base = { dir, exchange: 'binance', symbols: ['BTCUSDT'], baseUrl: s.url, http: FAST_HTTP };
      const candles = await syncArchive({
        ...base,
        kind: 'ohlc',
        span: '1m',
        start: '2025-12-15',
        end: '2025-12-31',
      });
      expect(candles).toMatchObject({ complete: true, concurrency: 8, rows: 16 * 1440 });
      // 8 units of two pages (and a clock request each) at once; 4 units could have had at most 12 requests out.
      expect(s.stats().maxInFlight).toBeGreaterThanOrEqual(16);
      const hours = await syncArchive({
        ...base,
        kind: 'ohlc',
        span: '1h',
        start: '2025-12-01',
        end: '2025-12-03',
      });
      expect(hours.concurrency).toBe(16);
      const trades = await syncArchive({
        ...base,
        kind: 'trades',
        start: '2025-12-31T23:50',
        end: '2025-12-31T23:55',
      });
      expect(trades).toMatchObject({ complete: true, concurrency: 4 });
      const given = await syncArchive({
        ...base,
        kind: 'ohlc',
        span: '1m',
        start: '2025-12-10',
        end: '2025-12-12',
        concurrency: 1,
      });
      expect(given.concurrency).toBe(1);
      expect(
        await readAll(dir, 'binance', 'ohlc', 'BTCUSDT', ns('2025-12-15'), ns('2025-12-31'), '1m'),
      ).toEqual(s.truth.bars('BTCUSDT', 60, ns('2025-12-15'), ns('2025-12-31')));
    } finally {
      await s.close();
    }
  });
});

describe('archive.sync', () => {
  it('fills days × symbols with the ground truth; a rerun sends no data request; a longer range fetches only the new day', async () => {
    const s = await sim('binance', { errorRate: 0.03, resetRate: 0.01, seed: 7 });
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'binance',
        kind: 'ohlc' as const,
        span: '1m',
        baseUrl: s.url,
        http: FAST_HTTP,
      };
      const first = await syncArchive({
        ...base,
        symbols: ['BTC/USDT', 'ethusdt'],
        start: '2025-12-29',
        end: '2025-12-31',
      });
      expect(first.complete).toBe(true);
      expect(first.symbols).toEqual([
        { input: 'BTC/USDT', symbol: 'BTCUSDT' },
        { input: 'ethusdt', symbol: 'ETHUSDT' },
      ]);
      expect(first.units.map((u) => `${u.key.symbol} ${u.key.date}`)).toEqual([
        'BTCUSDT 2025-12-29',
        'BTCUSDT 2025-12-30',
        'ETHUSDT 2025-12-29',
        'ETHUSDT 2025-12-30',
      ]);
      for (const sym of ['BTCUSDT', 'ETHUSDT']) {
        const got = await readAll(dir, 'binance', 'ohlc', sym, ns('2025-12-29'), ns('2025-12-31'), '1m');
        expect(got).toEqual(s.truth.bars(sym, 60, ns('2025-12-29'), ns('2025-12-31')));
      }
      const before = dataRequests(s);
      const again = await syncArchive({
        ...base,
        symbols: ['BTCUSDT', 'ETHUSDT'],
        start: '2025-12-29',
        end: '2025-12-31',
      });
      expect(dataRequests(s)).toBe(before);
      expect(again).toMatchObject({ complete: true, rows: 0, requests: 0, skipped: 4 });

      const longer = await syncArchive({
        ...base,
        symbols: ['BTCUSDT', 'ETHUSDT'],
        start: '2025-12-29',
        end: '2026-01-01',
      });
      expect(longer.complete).toBe(true);
      expect(longer.skipped).toBe(4);
      expect(
        longer.units.filter((u) => u.planned.length > 0).map((u) => `${u.key.symbol} ${u.key.date}`),
      ).toEqual(['BTCUSDT 2025-12-31', 'ETHUSDT 2025-12-31']);
      expect(longer.rows).toBe(2 * 1440);
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('a range ending mid-day is stored with the coverage it has and completed by the next sync', async () => {
    const s = await sim('coinbase');
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'coinbase',
        kind: 'trades' as const,
        symbols: ['BTC-USD'],
        baseUrl: s.url,
      };
      const a = await syncArchive({ ...base, start: '2025-12-31T23:20', end: '2025-12-31T23:40' });
      expect(a.complete).toBe(true);
      const key = { exchange: 'coinbase', kind: 'trades' as const, symbol: 'BTC-USD', date: '2025-12-31' };
      const rec1 = await readRecord(dir, key);
      expect(summarize(rec1!)).toMatchObject({
        complete: false,
        covered: [{ startNs: ns('2025-12-31T23:20Z'), endNs: ns('2025-12-31T23:40Z') }],
      });
      const b = await syncArchive({ ...base, start: '2025-12-31T23:20', end: 'now' });
      expect(b.complete).toBe(true);
      expect(b.units[0]!.planned).toEqual([
        { startNs: ns('2025-12-31T23:40Z'), endNs: ns('2026-01-01T00:00Z') },
      ]);
      const rec2 = await readRecord(dir, key);
      expect(summarize(rec2!).covered).toEqual([
        { startNs: ns('2025-12-31T23:20Z'), endNs: ns('2026-01-01T00:00Z') },
      ]);
      expect(await parquetIn(partitionDir(dir, key))).toEqual([
        'part-232000.000000000-234000.000000000.parquet',
        'part-234000.000000000-240000.000000000.parquet',
      ]);
      const got = await readAll(
        dir,
        'coinbase',
        'trades',
        'BTC-USD',
        ns('2025-12-31T23:00Z'),
        ns('2026-01-01'),
      );
      expect(got).toEqual(s.truth.trades('BTC-USD', ns('2025-12-31T23:20Z'), ns('2026-01-01')));
    } finally {
      await s.close();
    }
  }, 60_000);

  it('Kraken candles older than its newest 720 are recorded as a permanent gap with the reason, never left out silently', async () => {
    const s = await sim('kraken');
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'kraken',
        kind: 'ohlc' as const,
        span: '1m',
        symbols: ['XBT/USD'],
        baseUrl: s.url,
      };
      const r = await syncArchive({ ...base, start: '2025-12-30', end: 'now' });
      expect(r.complete).toBe(false);
      const gaps = r.missing.filter((m) => !m.pending);
      expect(gaps.length).toBe(2);
      expect(
        gaps.every((g) => g.permanent && /newest 720 1m candles/.test(g.reason) && g.symbol === 'XBTUSD'),
      ).toBe(true);
      expect(gaps[0]!.range.startNs).toBe(ns('2025-12-30'));
      const earliest = gaps[1]!.range.endNs;
      expect(Number(ns('2026-01-01') - earliest) / 60e9).toBeLessThanOrEqual(720);
      const day30 = await readRecord(dir, {
        exchange: 'kraken',
        kind: 'ohlc',
        spanS: 60,
        symbol: 'XBTUSD',
        date: '2025-12-30',
      });
      expect(day30!.files).toEqual([]);
      expect(day30!.gaps).toMatchObject([
        { permanent: true, range: { startNs: ns('2025-12-30'), endNs: ns('2025-12-31') } },
      ]);
      const got = await readAll(dir, 'kraken', 'ohlc', 'XBTUSD', ns('2025-12-30'), ns('2026-01-01'), '1m');
      expect(got).toEqual(s.truth.bars('XBTUSD', 60, earliest, ns('2026-01-01')));
      // Retrying the gaps costs no data request: the cap is known without asking.
      const before = dataRequests(s);
      const again = await syncArchive({ ...base, start: '2025-12-30', end: 'now' });
      expect(dataRequests(s)).toBe(before);
      expect(again.missing.filter((m) => !m.pending).length).toBe(2);
      expect((await verifyArchive({ dir })).ok).toBe(true);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('a download that fails mid-way commits what was delivered, records the rest as a gap, and the rerun completes it', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'binance',
        kind: 'trades' as const,
        symbols: ['BTCUSDT'],
        baseUrl: s.url,
        start: '2025-12-31T23:30',
        end: '2026-01-01',
      };
      const failed = await syncArchive({ ...base, maxPages: 5, downloadConcurrency: 1 });
      expect(failed.complete).toBe(false);
      const [gap] = failed.missing;
      expect(gap).toMatchObject({ permanent: false, pending: false });
      expect(gap!.range.endNs).toBe(ns('2026-01-01'));
      expect(gap!.range.startNs).toBeGreaterThan(ns('2025-12-31T23:30Z'));
      const key = { exchange: 'binance', kind: 'trades' as const, symbol: 'BTCUSDT', date: '2025-12-31' };
      const rec = await readRecord(dir, key);
      expect(rec!.gaps).toHaveLength(1);
      expect(rec!.gaps[0]!.reason).toMatch(/page/i);
      const partial = await readAll(
        dir,
        'binance',
        'trades',
        'BTCUSDT',
        ns('2025-12-31T23:30Z'),
        ns('2026-01-01'),
      );
      const truth = s.truth.trades('BTCUSDT', ns('2025-12-31T23:30Z'), ns('2026-01-01'));
      expect(partial).toEqual(truth.filter((t) => t.tsNs < gap!.range.startNs));
      const done = await syncArchive(base);
      expect(done.complete).toBe(true);
      expect(done.units[0]!.planned).toEqual([gap!.range]);
      expect(
        await readAll(dir, 'binance', 'trades', 'BTCUSDT', ns('2025-12-31T23:30Z'), ns('2026-01-01')),
      ).toEqual(truth);
      expect((await readRecord(dir, key))!.gaps).toEqual([]);
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('two syncs of the same archive at once: one copy of each day, identical to the ground truth', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'binance',
        kind: 'trades' as const,
        symbols: ['BTCUSDT', 'ETHUSDT'],
        baseUrl: s.url,
        start: '2025-12-31T23:40',
        end: '2026-01-01',
      };
      const [a, b] = await Promise.all([syncArchive(base), syncArchive(base)]);
      expect(a.complete && b.complete).toBe(true);
      expect(a.rows + b.rows).toBe(
        s.truth.trades('BTCUSDT', ns('2025-12-31T23:40Z'), ns('2026-01-01')).length +
          s.truth.trades('ETHUSDT', ns('2025-12-31T23:40Z'), ns('2026-01-01')).length,
      );
      for (const sym of ['BTCUSDT', 'ETHUSDT']) {
        const folder = partitionDir(dir, {
          exchange: 'binance',
          kind: 'trades',
          symbol: sym,
          date: '2025-12-31',
        });
        expect(await parquetIn(folder)).toEqual(['part-234000.000000000-240000.000000000.parquet']);
        expect(await readAll(dir, 'binance', 'trades', sym, ns('2025-12-31'), ns('2026-01-01'))).toEqual(
          s.truth.trades(sym, ns('2025-12-31T23:40Z'), ns('2026-01-01')),
        );
      }
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('refuses what cannot be served before writing anything: unknown symbol, unsupported kind or span, bad options', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const base = { dir, exchange: 'binance', baseUrl: s.url, start: '2025-12-31', end: '2026-01-01' };
      await expect(syncArchive({ ...base, kind: 'trades', symbols: ['NOPE/USDT'] })).rejects.toMatchObject({
        code: 'ERR_UNKNOWN_SYMBOL',
      });
      await expect(syncArchive({ ...base, kind: 'funding', symbols: ['BTCUSDT'] })).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_KIND',
      });
      await expect(
        syncArchive({ ...base, kind: 'ohlc', span: '7m', symbols: ['BTCUSDT'] }),
      ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_SPAN' });
      await expect(syncArchive({ ...base, kind: 'ohlc', symbols: ['BTCUSDT'] })).rejects.toMatchObject({
        argument: 'options.span',
      });
      await expect(syncArchive({ ...base, kind: 'trades', symbols: [] })).rejects.toMatchObject({
        argument: 'options.symbols',
      });
      await expect(
        syncArchive({
          ...base,
          kind: 'trades',
          symbols: ['BTCUSDT'],
          start: '2026-02-01',
          end: '2026-03-01',
        }),
      ).rejects.toMatchObject({
        argument: 'options.start',
      });
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);
});
