/**
 * `tickwire record ... --sink postgres://...`: the recorder as a child process against a simulator whose
 * clock runs, and a real PostgreSQL. The trades table holds exactly the trades the archive holds (and those
 * equal the ground truth over the covered range); live rows are committed while the recorder runs, not only
 * when it stops. (A restart is not tested here: `--sim` starts its market clock afresh each run.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_DEFAULT_NOW_NS } from '../../src/cli/exchange.js';
import type { Trade } from '../../src/core/records.js';
import { startSimulator } from '../../src/sim/index.js';
import { runCliProcess, startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { expectedRows, tableRows } from '../helpers/postgres-rows.js';
import { PG_TEST_PASSWORD, PostgresTestServer } from '../helpers/postgres-server.js';
import { checkTrades, dayTrades, seriesDays } from '../helpers/record-check.js';

let server: PostgresTestServer;
beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

async function archivedTrades(dir: string, exchange: string, symbol: string): Promise<Trade[]> {
  const out: Trade[] = [];
  for (const r of await seriesDays(dir, exchange, 'trades', symbol)) out.push(...(await dayTrades(dir, r)));
  return out;
}

async function truthOfLive(exchange: 'binance' | 'kraken') {
  // The same market the CLI's --sim serves (seed 1, history from two days before its clock start), with
  // its clock a day later: the truth knows the trades up to its clock.
  const sim = await startSimulator({
    exchange,
    seed: 1,
    clock: { startNs: SIM_DEFAULT_NOW_NS + 86_400_000_000_000n, speed: 1 },
    markets: { historyStart: SIM_DEFAULT_NOW_NS - 2n * 86_400_000_000_000n },
    rateLimits: 'off',
  });
  await sim.close();
  return sim.truth;
}

describe('tickwire record --sink postgres', () => {
  it('trades: the table equals the archive (and the truth), and rows arrive while recording', async () => {
    const url = await server.createDatabase('live');
    const dir = await tempDir();
    const args = [
      'record',
      '--archive',
      dir,
      'kraken',
      'trades',
      'XBTUSD',
      '--sim',
      '--sim-speed',
      '60',
      '--rotate',
      '1m',
      '--sink',
      url,
    ];
    const child = startCli([...args, '--duration', '14'], { timeoutMs: 60_000 });
    // Rows reach the table while recording (flushed every second), before any file of the run is done.
    const count = async () =>
      Number((await server.query<{ n: string }>('SELECT count(*) AS n FROM trades', [], 'live'))[0]!.n);
    await waitFor(async () => (await count().catch(() => 0)) > 0, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; stderr: ${child.stderr.slice(-2000)}`);
    });
    expect(child.child.exitCode).toBe(null);
    const first = await child.done;
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    expect(first.stderr).toContain(`and postgres://tickwire:***@127.0.0.1:${server.port}/live`);
    expect(first.stderr).not.toContain(PG_TEST_PASSWORD);
    expect(first.stderr).not.toMatch(/error:/);

    const truth = await truthOfLive('kraken');
    const check = async () => {
      const t = await checkTrades(dir, 'kraken', 'XBTUSD', truth);
      expect(t.problems.join('; ')).toBe('');
      const archived = await archivedTrades(dir, 'kraken', 'XBTUSD');
      const rows = await tableRows(server, 'trades', { database: 'live' });
      expect(rows).toEqual(expectedRows('trades', archived, { exchange: 'kraken', symbol: 'BTC/USD' }));
      return archived.length;
    };
    const afterFirst = await check();
    expect(afterFirst).toBeGreaterThan(100);
  }, 90_000);

  it('a bad --sink is a usage error naming it, without the password', async () => {
    const dir = await tempDir();
    const res = await runCliProcess(
      [
        'record',
        '--archive',
        dir,
        'kraken',
        'trades',
        'XBTUSD',
        '--sim',
        '--sink',
        `mysql://u:${PG_TEST_PASSWORD}@h/db`,
      ],
      { timeoutMs: 60_000 },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Invalid --sink');
    expect(res.stderr).not.toContain(PG_TEST_PASSWORD);
  }, 60_000);
});
