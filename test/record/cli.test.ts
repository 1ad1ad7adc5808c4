/** `tickwire record` usage errors: exit codes and messages that name the argument or configuration key. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess, tempDir } from '../helpers/cli-run.js';

describe.concurrent('tickwire record: bad usage', () => {
  it('a bad configuration key: exit 2 naming it', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'r.yaml'),
      'streams:\n  - exchange: binance\n    kinds: [trades, candles]\n    symbols: [BTCUSDT]\n',
    );
    const res = await runCliProcess(['record', '--archive', join(dir, 'a'), '--config', join(dir, 'r.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('config.streams[0].kinds[1]');
  });

  it('a kind the exchange does not serve live: exit 3 naming what it serves', async () => {
    const dir = await tempDir();
    const res = await runCliProcess([
      'record',
      '--archive',
      join(dir, 'a'),
      'kraken',
      'trades,mark',
      'XBTUSD',
    ]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/kraken does not serve mark .*it serves: trades, book/);
  });

  it('neither arguments nor --config, or no archive: exit 2', async () => {
    const dir = await tempDir();
    const none = await runCliProcess(['record', '--archive', join(dir, 'a')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--config');
    const noArchive = await runCliProcess(['record', 'binance', 'trades', 'BTCUSDT']);
    expect(noArchive.code).toBe(2);
    expect(noArchive.stderr).toContain('--archive');
  });
});
