import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  tempDir as archiveTemp,
  cleanTemp,
  commitPartition,
  PartitionFileWriter,
} from '../../src/archive/commit.js';
import { LOCK_NAME, partitionDir } from '../../src/archive/layout.js';
import { acquireLock } from '../../src/archive/lock.js';
import { readRecord, summarize } from '../../src/archive/manifest.js';
import { syncArchive, syncUnit } from '../../src/archive/sync.js';
import { verifyArchive } from '../../src/archive/verify.js';
import type { Trade } from '../../src/core/records.js';
import { dataRequests, ns, readAll, sim } from '../helpers/archive.js';
import { tempDir } from '../helpers/cli-run.js';

const KEY = { exchange: 'binance', kind: 'trades' as const, symbol: 'BTCUSDT', date: '2025-12-31' };

/** A pid that is not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('the commit primitive (what the live recorder calls)', () => {
  it('commits an hourly file with a disconnect gap inside; a later sync refills only the gap, without duplicates', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const hour = { startNs: ns('2025-12-31T23:30Z'), endNs: ns('2026-01-01') };
      const gap = { startNs: ns('2025-12-31T23:40Z'), endNs: ns('2025-12-31T23:45Z') };
      const truth = s.truth.trades('BTCUSDT', hour.startNs, hour.endNs);
      // The recorder saw every trade but those of the disconnect, plus a few inside it before the drop.
      const seen = truth.filter((t) => t.tsNs < gap.startNs + 30_000_000_000n || t.tsNs >= gap.endNs);
      const w = await PartitionFileWriter.open(dir, KEY);
      for (const t of seen) {
        const wait = w.write(t);
        if (wait) await wait;
      }
      const staged = await w.finish(hour);
      const rec = await commitPartition(dir, KEY, {
        files: [staged],
        gaps: [{ range: gap, reason: 'websocket disconnected (code 1006)' }],
        source: 'record',
      });
      expect(summarize(rec).covered).toEqual([
        { startNs: hour.startNs, endNs: gap.startNs },
        { startNs: gap.endNs, endNs: hour.endNs },
      ]);
      expect(rec.files[0]).toMatchObject({
        source: 'record',
        rows: seen.length,
        name: 'part-233000.000000000-240000.000000000.parquet',
      });
      expect((await verifyArchive({ dir })).problems).toEqual([]);

      const r = await syncArchive({
        dir,
        exchange: 'binance',
        kind: 'trades',
        symbols: ['BTCUSDT'],
        start: hour.startNs,
        end: hour.endNs,
        baseUrl: s.url,
      });
      expect(r.complete).toBe(true);
      expect(r.units[0]!.planned).toEqual([gap]);
      expect(r.rows).toBe(truth.length - seen.length);
      const after = await readRecord(dir, KEY);
      expect(after!.gaps).toEqual([]);
      expect(summarize(after!).covered).toEqual([hour]);
      expect(await readAll(dir, 'binance', 'trades', 'BTCUSDT', hour.startNs, hour.endNs)).toEqual(truth);
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('refuses a record outside the day, out of order, or outside the committed range', async () => {
    const dir = await tempDir();
    const t = (tsNs: bigint): Trade => ({ id: String(tsNs), tsNs, price: 1, amount: 1, side: 'buy' });
    const w = await PartitionFileWriter.open(dir, KEY);
    expect(() => w.write(t(ns('2026-01-01')))).toThrow(/inside 2025-12-31/);
    w.write(t(ns('2025-12-31T10:00Z')));
    expect(() => w.write(t(ns('2025-12-31T09:00Z')))).toThrow(/time order/);
    await expect(
      w.finish({ startNs: ns('2025-12-31T11:00Z'), endNs: ns('2025-12-31T12:00Z') }),
    ).rejects.toMatchObject({ argument: 'range' });
    await w.abort();
    expect(await readdir(archiveTemp(dir))).toEqual([]);
  }, 60_000);

  it('removes what a crashed writer left: an unlisted .parquet in the day folder, a staged file of a dead process', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const base = {
        dir,
        exchange: 'binance',
        kind: 'ohlc' as const,
        span: '1m',
        symbols: ['BTCUSDT'],
        baseUrl: s.url,
        start: '2025-12-30',
        end: '2025-12-31',
      };
      await syncArchive(base);
      const key = {
        exchange: 'binance',
        kind: 'ohlc' as const,
        spanS: 60,
        symbol: 'BTCUSDT',
        date: '2025-12-30',
      };
      const folder = partitionDir(dir, key);
      const [file] = (await readdir(folder)).filter((n) => n.endsWith('.parquet'));
      // Killed after renaming a file in but before writing the record:
      await copyFile(join(folder, file!), join(folder, 'part-000000.000000000-120000.000000000.parquet'));
      const stale = join(archiveTemp(dir), `${hostname()}-${await deadPid()}-abcdef.parquet.tmp`);
      await writeFile(stale, 'half a file');
      expect((await verifyArchive({ dir })).problems.map((p) => p.check)).toEqual(['unlisted']);
      // A sync that has work to do on that day cleans it (under the day's lock).
      const r = await syncArchive({ ...base, end: '2026-01-01' });
      expect(r.complete).toBe(true);
      expect(await readdir(archiveTemp(dir))).toEqual([]);
      const { symbols: _s, start: _a, end: _b, ...unit } = base;
      const more = await syncUnit({ ...unit, symbol: 'BTCUSDT', date: '2025-12-30' });
      expect(more.complete).toBe(true);
      expect((await verifyArchive({ dir })).problems.map((p) => p.check)).toEqual(['unlisted']);
      // The cleanup runs whenever a writer takes the day's lock:
      await commitPartition(dir, key, { gaps: [] });
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('partition locks', () => {
  it('the same unit synced twice at once: one copy, the second run finds nothing missing', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const unit = {
        dir,
        exchange: 'binance',
        kind: 'trades' as const,
        symbol: 'BTC/USDT',
        date: '2025-12-31',
        baseUrl: s.url,
      };
      // A day with only its last 10 minutes to fetch, to keep the test short.
      // (an empty file claimed complete for the rest of the day, as a recorder could have committed it)
      const w = await PartitionFileWriter.open(dir, KEY);
      await commitPartition(dir, KEY, {
        files: [await w.finish({ startNs: ns('2025-12-31'), endNs: ns('2025-12-31T23:50Z') })],
      });
      const before = dataRequests(s);
      const [a, b] = await Promise.all([syncUnit(unit), syncUnit(unit)]);
      const truth = s.truth.trades('BTCUSDT', ns('2025-12-31T23:50Z'), ns('2026-01-01'));
      expect([a.rows, b.rows].sort((x, y) => x - y)).toEqual([0, truth.length]);
      expect([a.units[0]!.planned.length, b.units[0]!.planned.length].sort()).toEqual([0, 1]);
      expect(dataRequests(s)).toBeGreaterThan(before);
      const rec = await readRecord(dir, KEY);
      expect(rec!.files).toHaveLength(2);
      expect(
        await readAll(dir, 'binance', 'trades', 'BTCUSDT', ns('2025-12-31T23:50Z'), ns('2026-01-01')),
      ).toEqual(truth);
      expect(await readdir(partitionDir(dir, KEY))).not.toContain(LOCK_NAME);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('waits for a live holder, gives up with ArchiveLockedError naming the owner, takes over a dead one', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, '.lock');
    const held = await acquireLock(path);
    const t0 = Date.now();
    await expect(acquireLock(path, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'ERR_ARCHIVE_LOCKED',
      owner: expect.stringContaining(`pid ${process.pid}`),
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    const waiting = acquireLock(path, { timeoutMs: 5000 });
    setTimeout(() => void held.release(), 100);
    const next = await waiting;
    await next.release();
    // A lock left by a dead process on this host is taken over at once.
    await writeFile(
      path,
      JSON.stringify({ host: hostname(), pid: await deadPid(), token: 'x', since: 'then' }),
    );
    const t1 = Date.now();
    const taken = await acquireLock(path, { timeoutMs: 5000 });
    expect(Date.now() - t1).toBeLessThan(1000);
    await taken.release();
    // Another host's lock without a heartbeat for staleMs is stale too.
    await writeFile(path, JSON.stringify({ host: 'elsewhere', pid: 1, token: 'y', since: 'then' }));
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const fromNfs = await acquireLock(path, { timeoutMs: 5000, staleMs: 30_000 });
    await fromNfs.release();
  }, 60_000);

  it('cleanTemp keeps staged files of live writers', async () => {
    const dir = await tempDir();
    await mkdir(archiveTemp(dir), { recursive: true });
    const mine = join(archiveTemp(dir), `${hostname()}-${process.pid}-0123ab.parquet.tmp`);
    await writeFile(mine, 'x');
    expect(await cleanTemp(dir)).toBe(0);
    expect(await readdir(archiveTemp(dir))).toEqual([`${hostname()}-${process.pid}-0123ab.parquet.tmp`]);
  }, 60_000);
});
