/**
 * `--sink postgres://...` when things go wrong, end to end (the CLI as a child process, a real PostgreSQL):
 * a load killed with SIGKILL leaves whole batches only and the rerun completes; a server stopped mid-load
 * ends the run with exit code 1, the last committed record and the missing range, and the rerun completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { runCliProcess, startCli, truthOf, waitFor } from '../helpers/cli-run.js';
import { expectedRows, tableRows } from '../helpers/postgres-rows.js';
import { PG_TEST_PASSWORD, PostgresTestServer } from '../helpers/postgres-server.js';

let server: PostgresTestServer;
beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

const count = async (db: PostgresTestServer, table: string, database = 'postgres'): Promise<number> =>
  Number(
    ((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`, [], database))[0] as { n: string })
      .n,
  );

describe('tickwire trades --sink postgres: kills and outages', () => {
  it('a load killed with SIGKILL leaves whole batches only; the rerun completes to the ground truth', async () => {
    const url = await server.createDatabase('killed');
    const from = '2025-12-31T23:30';
    const to = '2026-01-01T00:00';
    const args = [
      'trades',
      'binance',
      'BTC/USDT',
      '--sim',
      '--rate-scale',
      '50',
      '--from',
      from,
      '--to',
      to,
      '--batch-rows',
      '5000',
    ];
    const child = startCli([...args, '--sink', url], { timeoutMs: 100_000 });
    await waitFor(async () => (await count(server, 'trades', 'killed').catch(() => 0)) > 0, 60_000);
    child.child.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');
    const truth = await truthOf('binance');
    const expected = expectedRows('trades', truth.trades('BTCUSDT', parseIsoNs(from), parseIsoNs(to)), {
      exchange: 'binance',
      symbol: 'BTC/USDT',
    });
    const partial = await tableRows(server, 'trades', { database: 'killed' });
    // Committed transactions of whole batches (2 000, 4 000, then 5 000 rows each); nothing of the batch
    // the kill interrupted.
    const wholeBatches = new Set<number>();
    for (let rows = 0, size = 2_000; rows < expected.length; size = Math.min(5_000, size * 2)) {
      rows += size;
      wholeBatches.add(rows);
    }
    expect(wholeBatches.has(partial.length), `${partial.length} rows`).toBe(true);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(expected.length);
    expect(partial).toEqual(expected.slice(0, partial.length));

    // Ctrl-C: the download stops, what was downloaded is committed, the missing range is printed.
    const second = startCli([...args, '--sink', url], { timeoutMs: 100_000 });
    await waitFor(async () => (await count(server, 'trades', 'killed')) > partial.length, 60_000);
    second.child.kill('SIGINT');
    const interrupted = await second.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/resumed after 2025-12-31T23/);
    expect(interrupted.stderr).toMatch(
      /interrupted by SIGINT; missing \[2025-12-31T23:\d\d:\d\d\.\d+Z, 2026-01-01T00:00:00\.000Z\)/,
    );
    const afterInterrupt = await tableRows(server, 'trades', { database: 'killed' });
    expect(afterInterrupt).toEqual(expected.slice(0, afterInterrupt.length));
    const rowsLine = /(\d+) rows → postgres/.exec(interrupted.stderr);
    // The ids already stored at the resume time are skipped, so every row reported is a new one.
    expect(Number(rowsLine?.[1])).toBe(afterInterrupt.length - partial.length);

    const rerun = await runCliProcess([...args, '--sink', url], { timeoutMs: 100_000 });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/resumed after/);
    expect(await tableRows(server, 'trades', { database: 'killed' })).toEqual(expected);
  }, 240_000);

  it('a server stopped mid-load: exit 1 naming the last committed record and the missing range; the rerun completes', async () => {
    const own = await PostgresTestServer.start();
    try {
      const url = own.url();
      const from = '2025-12-31T23:30';
      const to = '2026-01-01T00:00';
      const args = [
        'trades',
        'binance',
        'BTCUSDT',
        '--sim',
        '--rate-scale',
        '50',
        '--from',
        from,
        '--to',
        to,
      ];
      const child = startCli([...args, '--sink', url], { timeoutMs: 100_000 });
      await waitFor(async () => (await count(own, 'trades').catch(() => 0)) > 0, 60_000);
      await own.stop('immediate');
      const result = await child.done;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('INCOMPLETE');
      expect(result.stderr).toMatch(
        /PostgreSQL postgres:\/\/tickwire:\*\*\*@127\.0\.0\.1:\d+\/postgres \(public\.trades\): .*committed up to 2025-12-31T2\d:\d\d:\d\d\.\d+Z \(key \d+, \d+ rows this run\)/,
      );
      expect(result.stderr).toMatch(/missing \[2025-12-31T2\d:\d\d:\d\d\.\d+Z, 2026-01-01T00:00:00\.000Z\)/);
      expect(result.stderr).toContain('Rerun the same command to fetch what is missing (it resumes).');
      expect(result.stderr).not.toContain(PG_TEST_PASSWORD);

      await own.restart();
      const truth = await truthOf('binance');
      const expected = expectedRows('trades', truth.trades('BTCUSDT', parseIsoNs(from), parseIsoNs(to)), {
        exchange: 'binance',
        symbol: 'BTC/USDT',
      });
      const partial = await tableRows(own, 'trades');
      expect(partial).toEqual(expected.slice(0, partial.length));
      // The committed record the message names is the last row in the table.
      const key = /\(key (\d+),/.exec(result.stderr)?.[1];
      expect(partial.at(-1)?.[4]).toBe(key);

      const rerun = await runCliProcess([...args, '--sink', url], { timeoutMs: 100_000 });
      expect(rerun.code).toBe(0);
      expect(await tableRows(own, 'trades')).toEqual(expected);
    } finally {
      await own.close();
    }
  }, 240_000);
});
