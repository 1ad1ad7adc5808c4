/**
 * The soak: `tickwire record` as a child process against two simulators in this process, their clocks
 * running at ~2000×, for the equivalent of 24 market hours (2026-01-01 from midnight to past the next),
 * with dropped connections, silent stalls, bad Kraken checksums and lost Coinbase messages. Afterwards:
 * every trades day equals the ground truth id for id and is complete; every book file replayed on its own
 * equals the true book after every update it holds; every resync is a recorded gap; `archive verify`
 * passes; peak RSS at the end is within 15 % of the peak after the first simulated hours (the recorder runs
 * with a 48 MB old space, so a leak would crash it instead of only growing).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalize, subtract, union } from '../../src/archive/ranges.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { runCliProcess, startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { checkBookFiles, checkTrades, seriesDays } from '../helpers/record-check.js';

const START = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const HOUR = 3_600_000_000_000n;
const SPEED = 2000;

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

describe('record soak', () => {
  it('24 market hours with faults: trades equal the truth, book files replay to the true book, gaps recorded, memory flat', async () => {
    const dir = await tempDir();
    const t0 = performance.now();
    const sim = (
      exchange: 'binance' | 'coinbase' | 'kraken',
      native: string,
      faults: Record<string, number>,
    ) =>
      startSimulator({
        exchange,
        rateLimits: 'off',
        clock: { startNs: START, speed: SPEED },
        markets: {
          historyStart: START - 86_400n * 1_000_000_000n,
          symbols: { [native]: { tradesPerSecond: 1 } },
        },
        ws: { faults: { seed: 7, ...faults } },
      });
    const sims: RunningSimulator[] = await Promise.all([
      sim('kraken', 'XXBTZUSD', { dropRate: 0.004, stallRate: 0.002, badChecksumRate: 0.004 }),
      sim('coinbase', 'BTC-USD', { dropRate: 0.003, dropMessageRate: 0.004 }),
    ]);
    const [kraken, coinbase] = sims as [RunningSimulator, RunningSimulator];
    const simNow = () => START + BigInt(Math.round((performance.now() - t0) * SPEED)) * 1_000_000n;
    const config = {
      rotate: '1h',
      silenceS: 5,
      streams: [
        {
          exchange: 'kraken',
          kinds: ['trades', 'book'],
          symbols: ['XBTUSD'],
          depth: 10,
          baseUrl: kraken.url,
          wsUrl: kraken.wsUrl,
        },
        {
          exchange: 'coinbase',
          kinds: ['trades'],
          symbols: ['BTC-USD'],
          baseUrl: coinbase.url,
          wsUrl: coinbase.wsUrl,
        },
      ],
    };
    const cfg = join(dir, 'record.json');
    await writeFile(cfg, JSON.stringify(config));
    const archive = join(dir, 'archive');
    const child = startCli(
      ['record', '--archive', archive, '--config', cfg, '--idle-timeout', '1', '--rate-scale', '20'],
      {
        timeoutMs: 280_000,
        // A bounded old space (as docs/RECORDER.md recommends for long runs): V8 then collects instead of
        // growing the heap lazily, and a leak would end the process with an out-of-memory error.
        env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=48`.trim() },
      },
    );
    try {
      // After the first simulated hour of recording: its files are committed. (The recorder starts a simulated
      // hour or so after the simulators: the first file starts at the hour it joined, filled over REST.)
      let h0 = 0;
      await waitFor(() => {
        const m = /kraken trades XBTUSD 2026-01-01: part-(\d\d)0000\.000000000-\d{6}/.exec(child.stderr);
        if (m) h0 = Number(m[1]);
        return m !== null;
      }, 40_000).catch((error: Error) => {
        throw new Error(`${error.message}; stderr: ${child.stderr.slice(0, 3000)}`);
      });
      const firstNs = START + BigInt(h0) * HOUR;
      await waitFor(() => simNow() > firstNs + 2n * HOUR, 10_000);
      const rssFirstHour = await peakRss(child.child.pid!);
      // 24 market hours later, every series has committed the file ending there (a feed may lag behind).
      await waitFor(() => simNow() > firstNs + 24n * HOUR + HOUR / 6n, 90_000);
      const hh = h0 === 0 ? '24' : String(h0).padStart(2, '0');
      const endDate = h0 === 0 ? '2026-01-01' : '2026-01-02';
      for (const series of ['kraken trades XBTUSD', 'kraken book XBTUSD', 'coinbase trades BTC-USD']) {
        const done = new RegExp(`${series} ${endDate}: part-\\d{6}\\.\\d{9}-${hh}0000`);
        await waitFor(() => done.test(child.stderr), 120_000).catch((error: Error) => {
          throw new Error(`${series}: ${error.message}; stderr: ${child.stderr.slice(-2000)}`);
        });
      }
      const rssEnd = await peakRss(child.child.pid!);
      child.child.kill('SIGTERM');
      const res = await child.done;
      expect(res.stderr).toContain('record:');
      expect(res.code, res.stderr.slice(-3000)).toBe(0);

      const span = { startNs: firstNs, endNs: firstNs + 24n * HOUR };
      for (const [sim, ex, sym] of [
        [kraken, 'kraken', 'XBTUSD'],
        [coinbase, 'coinbase', 'BTC-USD'],
      ] as const) {
        const t = await checkTrades(archive, ex, sym, sim.truth);
        expect(t.problems, `${ex}`).toEqual([]);
        // One coverage without holes over the 24 hours (and no trade gap recorded).
        const covered = normalize(t.days.flatMap((d) => d.covered));
        expect(covered.length, `${ex} ${covered.map((c) => `${c.startNs}..${c.endNs}`).join(' ')}`).toBe(1);
        expect(covered[0]!.startNs).toBe(firstNs);
        expect(covered[0]!.endNs >= span.endNs).toBe(true);
        expect(t.days.reduce((n, d) => n + d.gaps, 0)).toBe(0);
        const rows = t.days.reduce((n, d) => n + d.rows, 0);
        expect(rows).toBeGreaterThanOrEqual(sim.truth.trades(sym, span.startNs, span.endNs).length);
        expect(rows).toBeGreaterThan(50_000);
      }
      // Faults happened and were repaired (REST refills), never recorded as trade gaps.
      expect(res.stderr).toMatch(/refilled \d+ over REST/);

      const book = await checkBookFiles(archive, 'kraken', 'XBTUSD', kraken.truth, 10);
      expect(book.problems.slice(0, 3)).toEqual([]);
      expect(book.files).toBeGreaterThanOrEqual(24);
      expect(book.checks).toBeGreaterThan(300);
      // Every resync and reconnect of the book is a recorded gap; coverage + gaps = the files' ranges.
      const resyncs = (res.stderr.match(/kraken book XBTUSD: resync/g) ?? []).length;
      expect(resyncs).toBeGreaterThan(0);
      expect(book.gaps.length).toBeGreaterThanOrEqual(1);
      for (const r of await seriesDays(archive, 'kraken', 'book', 'XBTUSD')) {
        const files = normalize(r.files.map((f) => f.range));
        expect(
          union(
            subtract(
              files,
              r.gaps.map((g) => g.range),
            ),
            r.gaps.map((g) => g.range),
          ),
        ).toEqual(
          union(
            files,
            r.gaps.map((g) => g.range),
          ),
        );
      }
      const verify = await runCliProcess(['archive', 'verify', archive], { timeoutMs: 60_000 });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(
        rssEnd,
        `peak RSS ${rssFirstHour} after the first hour, ${rssEnd} at the end`,
      ).toBeLessThanOrEqual(rssFirstHour * 1.15);
    } finally {
      child.child.kill('SIGKILL');
      await Promise.all(sims.map((s) => s.close()));
    }
  }, 300_000);
});
