/**
 * `tickwire sync ... --sink postgres://...` end to end: the CLI as a child process against the simulator and
 * a real PostgreSQL. The table equals the simulator's ground truth; a rerun adds nothing; a database added
 * after the archive was synced gets the whole range from the archive (no new data request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { runCliProcess, tempDir, truthOf } from '../helpers/cli-run.js';
import { expectedRows, tableRows } from '../helpers/postgres-rows.js';
import { PG_TEST_PASSWORD, PostgresTestServer } from '../helpers/postgres-server.js';

const LONG = { timeoutMs: 100_000 };

let server: PostgresTestServer;
beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

describe('tickwire sync --sink postgres', () => {
  it('trades: the table equals the ground truth, a rerun adds nothing; ohlc into a later database', async () => {
    const url = await server.createDatabase('synced');
    const dir = await tempDir();
    const from = '2025-12-31T23:20';
    const to = '2026-01-01T00:00';
    const args = ['sync', 'binance', 'trades', 'BTCUSDT', '--sim', '--rate-scale', '50'];
    const first = await runCliProcess(
      [...args, '--from', from, '--to', to, '--archive', dir, '--sink', url],
      LONG,
    );
    expect(first.stderr).toContain('complete up to 2026-01-01T00:00:00Z');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`postgres://tickwire:***@127.0.0.1:${server.port}/synced public.trades`);
    expect(first.stderr).not.toContain(PG_TEST_PASSWORD);
    const truth = await truthOf('binance');
    const expected = expectedRows('trades', truth.trades('BTCUSDT', parseIsoNs(from), parseIsoNs(to)), {
      exchange: 'binance',
      symbol: 'BTC/USDT',
    });
    expect(expected.length).toBeGreaterThan(1000);
    expect(first.stderr).toContain(`${expected.length} new, 0 already present`);
    expect(await tableRows(server, 'trades', { database: 'synced' })).toEqual(expected);

    // A rerun: nothing missing in the archive, nothing new in the table (at most the last nanosecond re-read).
    const again = await runCliProcess(
      [...args, '--from', from, '--to', to, '--archive', dir, '--pg', url],
      LONG,
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/1 of 1 already complete, 0 rows in 0 requests/);
    expect(again.stderr).toMatch(/ 0 new, \d+ already present/);
    expect(await tableRows(server, 'trades', { database: 'synced' })).toEqual(expected);

    // Extending the range: only the earlier part is downloaded, and the table gets exactly it as well.
    const earlier = '2025-12-31T23:00';
    const extended = await runCliProcess(
      [...args, '--from', earlier, '--to', to, '--archive', dir, '--sink', url],
      LONG,
    );
    expect(extended.code).toBe(0);
    const expectedAll = expectedRows('trades', truth.trades('BTCUSDT', parseIsoNs(earlier), parseIsoNs(to)), {
      exchange: 'binance',
      symbol: 'BTC/USDT',
    });
    expect(extended.stderr).toContain(`${expectedAll.length - expected.length} new,`);
    expect(await tableRows(server, 'trades', { database: 'synced' })).toEqual(expectedAll);

    // Candles synced first without a database, then with one: the archive is complete (no download), the
    // table still gets every bar of the range from the archive, into the chosen schema.
    const ohlc = ['sync', 'binance', 'ohlc', 'BTC/USDT', '--sim', '--span', '5m', '--from', '2025-12-31'];
    const plain = await runCliProcess([...ohlc, '--archive', dir], LONG);
    expect(plain.code).toBe(0);
    const later = await runCliProcess([...ohlc, '--archive', dir, '--sink', url, '--schema', 'market'], LONG);
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(/1 of 1 already complete, 0 rows in 0 requests/);
    const bars = expectedRows(
      'ohlc',
      truth.bars('BTCUSDT', 300, parseIsoNs('2025-12-31'), parseIsoNs('2026-01-01')),
      { exchange: 'binance', symbol: 'BTC/USDT', spanS: 300 },
    );
    expect(bars.length).toBe(288);
    expect(later.stderr).toContain('288 new, 0 already present');
    expect(await tableRows(server, 'ohlc', { database: 'synced', schema: 'market' })).toEqual(bars);
  }, 120_000);

  it('usage errors name the flag before anything is downloaded; an unreachable database exits 3', async () => {
    const dir = await tempDir();
    const base = [
      'sync',
      'binance',
      'trades',
      'BTCUSDT',
      '--sim',
      '--from',
      '2025-12-31T23:59',
      '--archive',
      dir,
    ];
    const badUrl = await runCliProcess([...base, '--sink', `mysql://u:${PG_TEST_PASSWORD}@h/db`], LONG);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('Invalid --sink');
    expect(badUrl.stderr).not.toContain(PG_TEST_PASSWORD);
    const schemaAlone = await runCliProcess([...base, '--schema', 'market'], LONG);
    expect(schemaAlone.code).toBe(2);
    expect(schemaAlone.stderr).toContain('Invalid --schema');
    // A database that cannot be reached: the archive is synced and said so, then exit 3 naming the database.
    const down = await runCliProcess(
      [...base, '--sink', `postgres://u:${PG_TEST_PASSWORD}@127.0.0.1:1/db`],
      LONG,
    );
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/sync binance trades BTCUSDT: .*complete up to/);
    expect(down.stderr).toContain('postgres://u:***@127.0.0.1:1/db');
    expect(down.stderr).toMatch(/cannot connect/);
    expect(down.stderr).not.toContain(PG_TEST_PASSWORD);
  }, 60_000);
});
