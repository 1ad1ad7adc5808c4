import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { parseIsoNs } from '../../src/core/time.js';
import { readParquetRecords } from '../../src/sinks/parquet-read.js';
import { ROOT, runCliProcess, startCli, tempDir, truthOf, waitFor } from '../helpers/cli-run.js';
import { duck, sqlPath } from '../helpers/duckdb.js';

/** Runs the CLI with stdout going straight to `path` (binary, as `> path` in a shell). */
async function toFile(args: string[], path: string): Promise<number | null> {
  const fd = openSync(path, 'w');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', fd, 'inherit'],
    });
    return await new Promise((r) => child.on('close', (code) => r(code)));
  } finally {
    closeSync(fd);
  }
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Child processes on a shared 2-core machine can take a while to start. */
const LONG = { timeoutMs: 80_000 };

describe('--format parquet / --out x.parquet', () => {
  it('ohlc to x.parquet and trades as Parquet on stdout equal the ground truth', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc-1h.parquet');
    const [bars, trades] = await Promise.all([
      runCliProcess(
        ['ohlc', 'binance', 'BTCUSDT', '--span', '1h', '--from', '2025-12-01', '--sim', '--out', out],
        LONG,
      ),
      toFile(
        [
          'trades',
          'coinbase',
          'BTC-USD',
          '--from',
          '2025-12-31T23:50',
          '--sim',
          '--format',
          'parquet',
          '--quiet',
        ],
        join(dir, 'stdout.parquet'),
      ),
    ]);
    expect(bars.code).toBe(0);
    const binance = await truthOf('binance');
    expect(await all(readParquetRecords(out, 'ohlc'))).toEqual(
      binance.bars('BTCUSDT', 3600, parseIsoNs('2025-12-01'), parseIsoNs('2026-01-01')),
    );
    expect(trades).toBe(0);
    const file = join(dir, 'stdout.parquet');
    const coinbase = await truthOf('coinbase');
    const truth: Trade[] = coinbase.trades(
      'BTC-USD',
      parseIsoNs('2025-12-31T23:50'),
      parseIsoNs('2026-01-01'),
    );
    const rows = await duck(
      `select count(*)::int as n, min(tsNs) as a, max(epoch_ns(time)) as b from read_parquet(${sqlPath(file)})`,
    );
    expect(rows).toEqual([{ n: truth.length, a: truth[0]!.tsNs, b: truth.at(-1)!.tsNs }]);
  }, 60_000);

  it('a killed run leaves the previous file untouched; a rerun resumes after its last row', async () => {
    const dir = await tempDir();
    const out = join(dir, 'trades.parquet');
    const args = ['trades', 'binance', 'BTCUSDT', '--from', '2025-12-31T23:50', '--sim', '--out', out];
    const first = await runCliProcess([...args, '--to', '2025-12-31T23:55'], LONG);
    expect(first.code).toBe(0);
    const size = (await stat(out)).size;
    const killed = startCli(args, LONG);
    await waitFor(async () => (await readdir(dir)).some((n) => n.includes('.tmp-')), 60_000);
    killed.child.kill('SIGKILL');
    await killed.done;
    expect((await stat(out)).size).toBe(size);
    const second = await runCliProcess(args, LONG);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/resumed after 2025-12-31T23:54:59/);
    const truth = (await truthOf('binance')).trades(
      'BTCUSDT',
      parseIsoNs('2025-12-31T23:50'),
      parseIsoNs('2026-01-01'),
    );
    const got: (OHLCBar | Trade)[] = await all(readParquetRecords(out, 'trades'));
    expect(got).toEqual(truth);
  }, 60_000);
});
