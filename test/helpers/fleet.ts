/**
 * Helpers for fleet tests: a Binance simulator with thin markets and a small per-IP weight budget (so a
 * job spans several limit windows in seconds), worker processes, and the archive against the truth.
 */
import { isDeepStrictEqual } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { verifyArchive } from '../../src/archive/verify.js';
import { type FleetStatus, fleetStatus } from '../../src/fleet/status.js';
import type { UnitResult } from '../../src/fleet/worker.js';
import type { FaultOptions, RunningSimulator } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { ns, readAll } from './archive.js';
import { type CliChild, SIM_NOW, startCli, waitFor } from './cli-run.js';

/** The simulator's scale: 4 s windows (wide enough for a loaded machine's scheduling jitter). */
export const SCALE = 15;

/** The symbols of the fleet tests. */
export const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'ZECUSDT'] as const;

/** The days of the fleet tests. */
export const DAYS = ['2025-12-30', '2025-12-31'] as const;

/** A Binance simulator whose markets trade thinly (about 9k trades a day) with `weight` per 1 s window per IP. */
export function fleetSim(
  weight: number,
  faults?: FaultOptions,
  tradesPerSecond = 0.1,
): Promise<RunningSimulator> {
  return startSimulator({
    exchange: 'binance',
    seed: 7,
    now: SIM_NOW,
    rateLimits: { scale: SCALE, weightPerWindow: weight },
    ...(faults ? { faults } : {}),
    markets: {
      symbols: {
        BTCUSDT: { tradesPerSecond },
        ETHUSDT: { tradesPerSecond },
        ZECUSDT: { tradesPerSecond: tradesPerSecond / 4 },
      },
    },
  });
}

/** Arguments of a worker process against `sim` with a `weight` budget. */
export function workerArgs(
  redis: string,
  dir: string,
  sim: RunningSimulator,
  weight: number,
  extra: readonly string[] = [],
): string[] {
  return [
    'fleet',
    'worker',
    '--redis',
    redis,
    '--archive',
    dir,
    '--base-url',
    sim.url,
    '--rate-scale',
    String(SCALE),
    '--rate-limit',
    String(weight),
    '--retries',
    '10',
    '--backoff',
    '0.02',
    '--stall-timeout',
    '5',
    ...extra,
  ];
}

/** Starts worker processes. */
export function startWorkers(n: number, args: readonly string[]): CliChild[] {
  return Array.from({ length: n }, () => startCli(args, { timeoutMs: 120_000 }));
}

/** Waits until the queue has no unit left (polling `fleet.status`). */
export async function waitDrained(redis: string, queue?: string, timeoutMs = 90_000): Promise<FleetStatus> {
  let last: FleetStatus | undefined;
  await waitFor(async () => {
    last = await fleetStatus({ redis, ...(queue ? { queue } : {}) });
    return last.done + last.failed > 0 && last.running + last.waiting + last.retrying === 0;
  }, timeoutMs);
  return last as FleetStatus;
}

/** Stops worker processes (SIGTERM) and waits for them. */
export async function stopWorkers(workers: readonly CliChild[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.done));
}

/** The finished units' return values by job id. */
export async function unitResults(redis: string, queue = 'tickwire-fleet'): Promise<Map<string, UnitResult>> {
  const connection = new Redis(redis, { maxRetriesPerRequest: null });
  const q = new Queue(queue, { connection });
  try {
    const done = await q.getCompleted(0, -1);
    return new Map(done.map((j) => [j.id as string, j.returnvalue as UnitResult]));
  } finally {
    await q.close();
    await connection.quit();
  }
}

/** Problems of the archive against `verify` and the simulator's truth (empty when it is exact). */
export async function archiveProblems(dir: string, sim: RunningSimulator): Promise<string[]> {
  const problems = (await verifyArchive({ dir })).problems.map((p) => JSON.stringify(p));
  for (const symbol of SYMBOLS) {
    const start = ns(`${DAYS[0]}T00:00:00Z`);
    const end = ns('2026-01-01T00:00:00Z');
    const got = await readAll(dir, 'binance', 'trades', symbol, start, end);
    const want = sim.truth.trades(symbol, start, end);
    if (got.length !== want.length) problems.push(`${symbol}: ${got.length} rows, truth ${want.length}`);
    else {
      const i = got.findIndex((t, k) => !isDeepStrictEqual(t, want[k]));
      if (i >= 0) problems.push(`${symbol}: row ${i} differs from the truth`);
    }
  }
  return problems;
}
