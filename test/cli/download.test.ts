import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { expectedFile, readText, runCliProcess, SIM_NOW, tempDir, truthOf } from '../helpers/cli-run.js';

describe('ohlc and trades against the in-process simulator (--sim)', () => {
  it('writes a month of 1h candles identical to the ground truth, with no terminal codes on a pipe', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc-1h.csv');
    const r = await runCliProcess([
      'ohlc',
      'binance',
      'BTC/USDT',
      '--span',
      '1h',
      '--from',
      '2025-12-01',
      '--to',
      'now',
      '--sim',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/binance BTC\/USDT 1h candles: 744 rows → .*complete/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('\x1b');
    const truth = await truthOf('binance');
    const bars = truth.bars('BTCUSDT', 3600, parseIsoNs('2025-12-01'), SIM_NOW);
    expect(await readText(out)).toBe(expectedFile('ohlc', 'csv', bars));
  });

  it('streams trades as JSONL to stdout, identical to the ground truth', async () => {
    const from = '2025-12-31T23:40:00Z';
    const to = '2025-12-31T23:45:00Z';
    const r = await runCliProcess([
      'trades',
      'coinbase',
      'BTC-USD',
      '--from',
      from,
      '--to',
      to,
      '--sim',
      '--format',
      'jsonl',
      '-q',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const truth = await truthOf('coinbase');
    const trades = truth.trades('BTC-USD', parseIsoNs(from), parseIsoNs(to));
    expect(trades.length).toBeGreaterThan(1000);
    expect(r.stdout).toBe(expectedFile('trades', 'jsonl', trades));
  });

  it('exits 1 naming the missing range when requests keep failing, and a rerun completes the file exactly', async () => {
    const dir = await tempDir();
    const out = join(dir, 'eth.csv');
    const args = [
      'trades',
      'binance',
      'ETHUSDT',
      '--from',
      '2025-12-31T20:00',
      '--to',
      '2025-12-31T23:00',
      '--sim',
      '--out',
      out,
    ];
    const bad = await runCliProcess([...args, '--faults', 'errorRate=0.2', '--retries', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INCOMPLETE/);
    expect(bad.stderr).toMatch(/missing \[20\d\d-.*\): /);
    expect(bad.stderr).toContain('Rerun the same command');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const good = await runCliProcess(args);
    expect(good.code).toBe(0);
    const truth = await truthOf('binance');
    const trades = truth.trades('ETHUSDT', parseIsoNs('2025-12-31T20:00'), parseIsoNs('2025-12-31T23:00'));
    expect(await readText(out)).toBe(expectedFile('trades', 'csv', trades));
  });
});
