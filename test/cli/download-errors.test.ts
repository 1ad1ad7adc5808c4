import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIsoNs, nowNs } from '../../src/core/time.js';
import { startSimulator } from '../../src/sim/index.js';
import { runCliProcess, tempDir } from '../helpers/cli-run.js';

describe('ohlc and trades: errors and the live clock', () => {
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

  it('counts retries (5xx) and rate-limit waits (429 from a server stricter than the client)', async () => {
    const faulty = await runCliProcess([
      'trades',
      'binance',
      'BTCUSDT',
      '--from',
      '2025-12-31T23:50',
      '--to',
      '2025-12-31T23:55',
      '--sim',
      '--faults',
      'errorRate=0.3',
      '--retries',
      '10',
      '--backoff',
      '0.01',
    ]);
    expect(faulty.code, faulty.stderr).toBe(0);
    expect(faulty.stderr).toMatch(/\(\d+ requests, [1-9]\d* retries, 0 rate-limit waits\); complete/);
    // A server three times stricter than Coinbase's real limit (3/s, burst 15) and a client told it may
    // go 5× faster than the real limit (50/s): 29 candle pages at concurrency 8 must meet 429s, however
    // slow a loaded machine makes each request.
    const sim = await startSimulator({ exchange: 'coinbase', rateLimits: { scale: 0.3 } });
    try {
      const r = await runCliProcess([
        'ohlc',
        'coinbase',
        'BTC-USD',
        '--span',
        '1m',
        '--from',
        '2025-12-26',
        '--to',
        '2026-01-01',
        '--out',
        '-',
        '--base-url',
        sim.url,
        '--rate-scale',
        '5',
        '--backoff',
        '0.01',
        '--retries',
        '12',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\(\d+ requests, [1-9]\d* retries, [1-9]\d* rate-limit waits\); complete/);
      expect(sim.stats().status429).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
