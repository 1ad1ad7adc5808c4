import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitFleetJob } from '../../src/fleet/submit.js';
import { dataRequests } from '../helpers/archive.js';
import { runCliProcess, tempDir, waitFor } from '../helpers/cli-run.js';
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

function submitArgs(url: string, dir: string, sim: string, queue: string): string[] {
  return [
    'fleet',
    'submit',
    '--redis',
    url,
    '--queue',
    queue,
    'binance',
    'trades',
    ...SYMBOLS,
    '--from',
    DAYS[0],
    '--to',
    '2026-01-01',
    '--archive',
    dir,
    '--base-url',
    sim,
    '--json',
    '--quiet',
  ];
}

type Submitted = {
  units: number;
  held: number;
  added: number;
  alreadyQueued: number;
  finished: number;
  requeued: number;
};

async function submit(args: string[]): Promise<Submitted> {
  const r = await runCliProcess(args, { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Submitted;
}

describe('tickwire fleet (real redis-server, worker processes, simulator)', () => {
  it('submitting the same job again while it runs, or after it finished, adds no work', async () => {
    const weight = 400; // not binding here
    const sim = await fleetSim(weight);
    const dir = await tempDir();
    const queue = 'twice';
    try {
      const first = await submit(submitArgs(redis.url, dir, sim.url, queue));
      expect(first).toMatchObject({ units: 6, added: 6 });
      const workers = startWorkers(
        1,
        workerArgs(redis.url, dir, sim, weight, ['--queue', queue, '--concurrency', '1']),
      );
      await waitFor(() => /start binance trades/.test(workers[0]?.stderr ?? ''), 60_000);
      // The same job through the library, in this process (a child would take longer to start than the
      // job to finish; the command was checked above).
      const again = (archive: string) =>
        submitFleetJob({
          redis: redis.url,
          queue,
          dir: archive,
          exchange: 'binance',
          kind: 'trades',
          symbols: [...SYMBOLS],
          start: DAYS[0],
          end: '2026-01-01',
          baseUrl: sim.url,
        });
      const running = await again(dir);
      expect(running.added).toBe(0);
      expect(running.requeued).toBe(0);
      expect(running.held + running.finished + running.alreadyQueued).toBe(6);
      expect(running.alreadyQueued).toBeGreaterThan(0);

      const status = await waitDrained(redis.url, queue);
      expect(status).toMatchObject({ done: 6, failed: 0 });
      const requests = dataRequests(sim);
      const after = await again(dir);
      expect(after).toMatchObject({ units: 6, held: 6, added: 0, alreadyQueued: 0, requeued: 0 });
      // A submitter that does not see the archive finds the finished jobs instead.
      const elsewhere = await again(await tempDir());
      expect(elsewhere).toMatchObject({ units: 6, held: 0, finished: 6, added: 0, requeued: 0 });
      await new Promise((r) => setTimeout(r, 1500));
      await stopWorkers(workers);
      expect(dataRequests(sim)).toBe(requests);
      const results = await unitResults(redis.url, queue);
      expect(results.size).toBe(6);
      expect(await archiveProblems(dir, sim)).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 150_000);
});
