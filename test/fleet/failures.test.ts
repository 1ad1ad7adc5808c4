/**
 * A unit that keeps failing: retried with backoff by BullMQ, then reported by `fleet status` with its
 * reason (exit 1), never lost; a resubmit queues it again and a healthy worker finishes it. Real
 * redis-server and simulators; the workers run in this process (the worker processes are in fleet.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetStatus } from '../../src/fleet/status.js';
import { submitFleetJob } from '../../src/fleet/submit.js';
import { startFleetWorker } from '../../src/fleet/worker.js';
import { runCliProcess, tempDir, waitFor } from '../helpers/cli-run.js';
import { fleetSim, SCALE } from '../helpers/fleet.js';
import { RedisTestServer } from '../helpers/redis-server.js';

let redis: RedisTestServer;
beforeAll(async () => {
  redis = await RedisTestServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

describe('fleet: failures', () => {
  it('a unit failing every attempt is reported with its reason, then queued again by a resubmit', async () => {
    const healthy = await fleetSim(400);
    const broken = await fleetSim(400, { errorRate: 1 });
    const dir = await tempDir();
    const queue = 'failing';
    const job = {
      redis: redis.url,
      queue,
      dir,
      exchange: 'binance',
      kind: 'trades' as const,
      symbols: ['ZECUSDT'],
      start: '2025-12-31',
      end: '2026-01-01',
      baseUrl: healthy.url,
      attempts: 3,
      backoffMs: 20,
    };
    const events: string[] = [];
    try {
      expect(await submitFleetJob(job)).toMatchObject({ units: 1, added: 1 });
      const bad = await startFleetWorker({
        redis: redis.url,
        queue,
        dir,
        baseUrl: broken.url,
        rateScale: SCALE,
        http: { maxRetries: 0, backoffBase: 0.01 },
        onEvent: (e) => events.push(e.type === 'failed' ? `failed ${e.attempt} ${e.final}` : e.type),
      });
      await waitFor(async () => (await fleetStatus({ redis: redis.url, queue })).failed === 1, 30_000);
      await bad.close();
      expect(events.filter((e) => e.startsWith('failed'))).toEqual([
        'failed 1 false',
        'failed 2 false',
        'failed 3 true',
      ]);
      const status = await fleetStatus({ redis: redis.url, queue });
      expect(status).toMatchObject({ done: 0, failed: 1, waiting: 0, running: 0 });
      expect(status.failures[0]).toMatchObject({
        id: 'binance~trades~ZECUSDT~2025-12-31',
        label: 'binance trades ZECUSDT 2025-12-31',
        attempts: 3,
      });
      expect(status.failures[0]?.reason).toMatch(/HTTP 5\d\d/);

      const printed = await runCliProcess(['fleet', 'status', '--redis', redis.url, '--queue', queue]);
      expect(printed.code).toBe(1);
      expect(printed.stdout).toMatch(/failed +1/);
      expect(printed.stdout).toMatch(/binance trades ZECUSDT 2025-12-31 after 3 attempt\(s\): HTTP 5\d\d/);

      expect(await submitFleetJob(job)).toMatchObject({ units: 1, added: 0, requeued: 1 });
      const good = await startFleetWorker({
        redis: redis.url,
        queue,
        dir,
        baseUrl: healthy.url,
        rateScale: SCALE,
      });
      await waitFor(async () => (await fleetStatus({ redis: redis.url, queue })).done === 1, 30_000);
      await good.close();
      expect(await fleetStatus({ redis: redis.url, queue })).toMatchObject({ done: 1, failed: 0 });
      expect(await submitFleetJob(job)).toMatchObject({ units: 1, held: 1, added: 0 });
    } finally {
      await healthy.close();
      await broken.close();
    }
  }, 90_000);

  it('usage errors exit 2; an unreachable Redis is an error naming it (exit 3), not a hang', async () => {
    const worker = ['fleet', 'worker', '--redis', 'redis://127.0.0.1:1', '--archive', 'x'];
    const [noRedis, badScope, badAddress, down] = await Promise.all([
      runCliProcess(['fleet', 'worker', '--archive', 'x']),
      runCliProcess([...worker, '--limit-scope', 'a b']),
      runCliProcess([...worker, '--local-address', 'eth0']),
      runCliProcess(['fleet', 'status', '--redis', 'redis://127.0.0.1:1']),
    ]);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/--redis/);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/Invalid --limit-scope/);
    expect(badAddress.code).toBe(2);
    expect(badAddress.stderr).toMatch(/Invalid --local-address: .*"eth0"/);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
  }, 60_000);
});
