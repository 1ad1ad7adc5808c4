import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { expectedFile, readText, runCliProcess, tempDir, truthOf } from '../helpers/cli-run.js';

describe('candle files resume', () => {
  it('candles resume after the last bar; --force starts the file again', async () => {
    const dir = await tempDir();
    const out = join(dir, 'eth.jsonl');
    const base = ['ohlc', 'binance', 'ETHUSDT', '--span', '1m', '--sim', '--out', out, '-q'];
    expect((await runCliProcess([...base, '--from', '2025-12-30', '--to', '2025-12-31'])).code).toBe(0);
    expect((await runCliProcess([...base, '--from', '2025-12-30', '--to', '2026-01-01'])).code).toBe(0);
    const truth = await truthOf('binance');
    const bars = truth.bars('ETHUSDT', 60, parseIsoNs('2025-12-30'), parseIsoNs('2026-01-01'));
    expect(bars.length).toBe(2 * 1440);
    expect(await readText(out)).toBe(expectedFile('ohlc', 'jsonl', bars));
    expect(
      (await runCliProcess([...base, '--from', '2025-12-31T23:00', '--to', 'now', '--force'])).code,
    ).toBe(0);
    expect(await readText(out)).toBe(expectedFile('ohlc', 'jsonl', bars.slice(-60)));
    // A file of another kind is not appended to.
    const wrong = await runCliProcess([
      'trades',
      'binance',
      'ETHUSDT',
      '--from',
      '2025-12-31',
      '--sim',
      '--out',
      out,
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Invalid --out: .*--force/);
  });
});
