/**
 * Crash and restart: `tickwire record` killed with SIGKILL mid-run leaves only whole files (its open files
 * are journals outside the data folders); the restart recovers them, refills the trades of the downtime over
 * REST, and records the book's downtime as one gap. Afterwards `archive verify` passes, trades equal the
 * ground truth over one coverage without holes, and the book gap spans exactly from the last row recorded
 * before the kill to the first snapshot after the restart.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionDir } from '../../src/archive/layout.js';
import { normalize } from '../../src/archive/ranges.js';
import type { BookRow } from '../../src/core/kinds.js';
import { startSimulator } from '../../src/sim/index.js';
import { readParquetRecords } from '../../src/sinks/parquet-read.js';
import { runCliProcess, startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { checkBookFiles, checkTrades, seriesDays } from '../helpers/record-check.js';

const START = 1_767_225_600_000_000_000n;
const SPEED = 200;

describe('record: SIGKILL and restart', () => {
  it('recovers the open files, refills trades, records the book downtime as one gap', async () => {
    const dir = await tempDir();
    const archive = join(dir, 'archive');
    const t0 = performance.now();
    const sim = await startSimulator({
      exchange: 'kraken',
      rateLimits: 'off',
      clock: { startNs: START, speed: SPEED },
      markets: {
        historyStart: START - 86_400n * 1_000_000_000n,
        symbols: { XXBTZUSD: { tradesPerSecond: 2 } },
      },
    });
    const simNow = () => START + BigInt(Math.round((performance.now() - t0) * SPEED)) * 1_000_000n;
    const args = [
      'record',
      '--archive',
      archive,
      'kraken',
      'trades,book',
      'XBTUSD',
      '--depth',
      '10',
      '--rotate',
      '10m',
      '--base-url',
      sim.url,
      '--ws-url',
      sim.wsUrl,
      '--idle-timeout',
      '2',
      '--rate-scale',
      '20',
    ];
    try {
      const first = startCli(args, { timeoutMs: 60_000 });
      await waitFor(
        () => (first.stderr.match(/kraken book XBTUSD 2026-01-01: part-/g) ?? []).length >= 2,
        30_000,
      );
      await new Promise((r) => setTimeout(r, 700));
      first.child.kill('SIGKILL');
      const killNs = simNow();
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      // What the killed run left open is journals, outside the data folders; nothing torn under a .parquet name.
      const journals = await readdir(join(archive, '.tickwire', 'record'));
      expect(journals.filter((n) => n.endsWith('.journal')).length).toBe(2);
      const before = await runCliProcess(['archive', 'verify', archive], { timeoutMs: 30_000 });
      expect(before.code, before.stdout + before.stderr).toBe(0);

      await new Promise((r) => setTimeout(r, 1500));
      const restartNs = simNow();
      const second = startCli(args, { timeoutMs: 60_000 });
      await waitFor(() => second.stderr.includes('recovered 2 file(s)'), 20_000);
      await waitFor(() => /refilled \d+ over REST \(recorder-restart\)/.test(second.stderr), 20_000);
      const mark = second.stderr.length;
      await waitFor(
        () => (second.stderr.slice(mark).match(/kraken book XBTUSD 2026-01-01: part-/g) ?? []).length >= 1,
        30_000,
      );
      second.child.kill('SIGTERM');
      const res = await second.done;
      expect(res.code, res.stderr.slice(-2000)).toBe(0);
      expect(res.stderr).toMatch(/kraken trades XBTUSD: refilled \d+ over REST \(recorder-restart\)/);

      const verify = await runCliProcess(['archive', 'verify', archive], { timeoutMs: 30_000 });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);

      const trades = await checkTrades(archive, 'kraken', 'XBTUSD', sim.truth);
      expect(trades.problems).toEqual([]);
      const covered = normalize(trades.days.flatMap((d) => d.covered));
      expect(covered.length).toBe(1);
      expect(covered[0]!.startNs < killNs && covered[0]!.endNs > restartNs).toBe(true);

      const book = await checkBookFiles(archive, 'kraken', 'XBTUSD', sim.truth, 10);
      expect(book.problems.slice(0, 3)).toEqual([]);
      expect(book.gaps.length).toBe(1);
      const gap = book.gaps[0]!;
      // The gap runs from just after the last row recorded before the kill to the restart's first snapshot.
      const days = await seriesDays(archive, 'kraken', 'book', 'XBTUSD');
      const rows: BookRow[] = [];
      for (const r of days) {
        for (const f of [...r.files].sort((a, b) => (a.range.startNs < b.range.startNs ? -1 : 1))) {
          for await (const row of readParquetRecords(join(partitionDir(archive, r), f.name), 'book'))
            rows.push(row);
        }
      }
      const lastBefore = rows.filter((r) => r.tsNs < gap.startNs).at(-1)!;
      const firstAfter = rows.find((r) => r.tsNs >= gap.endNs)!;
      expect(rows.some((r) => r.tsNs >= gap.startNs && r.tsNs < gap.endNs)).toBe(false);
      expect(gap.startNs).toBe(lastBefore.tsNs + 1n);
      expect(gap.endNs).toBe(firstAfter.tsNs);
      expect(firstAfter.isSnapshot).toBe(true);
      // ...which is the downtime: it starts at most ~a second of market time before the kill (the
      // journal's flush interval) and ends after the restart.
      expect(gap.startNs <= killNs).toBe(true);
      expect(killNs - gap.startNs < 1_000_000_000n * 2n * BigInt(SPEED)).toBe(true);
      expect(gap.endNs >= restartNs).toBe(true);
    } finally {
      await sim.close();
    }
  }, 90_000);
});
