/**
 * The fleet end to end: a real redis-server, a simulator with faults and per-IP weight windows, four
 * `tickwire fleet worker` processes filling one archive, one of them SIGKILLed mid-unit.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir as stagingDir } from '../../src/archive/commit.js';
import { submitFleetJob } from '../../src/fleet/submit.js';
import { tempDir, waitFor } from '../helpers/cli-run.js';
import {
  archiveProblems,
  DAYS,
  fleetSim,
  SYMBOLS,
  startWorkers,
  stopWorkers,
  unitResults,
  waitDrained,
  workerArgs,
} from '../helpers/fleet.js';
import { RedisTestServer } from '../helpers/redis-server.js';

let redis: RedisTestServer;
beforeAll(async () => {
  redis = await RedisTestServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

describe('tickwire fleet (real redis-server, worker processes, simulator)', () => {
  it('four workers in one limit scope, one SIGKILLed mid-unit: the archive verifies, equals the truth, and no window went past the per-IP limit (no 429)', async () => {
    const weight = 120;
    const sim = await fleetSim(weight, { errorRate: 0.04, resetRate: 0.02, truncateRate: 0.01 });
    const dir = await tempDir();
    const queue = 'kill';
    try {
      const sub = await submitFleetJob({
        redis: redis.url,
        queue,
        dir,
        exchange: 'binance',
        kind: 'trades',
        symbols: [...SYMBOLS],
        start: DAYS[0],
        end: '2026-01-01',
        baseUrl: sim.url,
      });
      expect(sub).toMatchObject({ units: 6, held: 0, added: 6 });
      const workers = startWorkers(
        4,
        workerArgs(redis.url, dir, sim, weight, [
          '--queue',
          queue,
          '--limit-scope',
          'lo',
          '--concurrency',
          '1',
        ]),
      );
      // The victim: the first worker to start one of the large units, killed while its file is staged.
      let victim: (typeof workers)[number] | undefined;
      let label = '';
      await waitFor(() => {
        for (const w of workers) {
          const m = /start (binance trades (?:BTCUSDT|ETHUSDT) \d{4}-\d{2}-\d{2})/.exec(w.stderr);
          if (m) {
            victim = w;
            label = m[1] as string;
            return true;
          }
        }
        return false;
      }, 60_000);
      const v = victim as (typeof workers)[number];
      const pid = v.child.pid as number;
      await waitFor(
        async () => (await readdir(stagingDir(dir)).catch(() => [])).some((f) => f.includes(`-${pid}-`)),
        30_000,
      );
      expect(v.stderr).not.toContain(`done ${label}`);
      v.child.kill('SIGKILL');
      expect((await v.done).signal).toBe('SIGKILL');

      const status = await waitDrained(redis.url, queue);
      expect(status).toMatchObject({ done: 6, failed: 0, running: 0, waiting: 0, retrying: 0 });
      await stopWorkers(workers);
      // The killed worker's unit was handed to another worker, which finished it.
      const [, symbol, date] = label.split(' ').slice(1);
      const results = await unitResults(redis.url, queue);
      const killed = results.get(`binance~trades~${symbol}~${date}`);
      expect(killed?.worker).toBeDefined();
      expect(killed?.worker).not.toContain(`/${pid}/`);

      expect(await archiveProblems(dir, sim)).toEqual([]);
      const stats = sim.stats();
      if (process.env.FLEET_DEBUG) {
        console.log(stats.windows.map((w) => `${w.startMs % 100000}:${w.used}/${w.refused}`).join(' '));
        for (const w of workers)
          console.log(
            w.stderr
              .split('\n')
              .filter((l) => /warn|retry|FAIL/.test(l))
              .join('\n'),
          );
      }
      expect(stats.faults.error + stats.faults.reset + stats.faults.truncate).toBeGreaterThan(0);
      expect(stats.status429 + stats.status418).toBe(0);
      // The job spans several windows of the one IP, none counted past the limit.
      const windows = stats.windows.filter((w) => w.ip === '127.0.0.1');
      expect(windows.filter((w) => w.used > weight / 2).length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...windows.map((w) => w.used))).toBeLessThanOrEqual(weight);
    } finally {
      await sim.close();
    }
  }, 150_000);
});
