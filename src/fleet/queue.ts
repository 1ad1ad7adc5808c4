/**
 * The fleet's BullMQ queue: its name, the Redis connection, and the job options every unit is added with
 * (attempts with exponential backoff; finished and failed jobs kept, so a resubmit sees them and a unit
 * that keeps failing is reported, not lost).
 *
 * @module
 */
import { type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ValidationError } from '../core/errors.js';

/** The default queue name. @default 'tickwire-fleet' */
export const DEFAULT_QUEUE = 'tickwire-fleet';

/** Attempts of a unit before it is reported failed. @default 5 */
export const DEFAULT_ATTEMPTS = 5;

/** First retry delay of a failed unit, ms (doubling each attempt). @default 5000 */
export const DEFAULT_BACKOFF_MS = 5000;

/** Options shared by everything that talks to the fleet's queue. */
export type FleetQueueOptions = {
  /** The Redis server, `redis://host:port[/db]` (the same one the workers' rate limits use). */
  redis: string;
  /** The queue's name: several fleets may share one Redis under different names. @default 'tickwire-fleet' */
  queue?: string;
};

/** Validates the Redis URL and the queue name. */
export function resolveQueueOptions(options: FleetQueueOptions): { redis: string; queue: string } {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('options', options, 'an object with at least `redis`');
  }
  if (typeof options.redis !== 'string' || !/^rediss?:\/\/./.test(options.redis)) {
    throw new ValidationError('options.redis', options.redis, 'a redis:// or rediss:// URL');
  }
  const queue = options.queue ?? DEFAULT_QUEUE;
  if (typeof queue !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(queue)) {
    throw new ValidationError('options.queue', queue, 'a name of letters, digits, _ . - (at most 64)');
  }
  return { redis: options.redis, queue };
}

/**
 * A connection for BullMQ. A worker blocks on Redis and must outlive an outage, so its commands wait for a
 * reconnect rather than fail (`maxRetriesPerRequest: null`, as BullMQ requires for workers). `submit` and
 * `status` are one-shot: they give up after a few attempts, so an unreachable Redis is an error, not a hang.
 */
export function fleetConnection(url: string, role: 'worker' | 'client' = 'client'): Redis {
  if (role === 'worker') return new Redis(url, { maxRetriesPerRequest: null });
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (times) => (times > 5 ? null : Math.min(1000, times * 200)),
  });
}

/** The job options of a unit. */
export function unitJobOptions(jobId: string, attempts: number, backoffMs: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    // Kept: a resubmit finds finished units by id (no new work), `fleet status` counts them, and a unit
    // that failed all its attempts stays listed with its reason until it is resubmitted.
    removeOnComplete: false,
    removeOnFail: false,
  };
}

/** Opens the queue on `connection` (which the caller closes after `queue.close()`). */
export function openQueue(name: string, connection: Redis): Queue {
  return new Queue(name, { connection });
}
