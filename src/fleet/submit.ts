/**
 * `fleet.submit`: splits a backfill into units (symbol × UTC day), leaves out the units the archive
 * already holds complete, and adds the rest to the queue under deterministic job ids. Submitting the same
 * job again adds no work: units still queued or running are found by id, finished ones by the archive
 * (or, for a submitter that does not see the archive, by the finished job). A unit that failed all its
 * attempts, or finished a day that was not over yet, is queued again.
 *
 * @module
 */
import type { Job } from 'bullmq';
import { daysOf } from '../archive/layout.js';
import type { SyncConnectionOptions } from '../archive/sync.js';
import { UnsupportedSpanError, ValidationError } from '../core/errors.js';
import { type KindId, kindDef, kindSpan } from '../core/kinds.js';
import { type TimeInput, toNs } from '../core/time.js';
import { assertPositiveInt } from '../core/validate.js';
import { adapterFor } from '../download/download.js';
import { sourceOf } from '../download/kinds.js';
import { heldDates } from './plan.js';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  type FleetQueueOptions,
  fleetConnection,
  openQueue,
  resolveQueueOptions,
  unitJobOptions,
} from './queue.js';
import { type FleetUnit, unitJobId } from './units.js';
import type { UnitResult } from './worker.js';

/** Options of {@link submitFleetJob}. */
export type SubmitOptions = FleetQueueOptions &
  SyncConnectionOptions & {
    /** The archive as the submitter sees it (to leave out what it holds). */
    dir: string;
    /** Exchange id. */
    exchange: string;
    /** Kind id. */
    kind: KindId;
    /** Span for spanned kinds. */
    span?: string | number;
    /** Symbols in any spelling (resolved to market ids through the exchange, one market-list request). */
    symbols: readonly string[];
    /** Start: the UTC day holding it is the first unit. */
    start: TimeInput;
    /** End (exclusive): the UTC day holding the last instant before it is the last unit. @default 'now' */
    end?: TimeInput;
    /** Attempts of each unit before it is reported failed. @default 5 */
    attempts?: number;
    /** First retry delay of a failed unit in ms, doubling each attempt. @default 5000 */
    backoffMs?: number;
  };

/** What a submit did. */
export type SubmitReport = {
  /** The queue. */
  queue: string;
  /** Units the job splits into. */
  units: number;
  /** Units the archive already holds complete (not queued). */
  held: number;
  /** Units that finished earlier (their job is kept) and needed nothing more. */
  finished: number;
  /** Units added to the queue by this submit. */
  added: number;
  /** Units already waiting or running (left as they are). */
  alreadyQueued: number;
  /** Units that had failed all attempts, or finished a day not over yet, and were queued again. */
  requeued: number;
  /** Each symbol as given and its market id. */
  symbols: { input: string; symbol: string }[];
  /** First and last day. */
  firstDay: string;
  /** Last day. */
  lastDay: string;
};

function isNow(t: TimeInput | undefined): boolean {
  return t === undefined || (typeof t === 'string' && t.trim().toLowerCase() === 'now');
}

/**
 * Submits a backfill to the fleet.
 *
 * @throws ValidationError for bad options; `UnknownSymbolError`, `UnsupportedKindError`,
 *   `UnsupportedSpanError` when the exchange cannot serve the job
 */
export async function submitFleetJob(options: SubmitOptions): Promise<SubmitReport> {
  const q = resolveQueueOptions(options);
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new ValidationError('options.dir', options.dir, 'the archive folder');
  }
  const def = kindDef(options.kind, 'options.kind');
  const spanS = kindSpan(def.id, options.span, 'options.span');
  if (!Array.isArray(options.symbols) || options.symbols.length === 0) {
    throw new ValidationError('options.symbols', options.symbols, 'a non-empty list of symbols');
  }
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  assertPositiveInt('options.attempts', attempts);
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  assertPositiveInt('options.backoffMs', backoffMs);

  const { adapter, owned } = adapterFor({
    exchange: options.exchange,
    symbol: options.symbols[0] as string,
    start: 0n,
    end: 1n,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.limiter ? { limiter: options.limiter } : {}),
    ...(options.rateScale === undefined ? {} : { rateScale: options.rateScale }),
    ...(options.rates ? { rates: options.rates } : {}),
    ...(options.http ? { http: options.http } : {}),
  });
  let units: FleetUnit[];
  const symbols: { input: string; symbol: string }[] = [];
  let first: string;
  let last: string;
  try {
    const spans = sourceOf(adapter, def.id).capability.spans;
    if (spanS !== undefined && spans !== undefined && !spans.includes(spanS)) {
      throw new UnsupportedSpanError(adapter.id, spanS, spans);
    }
    for (const input of options.symbols) {
      symbols.push({ input, symbol: (await adapter.resolveSymbol(input)).id });
    }
    const startNs = toNs(options.start, 'options.start');
    let endNs = isNow(options.end) ? undefined : toNs(options.end as TimeInput, 'options.end');
    if (endNs === undefined || endNs > startNs) {
      const nowNs = await adapter.serverTimeNs();
      if (endNs === undefined || endNs > nowNs) endNs = nowNs;
    }
    if (startNs >= endNs) {
      throw new ValidationError(
        'options.start',
        options.start,
        `a time before options.end (${String(options.end ?? 'now')})`,
      );
    }
    const days = daysOf({ startNs, endNs }).map((d) => d.date);
    first = days[0] as string;
    last = days.at(-1) as string;
    units = symbols.flatMap((s) =>
      days.map((date) => ({
        exchange: adapter.id,
        kind: def.id,
        ...(spanS === undefined ? {} : { spanS }),
        symbol: s.symbol,
        date,
      })),
    );
  } finally {
    if (owned) await adapter.close();
  }

  const report: SubmitReport = {
    queue: q.queue,
    units: units.length,
    held: 0,
    finished: 0,
    added: 0,
    alreadyQueued: 0,
    requeued: 0,
    symbols,
    firstDay: first,
    lastDay: last,
  };
  const todo: FleetUnit[] = [];
  for (const s of symbols) {
    const series = units.filter((u) => u.symbol === s.symbol);
    if (series.length === 0) continue;
    const { date: _d, ...key } = series[0] as FleetUnit;
    const held = await heldDates(options.dir, key);
    for (const u of series) {
      if (held.has(u.date)) report.held++;
      else todo.push(u);
    }
  }

  const connection = fleetConnection(q.redis);
  const queue = openQueue(q.queue, connection);
  try {
    // In batches: one round trip per batch for the lookups, one for the adds.
    for (let i = 0; i < todo.length; i += 200) {
      const batch = todo.slice(i, i + 200);
      const jobs = await Promise.all(batch.map((u) => queue.getJob(unitJobId(u))));
      const fresh: FleetUnit[] = [];
      let requeuedHere = 0;
      for (const [k, u] of batch.entries()) {
        const job = jobs[k];
        if (!job) {
          fresh.push(u);
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') {
          if ((job.returnvalue as UnitResult | null)?.complete !== false) {
            report.finished++;
            continue;
          }
          // A day that was not over when it ran: the rest of it exists now.
          await job.remove();
          fresh.push(u);
          report.requeued++;
          requeuedHere++;
        } else if (state === 'failed') {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          report.requeued++;
        } else if (state === 'unknown') {
          fresh.push(u); // removed meanwhile
        } else {
          report.alreadyQueued++;
        }
      }
      if (fresh.length > 0) {
        const added: Job[] = await queue.addBulk(
          fresh.map((u) => ({
            name: 'unit',
            data: u,
            opts: unitJobOptions(unitJobId(u), attempts, backoffMs),
          })),
        );
        report.added += added.length - requeuedHere;
      }
    }
  } finally {
    await queue.close();
    await connection.quit().catch(() => connection.disconnect());
  }
  return report;
}
