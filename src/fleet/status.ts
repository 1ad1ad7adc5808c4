/**
 * `fleet.status`: what the queue holds (units done, running, waiting, retrying, failed with the reason),
 * the recent rate and an estimate of the time left. Read from BullMQ's own sets; nothing is counted by
 * hand.
 *
 * @module
 */
import type { Job } from 'bullmq';
import { type FleetQueueOptions, fleetConnection, openQueue, resolveQueueOptions } from './queue.js';
import { type FleetUnit, parseUnit, unitLabel } from './units.js';
import type { UnitResult } from './worker.js';

/** A unit that failed all its attempts. */
export type FailedUnit = {
  /** The job id. */
  id: string;
  /** The unit, when its data is readable. */
  unit: FleetUnit | undefined;
  /** `binance trades BTCUSDT 2025-12-30`. */
  label: string;
  /** The last attempt's error message. */
  reason: string;
  /** Attempts made. */
  attempts: number;
  /** When it failed for the last time (epoch ms). */
  failedAt: number | undefined;
};

/** The fleet's state. */
export type FleetStatus = {
  /** The queue. */
  queue: string;
  /** Units finished. */
  done: number;
  /** Units being synced now. */
  running: number;
  /** Units waiting for a worker. */
  waiting: number;
  /** Units waiting for their retry (after a failed attempt, with backoff) or put back by a stopping worker. */
  retrying: number;
  /** Units that failed all their attempts (reported here until resubmitted). */
  failed: number;
  /** The failed units, newest first (at most `failedLimit`). */
  failures: FailedUnit[];
  /** Units finished per minute, over the most recent finished units (0 when too few). */
  unitsPerMinute: number;
  /** Rows committed per second over the same units. */
  rowsPerSecond: number;
  /** Estimated ms until the queue is empty, at that rate; `undefined` without a rate or with nothing left. */
  etaMs: number | undefined;
  /** Workers connected to the queue. */
  workers: number;
};

/** Options of {@link fleetStatus}. */
export type StatusOptions = FleetQueueOptions & {
  /** Failed units listed at most. @default 20 */
  failedLimit?: number;
  /** Finished units the rate is measured over. @default 200 */
  rateWindow?: number;
};

/** The rate over finished jobs (pure): units per minute and rows per second between the first and last finish. */
export function rateOf(finished: readonly { finishedOn: number; rows: number; processedOn: number }[]): {
  unitsPerMinute: number;
  rowsPerSecond: number;
} {
  if (finished.length < 2) return { unitsPerMinute: 0, rowsPerSecond: 0 };
  const ends = finished.map((f) => f.finishedOn);
  // From the first unit's start: with n units finishing, n of them ran in that time.
  const from = Math.min(...finished.map((f) => f.processedOn));
  const to = Math.max(...ends);
  const spanMs = Math.max(1, to - from);
  const rows = finished.reduce((s, f) => s + f.rows, 0);
  return { unitsPerMinute: (finished.length * 60_000) / spanMs, rowsPerSecond: (rows * 1000) / spanMs };
}

function failedOf(job: Job): FailedUnit {
  let unit: FleetUnit | undefined;
  try {
    unit = parseUnit(job.data);
  } catch {
    unit = undefined;
  }
  return {
    id: job.id ?? '?',
    unit,
    label: unit ? unitLabel(unit) : (job.id ?? '?'),
    reason: job.failedReason ?? 'unknown',
    attempts: job.attemptsMade,
    failedAt: job.finishedOn,
  };
}

/** Reads the fleet's state from Redis. */
export async function fleetStatus(options: StatusOptions): Promise<FleetStatus> {
  const q = resolveQueueOptions(options);
  const connection = fleetConnection(q.redis);
  const queue = openQueue(q.queue, connection);
  try {
    const c = await queue.getJobCounts(
      'completed',
      'active',
      'waiting',
      'prioritized',
      'delayed',
      'failed',
      'paused',
    );
    const failedJobs = await queue.getFailed(0, (options.failedLimit ?? 20) - 1);
    const recent = await queue.getCompleted(0, (options.rateWindow ?? 200) - 1);
    const finished = recent
      .filter((j) => j.finishedOn !== undefined && j.processedOn !== undefined)
      .map((j) => ({
        finishedOn: j.finishedOn as number,
        processedOn: j.processedOn as number,
        rows: (j.returnvalue as UnitResult | null)?.rows ?? 0,
      }));
    const rate = rateOf(finished);
    const left =
      (c.active ?? 0) + (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) + (c.paused ?? 0);
    const workers = (await queue.getWorkers()).length;
    return {
      queue: q.queue,
      done: c.completed ?? 0,
      running: c.active ?? 0,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0),
      retrying: c.delayed ?? 0,
      failed: c.failed ?? 0,
      failures: failedJobs.filter(Boolean).map(failedOf),
      unitsPerMinute: rate.unitsPerMinute,
      rowsPerSecond: rate.rowsPerSecond,
      etaMs: left > 0 && rate.unitsPerMinute > 0 ? (left / rate.unitsPerMinute) * 60_000 : undefined,
      workers,
    };
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
}
