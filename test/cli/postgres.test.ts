/**
 * `--sink postgres://...` end to end: the CLI as a child process against the simulators and a real
 * PostgreSQL. Tables equal the ground truth row for row; reruns add nothing; bad flags are usage errors
 * without the password. (Killed loads and outages: postgres-faults.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { runCliProcess, truthOf } from '../helpers/cli-run.js';
import { expectedRows, tableRows } from '../helpers/postgres-rows.js';
import { PG_TEST_PASSWORD, PostgresTestServer } from '../helpers/postgres-server.js';

let server: PostgresTestServer;
beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

const SPOT = [
  { exchange: 'binance', symbol: 'BTCUSDT', unified: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC-USD', unified: 'BTC/USD' },
  { exchange: 'kraken', symbol: 'XBTUSD', unified: 'BTC/USD' },
] as const;

const count = async (db: PostgresTestServer, table: string, database = 'postgres'): Promise<number> =>
  Number(
    ((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`, [], database))[0] as { n: string })
      .n,
  );

describe('tickwire ohlc/trades --sink postgres', () => {
  it('every spot simulator: trades and candles equal the ground truth row for row; a rerun adds nothing', async () => {
    const url = await server.createDatabase('spot');
    const from = '2025-12-31T23:30';
    const to = '2025-12-31T23:40';
    for (const { exchange, symbol, unified } of SPOT) {
      const truth = await truthOf(exchange);
      const trades = ['trades', exchange, symbol, '--sim', '--rate-scale', '50', '--from', from, '--to', to];
      const first = await runCliProcess([...trades, '--sink', url], { timeoutMs: 100_000 });
      expect(first.stderr).toContain('complete.');
      expect(first.code).toBe(0);
      expect(first.stderr).toContain(`postgres://tickwire:***@127.0.0.1:${server.port}/spot public.trades`);
      expect(first.stderr).not.toContain(PG_TEST_PASSWORD);
      const expected = expectedRows('trades', truth.trades(symbol, parseIsoNs(from), parseIsoNs(to)), {
        exchange,
        symbol: unified,
      });
      expect(expected.length).toBeGreaterThan(1000);
      expect(await tableRows(server, 'trades', { database: 'spot', exchange })).toEqual(expected);

      if (exchange !== 'binance') {
        // Candles only, for the other venues (the reruns below are the same code path for every exchange).
        const bars = await runCliProcess(
          [
            'ohlc',
            exchange,
            symbol,
            '--sim',
            '--span',
            '5m',
            '--from',
            '2025-12-31T12:00',
            '--sink',
            url,
            '--schema',
            'market',
          ],
          { timeoutMs: 100_000 },
        );
        expect(bars.code).toBe(0);
        const expectedBars = expectedRows(
          'ohlc',
          truth.bars(symbol, 300, parseIsoNs('2025-12-31T12:00'), parseIsoNs('2026-01-01T00:00')),
          { exchange, symbol: unified, spanS: 300 },
        );
        expect(await tableRows(server, 'ohlc', { database: 'spot', schema: 'market', exchange })).toEqual(
          expectedBars,
        );
        continue;
      }
      // The alias, another spelling of the symbol, and --force: the whole range again, nothing new.
      const again = await runCliProcess([...trades, '--pg', url, '--force'], { timeoutMs: 100_000 });
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`0 new, ${expected.length} already present`);
      // A plain rerun resumes at the last trade's time: only the trades at that nanosecond are looked at again.
      const resumed = await runCliProcess([...trades, '--sink', url], { timeoutMs: 100_000 });
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/resumed after 2025-12-31T23:3\d/);
      expect(resumed.stderr).toMatch(/ 0 new, /);
      expect(await tableRows(server, 'trades', { database: 'spot', exchange })).toEqual(expected);

      const ohlcArgs = ['ohlc', exchange, symbol, '--sim', '--span', '5m', '--from', '2025-12-31T12:00'];
      const bars = await runCliProcess([...ohlcArgs, '--sink', url, '--schema', 'market'], {
        timeoutMs: 100_000,
      });
      expect(bars.code).toBe(0);
      const expectedBars = expectedRows(
        'ohlc',
        truth.bars(symbol, 300, parseIsoNs('2025-12-31T12:00'), parseIsoNs('2026-01-01T00:00')),
        { exchange, symbol: unified, spanS: 300 },
      );
      expect(expectedBars.length).toBe(144);
      expect(await tableRows(server, 'ohlc', { database: 'spot', schema: 'market', exchange })).toEqual(
        expectedBars,
      );
      const barsAgain = await runCliProcess([...ohlcArgs, '--sink', url, '--schema', 'market'], {
        timeoutMs: 100_000,
      });
      expect(barsAgain.code).toBe(0);
      expect(barsAgain.stderr).toContain('already holds everything');
      expect(await count(server, 'market.ohlc', 'spot')).toBe(expectedBars.length);
    }
  }, 300_000);

  it('usage errors name the flag and never show the password', async () => {
    const base = ['trades', 'binance', 'BTCUSDT', '--sim', '--from', '2025-12-31T23:59'];
    const withOut = await runCliProcess([...base, '--sink', server.url(), '--out', 'x.csv'], {
      timeoutMs: 100_000,
    });
    expect(withOut.code).toBe(2);
    expect(withOut.stderr).toContain('Invalid --out');
    const badUrl = await runCliProcess([...base, '--sink', `mysql://u:${PG_TEST_PASSWORD}@h/db`], {
      timeoutMs: 100_000,
    });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('Invalid --sink');
    const badSchema = await runCliProcess([...base, '--sink', server.url(), '--schema', 'x;drop'], {
      timeoutMs: 100_000,
    });
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toContain('Invalid --schema');
    const schemaAlone = await runCliProcess([...base, '--schema', 'market'], { timeoutMs: 100_000 });
    expect(schemaAlone.code).toBe(2);
    const denied = await runCliProcess(
      [...base, '--sink', server.url().replace(PG_TEST_PASSWORD, 'nope-wrong')],
      { timeoutMs: 100_000 },
    );
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/password authentication failed/);
    for (const r of [withOut, badUrl, badSchema, denied]) {
      expect(r.stderr).not.toContain(PG_TEST_PASSWORD);
      expect(r.stderr).not.toContain('nope-wrong');
    }
  }, 120_000);
});
