/**
 * `fleet.worker`: a BullMQ worker that takes units off the queue and syncs each into the archive with
 * `archive.syncUnit`. BullMQ does the rest: a unit that fails is retried with exponential backoff, one
 * that keeps failing ends in the failed set with its reason, and a worker that dies mid-unit stops
 * renewing its job's lock, so the stalled-job check hands the unit to another worker. The archive makes
 * that safe: the partition lock of a dead owner is broken, its staged files are never committed, and the
 * second run downloads only what the completeness record does not cover.
 *
 * Workers that share an egress IP must share its limit: every worker of one `limitScope` acquires from
 * one `RedisRateLimiter` bucket (keys `tickwire:rl:<scope>:...`), so together they stay within the
 * exchange's per-IP limit, and a 429/418 (or a 403 ban, see `ban.ts`) seen by one pauses them all.
 *
 * @module
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AdapterHttpOptions, ExchangeAdapter } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import { syncUnit } from '../archive/sync.js';
import { IncompleteRangeError, isTickwireError, ValidationError } from '../core/errors.js';
import { assertPositiveInt } from '../core/validate.js';
import { RedisRateLimiter } from '../transport/rate-limit/redis-limiter.js';
import type { Limiter } from '../transport/rate-limit/types.js';
import { banIn } from './ban.js';
import { type FleetQueueOptions, fleetConnection, resolveQueueOptions } from './queue.js';
import { scaledRates } from './rates.js';
import { type FleetUnit, parseUnit, unitLabel } from './units.js';

/** What a finished unit reports (its job's return value). */
export type UnitResult = {
  /** Rows committed by this run. */
  rows: number;
  /** Data requests made. */
  requests: number;
  /** False when part of the day did not exist yet (a later submit queues the unit again). */
  complete: boolean;
  /** Ranges recorded as permanent gaps (the exchange does not serve them). */
  permanentGaps: number;
  /** Run time in ms. */
  ms: number;
  /** The worker that ran it. */
  worker: string;
};

/** Something a worker did, for its log. */
export type FleetWorkerEvent =
  | { type: 'started'; unit: FleetUnit; attempt: number }
  | { type: 'done'; unit: FleetUnit; result: UnitResult }
  | { type: 'failed'; unit: FleetUnit | undefined; attempt: number; final: boolean; reason: string }
  | { type: 'paused'; exchange: string; ms: number; reason: string }
  | { type: 'error'; error: Error };

/** Options of {@link startFleetWorker}. */
export type FleetWorkerOptions = FleetQueueOptions & {
  /** The archive's root folder as this worker sees it (a shared directory for a fleet of machines). */
  dir: string;
  /** Units synced at once. @default 2 */
  concurrency?: number;
  /**
   * Workers with the same scope share one rate limit in Redis: give every worker behind one egress IP
   * the same scope. @default the host name
   */
  limitScope?: string;
  /** Source address of this worker's connections (an egress IP of the machine). @default the OS's choice */
  localAddress?: string;
  /**
   * REST base URL (a `tickwire sim`, a proxy): one for every exchange, or one per exchange id.
   * @default the real exchanges
   */
  baseUrl?: string | Readonly<Record<string, string>>;
  /** Multiplies the exchanges' documented rates (for a simulator with scaled limits). @default 1 */
  rateScale?: number;
  /**
   * The limit per window (Binance: request weight per minute) or per interval, in place of the
   * exchange's documented one: a share of the IP's allowance left for other programs, or a simulator's
   * smaller budget. @default the exchange's documented limit
   */
  rateLimit?: number;
  /** HTTP options (retries, timeout). @default {} */
  http?: Omit<AdapterHttpOptions, 'localAddress'>;
  /** The limiter to use instead of the scope's Redis limiter (tests, embedders). @default a RedisRateLimiter */
  limiter?: Limiter;
  /** Requests in flight within one unit. @default the exchange's */
  downloadConcurrency?: number;
  /**
   * How long a unit's job lock lives without renewal, in ms: after a worker dies, its unit goes to another
   * worker within about twice this. @default 30_000
   */
  stallTimeoutMs?: number;
  /** How long a 403 ban pauses the scope, ms (a 418 carries its own Retry-After). @default 300_000 */
  banPauseMs?: number;
  /** Receives what the worker does. @default undefined */
  onEvent?: (event: FleetWorkerEvent) => void;
};

/** A running worker. */
export type FleetWorker = {
  /** The worker's name (host, pid, scope). */
  readonly name: string;
  /** Units finished by this worker. */
  readonly done: number;
  /**
   * Stops taking units, interrupts the running ones (what they downloaded is committed; each goes back
   * to the queue without using an attempt) and closes the connections. Idempotent.
   */
  close(): Promise<void>;
};

/**
 * Starts a worker on the fleet's queue.
 *
 * @throws ValidationError for bad options
 */
export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const q = resolveQueueOptions(options);
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new ValidationError('options.dir', options.dir, 'the archive folder');
  }
  const concurrency = options.concurrency ?? 2;
  assertPositiveInt('options.concurrency', concurrency);
  const scope = options.limitScope ?? hostname();
  if (typeof scope !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(scope)) {
    throw new ValidationError('options.limitScope', scope, 'a name of letters, digits, _ . -');
  }
  if (
    options.localAddress !== undefined &&
    (typeof options.localAddress !== 'string' || isIP(options.localAddress) === 0)
  ) {
    throw new ValidationError(
      'options.localAddress',
      options.localAddress,
      'an IP address of this machine such as "10.0.0.12"',
    );
  }
  const stallMs = options.stallTimeoutMs ?? 30_000;
  assertPositiveInt('options.stallTimeoutMs', stallMs);
  const banPauseMs = options.banPauseMs ?? 300_000;
  assertPositiveInt('options.banPauseMs', banPauseMs);
  if (options.downloadConcurrency !== undefined) {
    assertPositiveInt('options.downloadConcurrency', options.downloadConcurrency);
  }
  const rateScale = options.rateScale ?? 1;
  if (typeof rateScale !== 'number' || !Number.isFinite(rateScale) || rateScale <= 0) {
    throw new ValidationError('options.rateScale', rateScale, 'a positive, finite number');
  }
  if (options.rateLimit !== undefined) assertPositiveInt('options.rateLimit', options.rateLimit);
  const emit = (e: FleetWorkerEvent): void => options.onEvent?.(e);
  const name = `${hostname()}/${process.pid}/${scope}`;
  const limiter =
    options.limiter ??
    new RedisRateLimiter(scaledRates(rateScale, options.rateLimit), {
      redis: q.redis,
      keyPrefix: `tickwire:rl:${scope}`,
      // Redis is the fleet's backbone: a busy machine's slow round trip is not an outage.
      timeoutMs: 3000,
      onWarning: (m) => emit({ type: 'error', error: new Error(m) }),
    });
  const ownLimiter = options.limiter === undefined;
  const adapters = new Map<string, ExchangeAdapter>();
  const adapterOf = (exchange: string): ExchangeAdapter => {
    let a = adapters.get(exchange);
    if (!a) {
      const baseUrl = typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl?.[exchange];
      a = createAdapter(exchange, {
        limiter,
        rateScale,
        ...(baseUrl === undefined ? {} : { baseUrl }),
        http: {
          ...options.http,
          ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        },
      });
      adapters.set(exchange, a);
    }
    return a;
  };
  const stopping = new AbortController();
  let done = 0;

  const process_ = async (job: Job, token?: string): Promise<UnitResult> => {
    let unit: FleetUnit;
    try {
      unit = parseUnit(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    emit({ type: 'started', unit, attempt: job.attemptsMade + 1 });
    const started = Date.now();
    let report: Awaited<ReturnType<typeof syncUnit>>;
    try {
      report = await syncUnit({
        dir: options.dir,
        exchange: unit.exchange,
        kind: unit.kind,
        ...(unit.spanS === undefined ? {} : { span: unit.spanS }),
        symbol: unit.symbol,
        date: unit.date,
        adapter: adapterOf(unit.exchange),
        ...(options.downloadConcurrency ? { downloadConcurrency: options.downloadConcurrency } : {}),
        signal: stopping.signal,
      });
    } catch (error) {
      if (stopping.signal.aborted) return requeue(job, token);
      if (isTickwireError(error) && FATAL.has(error.code)) throw new UnrecoverableError(error.message);
      throw error;
    }
    if (stopping.signal.aborted) return requeue(job, token);
    const first = report.errors[0];
    if (first) throw first.error;
    const failing = report.missing.filter((m) => !m.pending && !m.permanent);
    if (failing.length > 0) {
      const ban = banIn(failing.map((m) => m.reason));
      if (ban?.status === 403) {
        emit({ type: 'paused', exchange: unit.exchange, ms: banPauseMs, reason: ban.reason });
        try {
          await limiter.pause(unit.exchange, banPauseMs, `HTTP 403 ban seen by ${name}`);
        } catch {
          // The unit is retried with backoff either way.
        }
      }
      throw new IncompleteRangeError(`${unitLabel(unit)}: ${failing[0]?.reason ?? 'incomplete'}`, {
        requested: report.requested,
        covered: [],
        missing: failing.map((m) => m.range),
      });
    }
    const result: UnitResult = {
      rows: report.rows,
      requests: report.requests,
      complete: report.missing.every((m) => !m.pending),
      permanentGaps: report.missing.filter((m) => m.permanent).length,
      ms: Date.now() - started,
      worker: name,
    };
    done++;
    emit({ type: 'done', unit, result });
    return result;
  };

  const connection: Redis = fleetConnection(q.redis, 'worker');
  const worker = new Worker(q.queue, process_, {
    connection,
    concurrency,
    autorun: false,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    // A stall is a dead worker, not the unit's fault: allow a few before BullMQ gives the unit up.
    maxStalledCount: 3,
    name,
  });
  worker.on('failed', (job, error) => {
    const attempts = job?.opts.attempts ?? 1;
    let unit: FleetUnit | undefined;
    try {
      unit = job ? parseUnit(job.data) : undefined;
    } catch {
      unit = undefined;
    }
    if (error instanceof DelayedError) return;
    emit({
      type: 'failed',
      unit,
      attempt: job?.attemptsMade ?? 0,
      final: error instanceof UnrecoverableError || (job?.attemptsMade ?? 0) >= attempts,
      reason: error.message,
    });
  });
  worker.on('error', (error) => emit({ type: 'error', error }));
  void worker.run();
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    name,
    get done() {
      return done;
    },
    close() {
      closing ??= (async () => {
        stopping.abort();
        await worker.close();
        for (const a of adapters.values()) await a.close();
        if (ownLimiter) await limiter.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}

/** Errors no retry can fix: the job itself is wrong for the exchange. */
const FATAL = new Set([
  'ERR_VALIDATION',
  'ERR_UNKNOWN_SYMBOL',
  'ERR_UNSUPPORTED_KIND',
  'ERR_UNSUPPORTED_SPAN',
]);

/** Sends an interrupted unit back to the queue without using up one of its attempts. */
async function requeue(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + 1000, token);
  throw new DelayedError();
}
