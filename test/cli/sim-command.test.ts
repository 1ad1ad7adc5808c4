import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import {
  expectedFile,
  readText,
  runCliProcess,
  startCli,
  tempDir,
  truthOf,
  waitFor,
} from '../helpers/cli-run.js';

describe('tickwire sim as a separate process, used through --base-url', () => {
  it('prints its URL on one stdout line, serves downloads, and stops with exit 0 on SIGTERM', async () => {
    const sim = startCli([
      'sim',
      '--exchange',
      'kraken',
      '--seed',
      '7',
      '--rate-limits',
      '20',
      '--faults',
      'errorRate=0.05',
    ]);
    try {
      // stdout and stderr are separate pipes: either line may arrive first.
      await waitFor(() => sim.stdout.includes('\n') && sim.stderr.includes('tickwire sim:'));
      const url = sim.stdout.trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.stderr).toContain('tickwire sim: kraken on');
      const dir = await tempDir();
      const out = join(dir, 'xbt.csv');
      const from = '2025-12-31T23:30';
      const to = '2025-12-31T23:50';
      const r = await runCliProcess([
        'trades',
        'kraken',
        'XBTUSD',
        '--from',
        from,
        '--to',
        to,
        '--base-url',
        url,
        '--rate-scale',
        '20',
        '--backoff',
        '0.01',
        '--out',
        out,
      ]);
      expect(r.stderr).toMatch(/kraken BTC\/USD trades: \d+ rows .*complete/);
      expect(r.code).toBe(0);
      const truth = await truthOf('kraken', 7);
      const trades = truth.trades('XXBTZUSD', parseIsoNs(from), parseIsoNs(to));
      expect(trades.length).toBeGreaterThan(10_000);
      expect(await readText(out)).toBe(expectedFile('trades', 'csv', trades));
      // Without --sim, "now" is the wall clock: the simulator's clock is earlier, and the message says so.
      const future = await runCliProcess([
        'trades',
        'kraken',
        'XBTUSD',
        '--from',
        '2025-12-31T23:59',
        '--base-url',
        url,
      ]);
      expect(future.code).toBe(2);
      expect(future.stderr).toMatch(/Invalid --to: .*kraken's current time 2026-01-01/);
    } finally {
      sim.child.kill('SIGTERM');
    }
    const end = await sim.done;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(/SIGTERM, stopped after \d+ requests/);
  });
});
