import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIsoNs, nowNs, parseIsoNs } from '../../src/core/time.js';
import { startSimulator } from '../../src/sim/index.js';
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

  it('an unknown symbol exits 3 with one line and leaves no file; a range Kraken does not keep exits 3', async () => {
    const dir = await tempDir();
    const out = join(dir, 'x.csv');
    const r = await runCliProcess([
      'trades',
      'binance',
      'FOOBAR',
      '--from',
      '2025-12-31',
      '--to',
      '2025-12-31T01:00',
      '--sim',
      '--out',
      out,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^tickwire: error: Unknown symbol "FOOBAR" on binance\./m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    const k = await runCliProcess([
      'ohlc',
      'kraken',
      'XBTUSD',
      '--span',
      '1m',
      '--from',
      '2025-06-01',
      '--to',
      '2025-06-02',
      '--sim',
      '-q',
    ]);
    expect(k.code).toBe(3);
    expect(k.stderr).toMatch(/kraken serves only its newest 720/);
  });

  it('a span the exchange does not offer exits 2 naming --span; --debug adds the stack', async () => {
    const r = await runCliProcess([
      'ohlc',
      'coinbase',
      'BTC-USD',
      '--span',
      '4h',
      '--from',
      '2025-12-01',
      '--sim',
      '--debug',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid --span: Span 14400s is not offered by coinbase/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('--to now against a live clock: the bar still open is "not yet available", not a gap (exit 0)', async () => {
    const sim = await startSimulator({ exchange: 'binance', now: 'real' });
    try {
      const from = formatIsoNs(nowNs() - 3n * 3600n * 1_000_000_000n);
      const r = await runCliProcess([
        'ohlc',
        'binance',
        'BTCUSDT',
        '--span',
        '1h',
        '--from',
        from,
        '--base-url',
        sim.url,
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/complete\.\n\s+not yet available: \[/);
      expect(r.stdout.trimEnd().split('\n').length).toBeGreaterThanOrEqual(3);
    } finally {
      await sim.close();
    }
  });
});
