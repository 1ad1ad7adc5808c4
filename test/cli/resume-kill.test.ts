import { appendFile, stat } from 'node:fs/promises';
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

const size = async (path: string): Promise<number> => (await stat(path).catch(() => ({ size: 0 }))).size;

describe('trades resume after SIGKILL and SIGINT', () => {
  it('a killed run, a torn line and an interrupted run still end in a file identical to the ground truth', async () => {
    const dir = await tempDir();
    const out = join(dir, 'btc.csv');
    const from = '2025-12-31T23:30';
    const to = '2026-01-01T00:00';
    // Coinbase at its real limit (10 requests/s, 1000 trades each): about 2.5 s for this half hour (22 k trades, 1.6 MB).
    const args = ['trades', 'coinbase', 'BTC-USD', '--from', from, '--to', to, '--sim', '--out', out];

    const first = startCli(args);
    await waitFor(async () => (await size(out)) > 300_000);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    // A write cut short by the kill: half a line at the end of the file.
    await appendFile(out, '1767222000123456000,2025-12-31T23:00:00.1234');

    const second = startCli(args);
    const before = await size(out);
    await waitFor(async () => (await size(out)) > before + 300_000);
    second.child.kill('SIGINT');
    const interrupted = await second.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/resumed after 2025-12-31T23/);
    expect(interrupted.stderr).toMatch(
      /interrupted by SIGINT; missing \[2025-12-31T23:[3-5]\d:\d\d\.\d+Z, 2026-01-01T00:00:00\.000Z\)/,
    );
    expect(interrupted.stderr).toContain('Rerun the same command to resume.');
    const truth = await truthOf('coinbase');
    const expected = expectedFile('trades', 'csv', truth.trades('BTC-USD', parseIsoNs(from), parseIsoNs(to)));
    const partial = await readText(out);
    expect(partial.endsWith('\n')).toBe(true);
    expect(expected.startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(expected.length);

    const last = await runCliProcess([...args, '--rate-scale', '50']);
    expect(last.code).toBe(0);
    expect(await readText(out)).toBe(expected);
  }, 60_000);
});
