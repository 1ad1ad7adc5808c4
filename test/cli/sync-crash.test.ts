import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tempDir as stagingDir } from '../../src/archive/commit.js';
import { readRecord } from '../../src/archive/manifest.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { ns, readAll, sim } from '../helpers/archive.js';
import { runCliProcess, startCli, tempDir, waitFor } from '../helpers/cli-run.js';

/** Child processes on a shared 2-core machine can take a while to start. */
const LONG = { timeoutMs: 80_000 };

describe('tickwire sync: concurrent runs and crashes (child processes)', () => {
  it('two syncs of the same archive at once: both succeed, one copy, identical to the ground truth', async () => {
    const s = await sim('binance');
    const dir = await tempDir();
    try {
      const args = [
        'sync',
        'binance',
        'trades',
        'BTCUSDT',
        'ETHUSDT',
        '--from',
        '2025-12-31T23:40',
        '--to',
        '2026-01-01',
        '--archive',
        dir,
        '--base-url',
        s.url,
      ];
      const [a, b] = await Promise.all([runCliProcess(args, LONG), runCliProcess(args, LONG)]);
      expect([a.code, b.code]).toEqual([0, 0]);
      for (const sym of ['BTCUSDT', 'ETHUSDT']) {
        expect(await readAll(dir, 'binance', 'trades', sym, ns('2025-12-31'), ns('2026-01-01'))).toEqual(
          s.truth.trades(sym, ns('2025-12-31T23:40Z'), ns('2026-01-01')),
        );
      }
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('SIGKILL at random moments, then a rerun: the archive equals the ground truth and verifies', async () => {
    const s = await sim('binance', undefined, 'on');
    const dir = await tempDir();
    try {
      const args = [
        'sync',
        'binance',
        'trades',
        'BTCUSDT',
        'ETHUSDT',
        '--from',
        '2025-12-31T23:40',
        '--to',
        '2026-01-01',
        '--archive',
        dir,
        '--base-url',
        s.url,
        '--concurrency',
        '1',
      ];
      const staged = async () => (await readdir(stagingDir(dir)).catch(() => [])).length > 0;
      const committed = async () =>
        (await readRecord(dir, {
          exchange: 'binance',
          kind: 'trades',
          symbol: 'BTCUSDT',
          date: '2025-12-31',
        }).catch(() => undefined)) !== undefined;
      const moments: [string, () => Promise<unknown>, boolean][] = [
        ['while a Parquet file is being written', () => waitFor(staged, 60_000), false],
        ['after the first day was committed, during the second', () => waitFor(committed, 60_000), false],
        // The earlier runs committed most of the work, so this one may finish before its moment comes.
        ['at a random moment', () => new Promise((r) => setTimeout(r, 200 + Math.random() * 1500)), true],
      ];
      for (const [, moment, mayFinish] of moments) {
        const run = startCli(args, LONG);
        await moment();
        run.child.kill('SIGKILL');
        const end = await run.done;
        if (mayFinish && end.signal === null) expect(end.code).toBe(0);
        else expect(end.signal).toBe('SIGKILL');
        // Whatever the moment, what readers see is consistent: no torn file, no record of missing data.
        const v = await verifyArchive({ dir });
        expect(v.problems.filter((p) => p.check !== 'unlisted')).toEqual([]);
      }
      const last = await runCliProcess(args, LONG);
      expect(last.code).toBe(0);
      for (const sym of ['BTCUSDT', 'ETHUSDT']) {
        expect(await readAll(dir, 'binance', 'trades', sym, ns('2025-12-31'), ns('2026-01-01'))).toEqual(
          s.truth.trades(sym, ns('2025-12-31T23:40Z'), ns('2026-01-01')),
        );
      }
      expect(await readdir(stagingDir(dir))).toEqual([]);
      expect((await verifyArchive({ dir })).problems).toEqual([]);
    } finally {
      await s.close();
    }
  }, 90_000);
});
