import { describe, expect, it } from 'vitest';
import { readRecord } from '../../src/archive/manifest.js';
import { dataRequests, sim } from '../helpers/archive.js';
import { runCliProcess, tempDir } from '../helpers/cli-run.js';

/** Child processes on a shared 2-core machine can take a while to start. */
const LONG = { timeoutMs: 80_000 };

describe('tickwire sync (child processes)', () => {
  it('syncs, reruns without a data request, lists and verifies', async () => {
    const s = await sim('binance', { errorRate: 0.02, seed: 5 });
    const dir = await tempDir();
    try {
      const args = [
        'sync',
        'binance',
        'ohlc',
        'BTC/USDT',
        'ETHUSDT',
        '--span',
        '1m',
        '--from',
        '2025-12-30',
        '--to',
        '2026-01-01',
        '--archive',
        dir,
        '--base-url',
        s.url,
        '--backoff',
        '0.01',
      ];
      const first = await runCliProcess(args, LONG);
      expect(first.stderr).toMatch(
        /sync binance ohlc-1m BTCUSDT,ETHUSDT: 2 symbol\(s\) × 2 day\(s\), 0 of 4 already complete, 5760 rows in \d+ requests/,
      );
      expect(first.stderr).toMatch(/complete up to 2026-01-01T00:00:00Z/);
      expect(first.code).toBe(0);
      const before = dataRequests(s);
      const again = await runCliProcess(args, LONG);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/4 of 4 already complete, 0 rows in 0 requests/);
      expect(dataRequests(s)).toBe(before);

      const [ls, lsJson, v] = await Promise.all([
        runCliProcess(['archive', 'ls', dir], LONG),
        runCliProcess(['archive', 'ls', dir, '--json'], LONG),
        runCliProcess(['archive', 'verify', dir], LONG),
      ]);
      expect(ls.code).toBe(0);
      const lines = ls.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^exchange\s+kind\s+symbol\s+first day\s+last day\s+days\s+complete\s+rows\s+size\s+gaps$/,
      );
      expect(lines[2]).toMatch(
        /^binance\s+ohlc-1m\s+BTCUSDT\s+2025-12-30\s+2025-12-31\s+2\s+2\s+2,880\s+\S+ KB\s+0$/,
      );
      expect(lines[3]).toMatch(/^binance\s+ohlc-1m\s+ETHUSDT\s/);
      const json = JSON.parse(lsJson.stdout);
      expect(
        json.map((x: { symbol: string; rows: number; completeDays: number }) => [
          x.symbol,
          x.rows,
          x.completeDays,
        ]),
      ).toEqual([
        ['BTCUSDT', 2880, 2],
        ['ETHUSDT', 2880, 2],
      ]);
      expect(v.code).toBe(0);
      expect(v.stdout).toBe('');
      expect(v.stderr).toMatch(/4 day\(s\), 4 file\(s\), 5,760 rows .*all consistent/);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('Kraken candles older than its 720: the gap and its reason on stderr, exit 1; verify lists a damaged file, exit 1', async () => {
    const dir = await tempDir();
    const r = await runCliProcess(
      [
        'sync',
        'kraken',
        'ohlc',
        'XBT/USD',
        '--span',
        '1m',
        '--from',
        '2025-12-31',
        '--archive',
        dir,
        '--sim',
      ],
      LONG,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INCOMPLETE/);
    expect(r.stderr).toMatch(
      /missing XBTUSD \[2025-12-31T00:00:00(\.000)?Z, 2025-12-31T12:\d\d:00(\.000)?Z\): kraken serves only its newest 720 1m candles.*\(the exchange does not serve it\)/,
    );
    const rec = await readRecord(dir, {
      exchange: 'kraken',
      kind: 'ohlc',
      spanS: 60,
      symbol: 'XBTUSD',
      date: '2025-12-31',
    });
    expect(rec!.gaps).toHaveLength(1);
    const ls = await runCliProcess(['archive', 'ls', dir, '--gaps'], LONG);
    expect(ls.stdout).toMatch(
      /gap kraken ohlc-1m XBTUSD \[2025-12-31T00:00:00Z, .*\): kraken serves only its newest 720/,
    );
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { partitionDir } = await import('../../src/archive/layout.js');
    const f = join(
      partitionDir(dir, {
        exchange: 'kraken',
        kind: 'ohlc',
        spanS: 60,
        symbol: 'XBTUSD',
        date: '2025-12-31',
      }),
      rec!.files[0]!.name,
    );
    await writeFile(f, 'not parquet');
    const v = await runCliProcess(['archive', 'verify', dir], LONG);
    expect(v.code).toBe(1);
    expect(v.stdout.split('\n')[0]).toContain(`${f}: size:`);
    expect(v.stderr).toMatch(/PROBLEM/);
  }, 90_000);

  it('usage errors exit 2, what cannot be served exits 3', async () => {
    const dir = await tempDir();
    const base = ['--from', '2025-12-31', '--archive', dir, '--sim'];
    const [noSpan, badKind, noArchive, unknown, funding, ls] = await Promise.all([
      runCliProcess(['sync', 'binance', 'ohlc', 'BTCUSDT', ...base], LONG),
      runCliProcess(['sync', 'binance', 'candles', 'BTCUSDT', ...base], LONG),
      runCliProcess(['sync', 'binance', 'trades', 'BTCUSDT', '--from', '2025-12-31', '--sim'], LONG),
      runCliProcess(['sync', 'binance', 'trades', 'NOPE/USDT', ...base], LONG),
      runCliProcess(['sync', 'binance', 'funding', 'BTCUSDT', ...base], LONG),
      runCliProcess(['archive', 'ls', `${dir}/nowhere`], LONG),
    ]);
    expect(noSpan.code).toBe(2);
    expect(noSpan.stderr).toMatch(/--span/);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/Unknown kind; expected one of ohlc, trades/);
    expect(noArchive.code).toBe(2);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/NOPE/);
    expect(funding.code).toBe(3);
    expect(ls.code).toBe(2);
  }, 90_000);
});
