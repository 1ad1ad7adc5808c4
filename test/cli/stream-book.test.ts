/**
 * `tickwire book` as a child process against an in-process `--sim` with a running clock: every line's
 * levels equal the simulator's true book at that line's update id (Binance) or time (Coinbase, Kraken),
 * resyncs are reported on stderr, and lines are complete.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readText, runCliProcess, tempDir } from '../helpers/cli-run.js';
import { hasControlChars, jsonLines, liveTruthOf } from '../helpers/stream2-cli.js';

type Level = [number, number];
type Line = {
  tsNs: string;
  symbol: string;
  event: 'snapshot' | 'update';
  updateId?: number;
  bids: Level[];
  asks: Level[];
};

describe.concurrent('tickwire book', () => {
  it('binance --sim --depth 5 --count 30: each JSONL line is the true book at its update id', async () => {
    const r = await runCliProcess([
      'book',
      'binance',
      'BTCUSDT',
      '--sim',
      '--sim-speed',
      '10',
      '--depth',
      '5',
      '--count',
      '30',
    ]);
    expect(r.code).toBe(0);
    const lines = jsonLines<Line>(r.stdout);
    expect(lines).toHaveLength(30);
    expect(lines[0]!.event).toBe('snapshot');
    const truth = await liveTruthOf('binance');
    for (const l of lines) {
      expect(l.updateId).toBeTypeOf('number');
      const t = truth.book('BTCUSDT', { updateId: l.updateId! }, 5);
      expect({ bids: l.bids, asks: l.asks }).toEqual({ bids: t.bids, asks: t.asks });
    }
    expect(r.stderr).toMatch(/30 book lines \(0 resyncs\)/);
    expect(hasControlChars(r.stderr)).toBe(false);
  });

  it('coinbase --format csv: wide rows equal the true book at their time', async () => {
    const r = await runCliProcess([
      'book',
      'coinbase',
      'BTC-USD',
      '--sim',
      '--sim-speed',
      '10',
      '--depth',
      '3',
      '--count',
      '15',
      '--format',
      'csv',
    ]);
    expect(r.code).toBe(0);
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    expect(head).toBe(
      'tsNs,time,symbol,event,updateId,bid1,bid1Size,bid2,bid2Size,bid3,bid3Size,ask1,ask1Size,ask2,ask2Size,ask3,ask3Size',
    );
    expect(rows).toHaveLength(15);
    const truth = await liveTruthOf('coinbase');
    for (const row of rows) {
      const f = row.split(',');
      const t = truth.book('BTC-USD', BigInt(f[0]!), 3);
      const levels = (from: number) =>
        [0, 1, 2].map((i): Level => [Number(f[from + 2 * i]), Number(f[from + 2 * i + 1])]);
      expect({ bids: levels(5), asks: levels(11) }).toEqual({ bids: t.bids, asks: t.asks });
    }
  });

  it('kraken with bad checksums: resync lines on stderr, the book right again after each, --out complete', async () => {
    const dir = await tempDir();
    const out = join(dir, 'book.jsonl');
    const r = await runCliProcess([
      'book',
      'kraken',
      'XBTUSD',
      '--sim',
      '--sim-speed',
      '10',
      '--ws-faults',
      'badChecksumRate=0.1,seed=2',
      '--duration',
      '4',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resync \(checksum-mismatch\): local CRC32 \d+ != exchange's \d+/);
    const text = await readText(out);
    expect(text.endsWith('\n')).toBe(true);
    const lines = jsonLines<Line>(text);
    const snapshots = lines.filter((l) => l.event === 'snapshot').length;
    expect(snapshots).toBeGreaterThanOrEqual(2);
    // Each run of resyncs (collapsed into its first line plus a count line) ends with a new snapshot,
    // unless --duration stopped the run during the backoff wait after the last one.
    const runs = r.stderr.match(/resync \(checksum-mismatch\): local CRC32/g)?.length ?? 0;
    expect([runs, runs + 1]).toContain(snapshots);
    const truth = await liveTruthOf('kraken');
    const updates = lines.filter((l) => l.event === 'update');
    expect(updates.length).toBeGreaterThan(10);
    for (const l of updates) {
      const t = truth.book('XBTUSD', BigInt(l.tsNs), 10);
      expect({ bids: l.bids, asks: l.asks }).toEqual({ bids: t.bids, asks: t.asks });
    }
  });
});
