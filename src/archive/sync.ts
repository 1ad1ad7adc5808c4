/**
 * `archive.sync`: fills the archive for some symbols of one kind over a time range, downloading only what
 * the completeness records say is missing, several days and symbols at once through one adapter (so one
 * HTTP pool and one rate limiter bound the whole job). `archive.syncUnit` is one partition of it, for a
 * fleet worker.
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import type { NsRange } from '../core/errors.js';
import { UnsupportedSpanError, ValidationError } from '../core/errors.js';
import { archiveKindName, type KindId, kindDef, kindSpan } from '../core/kinds.js';
import { alignDown, formatIsoNs, type TimeInput, toNs } from '../core/time.js';
import { assertPositiveInt, assertSignal } from '../core/validate.js';
import { adapterFor } from '../download/download.js';
import { sourceOf } from '../download/kinds.js';
import type { DownloadOptions } from '../download/options.js';
import type { ParquetCodec } from '../sinks/parquet-codec.js';
import { cleanTemp } from './commit.js';
import { checkSeries, dayOf, dayRange, daysOf, type PartitionKey } from './layout.js';
import type { LockOptions } from './lock.js';
import { runUnit, type UnitContext, type UnitMissing, type UnitReport } from './unit.js';

/** Progress of a sync, after each unit and as rows arrive. */
export type SyncProgress = {
  /** Units (symbol × day) finished. */
  unitsDone: number;
  /** Units in all. */
  unitsTotal: number;
  /** Units that had nothing missing (no request). */
  unitsSkipped: number;
  /** Rows written so far. */
  rows: number;
  /** Page requests so far. */
  requests: number;
};

/** Connection options of a sync: as for the download API. */
export type SyncConnectionOptions = Pick<
  DownloadOptions,
  'baseUrl' | 'limiter' | 'rateScale' | 'rates' | 'http' | 'adapter' | 'maxPages'
>;

/** Options of {@link syncArchive}. */
export type SyncOptions = SyncConnectionOptions & {
  /** The archive's root folder (created if missing). */
  dir: string;
  /** Exchange id. */
  exchange: string;
  /** Any history kind the exchange serves (`ohlc`, `trades`, `funding`, ...). */
  kind: KindId;
  /** Span for spanned kinds (`'1m'`, `'1h'`, seconds). */
  span?: string | number;
  /** Symbols in any spelling; each is stored under the exchange's own market id. */
  symbols: readonly string[];
  /** Start (inclusive): ns, Date or ISO string. Spanned kinds: the bar holding it is the first. */
  start: TimeInput;
  /** End (exclusive): ns, Date, ISO string, or `'now'` (the exchange's clock). @default 'now' */
  end?: TimeInput;
  /**
   * Units (symbol × day) synced at once. The default keeps the exchange's pages in flight
   * (`Capability.inFlight`) busy with spanned kinds, whose units are a page or two each: `inFlight ÷ pages
   * per unit`, between 4 and 16 (Binance 1m candles: 16 ÷ 2 = 8; 1h: 16). Unspanned kinds (trades, a
   * day being thousands of pages) sync 4 at once, each walking its own pages in parallel.
   * @default see above; the value used is in the report's `concurrency`
   */
  concurrency?: number;
  /** Windows or cursor walks at once inside one unit's download. @default the download API's */
  downloadConcurrency?: number;
  /** Parquet compression. @default 'zstd' */
  codec?: ParquetCodec;
  /** Rows per row group. @default 32_768 */
  rowGroupRows?: number;
  /** How partition locks are taken. @default {} */
  lock?: LockOptions;
  /** Aborts: downloads stop, what was delivered is committed. @default undefined */
  signal?: AbortSignal;
  /** Progress callback. @default undefined */
  onProgress?: (progress: SyncProgress) => void;
};

/** A range still missing after a sync, per symbol. */
export type SyncMissing = UnitMissing & {
  /** The market id. */
  symbol: string;
};

/** What a sync did. */
export type SyncReport = {
  /** Exchange id. */
  exchange: string;
  /** Kind id. */
  kind: KindId;
  /** Span in seconds (spanned kinds). */
  spanS?: number;
  /** The archive `kind=` name (`ohlc-1m`). */
  archiveKind: string;
  /** The range synced (start aligned to the span; `end` resolved against the exchange's clock). */
  requested: NsRange;
  /** Units synced at once (`options.concurrency`, or its default for this exchange and kind). */
  concurrency: number;
  /** Each symbol as given and the market id it is stored under. */
  symbols: { input: string; symbol: string }[];
  /** One entry per unit. */
  units: UnitReport[];
  /** Units that needed no download. */
  skipped: number;
  /** Rows written by this run. */
  rows: number;
  /** Page requests made for data (market list and server time not counted). */
  requests: number;
  /** Ranges still missing (gaps with reasons, and `pending` parts that do not exist yet). */
  missing: SyncMissing[];
  /** True when nothing is missing except `pending` parts (with `end: 'now'`, not yet existing data). */
  complete: boolean;
  /** Units whose lock could not be taken or that failed, with the error. */
  errors: { key: PartitionKey; error: Error }[];
};

type Resolved = { kind: KindId; spanS: number | undefined; concurrency: number | undefined };

function resolve(options: SyncOptions): Resolved {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', options, 'an object');
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new ValidationError('options.dir', options.dir, 'the archive folder');
  }
  const def = kindDef(options.kind, 'options.kind');
  const spanS = kindSpan(def.id, options.span, 'options.span');
  if (!Array.isArray(options.symbols) || options.symbols.length === 0) {
    throw new ValidationError('options.symbols', options.symbols, 'a non-empty list of symbols');
  }
  for (const s of options.symbols) {
    if (typeof s !== 'string' || s.trim() === '')
      throw new ValidationError('options.symbols', s, 'symbols as strings');
  }
  const concurrency = options.concurrency;
  if (concurrency !== undefined) assertPositiveInt('options.concurrency', concurrency);
  if (options.downloadConcurrency !== undefined) {
    assertPositiveInt('options.downloadConcurrency', options.downloadConcurrency);
  }
  assertSignal('options.signal', options.signal);
  return { kind: def.id, spanS, concurrency };
}

/** Units at once for unspanned kinds, and the least for spanned ones. */
const MIN_UNITS_AT_ONCE = 4;
/** The most units at once by default (each holds an open file and a lock). */
const MAX_UNITS_AT_ONCE = 16;
const DAY_S = 86_400;

/** See {@link SyncOptions.concurrency}. */
function defaultUnitsAtOnce(adapter: ExchangeAdapter, kind: KindId, spanS: number | undefined): number {
  const cap = adapter.sources[kind]?.capability;
  if (spanS === undefined || cap === undefined) return MIN_UNITS_AT_ONCE;
  const pagesPerUnit = Math.max(1, Math.ceil(Math.ceil(DAY_S / spanS) / cap.maxPerRequest));
  const inFlight = cap.inFlight ?? MIN_UNITS_AT_ONCE;
  return Math.min(MAX_UNITS_AT_ONCE, Math.max(MIN_UNITS_AT_ONCE, Math.floor(inFlight / pagesPerUnit)));
}

function isNow(t: TimeInput | undefined): boolean {
  return t === undefined || (typeof t === 'string' && t.trim().toLowerCase() === 'now');
}

/** Runs `work` over `items` with at most `limit` at once, in order of start. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Syncs the archive at `options.dir`: for each symbol and UTC day of the range, downloads only the ranges
 * its completeness record does not cover, and commits them (data first, then the record). A rerun of a
 * finished sync sends no data request (only the market list and the server time). Days not over yet are
 * stored with the coverage they have and completed by a later sync.
 *
 * @throws ValidationError for bad options; `UnknownSymbolError`, `UnsupportedKindError`,
 *   `UnsupportedSpanError`, `UnsupportedRangeError` when the job cannot be served at all
 */
export async function syncArchive(options: SyncOptions): Promise<SyncReport> {
  const r = resolve(options);
  const { adapter, owned } = adapterFor({
    exchange: options.exchange,
    symbol: options.symbols[0]!,
    start: 0n,
    end: 1n,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.limiter ? { limiter: options.limiter } : {}),
    ...(options.rateScale === undefined ? {} : { rateScale: options.rateScale }),
    ...(options.rates ? { rates: options.rates } : {}),
    ...(options.http ? { http: options.http } : {}),
  });
  try {
    const source = sourceOf(adapter, r.kind);
    const spans = source.capability.spans;
    if (r.spanS !== undefined && spans !== undefined && !spans.includes(r.spanS)) {
      throw new UnsupportedSpanError(adapter.id, r.spanS, spans);
    }
    const signal = options.signal;
    const markets = [];
    for (const input of options.symbols) {
      const m = await adapter.resolveSymbol(input, signal ? { signal } : {});
      markets.push({ input, symbol: m.id });
    }
    const nowNs = await adapter.serverTimeNs(signal ? { signal } : {});
    let startNs = toNs(options.start, 'options.start');
    const endNs = isNow(options.end) ? nowNs : toNs(options.end as TimeInput, 'options.end');
    if (r.spanS !== undefined) startNs = alignDown(startNs, r.spanS);
    if (startNs >= nowNs) {
      throw new ValidationError(
        'options.start',
        options.start,
        `a time before ${adapter.id}'s current time ${formatIsoNs(nowNs)}`,
      );
    }
    if (startNs >= endNs) {
      throw new ValidationError(
        'options.start',
        options.start,
        `a time before options.end (${String(options.end ?? 'now')})`,
      );
    }
    const units: { key: PartitionKey; range: NsRange; market: string }[] = [];
    for (const m of markets) {
      for (const d of daysOf({ startNs, endNs })) {
        const key: PartitionKey = {
          exchange: adapter.id,
          kind: r.kind,
          ...(r.spanS === undefined ? {} : { spanS: r.spanS }),
          symbol: m.symbol,
          date: d.date,
        };
        checkSeries(key);
        units.push({ key, range: d.range, market: m.symbol });
      }
    }
    await cleanTemp(options.dir);
    const progress: SyncProgress = {
      unitsDone: 0,
      unitsTotal: units.length,
      unitsSkipped: 0,
      rows: 0,
      requests: 0,
    };
    const ctx: UnitContext = {
      dir: options.dir,
      adapter,
      nowNs,
      download: {
        ...(options.maxPages ? { maxPages: options.maxPages } : {}),
        ...(options.downloadConcurrency ? { concurrency: options.downloadConcurrency } : {}),
      },
      ...(options.codec ? { codec: options.codec } : {}),
      ...(options.rowGroupRows ? { rowGroupRows: options.rowGroupRows } : {}),
      ...(options.lock ? { lock: options.lock } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (d) => {
        progress.rows += d.rows;
        progress.requests += d.requests;
        options.onProgress?.({ ...progress });
      },
    };
    const reports: UnitReport[] = [];
    const errors: SyncReport['errors'] = [];
    let fatal: unknown;
    const unitsAtOnce = r.concurrency ?? defaultUnitsAtOnce(adapter, r.kind, r.spanS);
    await pool(units, unitsAtOnce, async (u) => {
      if (fatal !== undefined) return;
      try {
        const rep = await runUnit(ctx, u.key, u.market, u.range);
        reports.push(rep);
        if (rep.planned.length === 0) progress.unitsSkipped++;
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        const code = (e as { code?: string }).code;
        if (
          code === 'ERR_VALIDATION' ||
          code === 'ERR_UNKNOWN_SYMBOL' ||
          code === 'ERR_UNSUPPORTED_KIND' ||
          code === 'ERR_UNSUPPORTED_SPAN'
        ) {
          fatal = e;
          return;
        }
        errors.push({ key: u.key, error: e });
        reports.push({
          key: u.key,
          range: u.range,
          planned: [u.range],
          downloaded: [],
          rows: 0,
          requests: 0,
          missing: [{ range: u.range, reason: e.message, permanent: false, pending: false }],
        });
      }
      progress.unitsDone++;
      options.onProgress?.({ ...progress });
    });
    if (fatal !== undefined) throw fatal;
    reports.sort((a, b) =>
      a.key.symbol === b.key.symbol
        ? a.key.date.localeCompare(b.key.date)
        : a.key.symbol.localeCompare(b.key.symbol),
    );
    const missing: SyncMissing[] = reports.flatMap((u) =>
      u.missing.map((m) => ({ ...m, symbol: u.key.symbol })),
    );
    return {
      exchange: adapter.id,
      kind: r.kind,
      ...(r.spanS === undefined ? {} : { spanS: r.spanS }),
      archiveKind: archiveKindName(r.kind, r.spanS),
      requested: { startNs, endNs },
      concurrency: unitsAtOnce,
      symbols: markets,
      units: reports,
      skipped: progress.unitsSkipped,
      rows: reports.reduce((s, u) => s + u.rows, 0),
      requests: reports.reduce((s, u) => s + u.requests, 0),
      missing,
      complete: missing.every((m) => m.pending) && errors.length === 0,
      errors,
    };
  } finally {
    if (owned) await adapter.close();
  }
}

/** Options of {@link syncUnit}: one partition. */
export type SyncUnitOptions = SyncConnectionOptions & {
  /** The archive's root folder. */
  dir: string;
  /** Exchange id. */
  exchange: string;
  /** Kind id. */
  kind: KindId;
  /** Span for spanned kinds. */
  span?: string | number;
  /** The symbol (any spelling; stored under the market id). */
  symbol: string;
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  /** Windows or cursor walks at once. @default the download API's */
  downloadConcurrency?: number;
  /** Parquet compression. @default 'zstd' */
  codec?: ParquetCodec;
  /** Lock options. @default {} */
  lock?: LockOptions;
  /** Aborts the download (what was delivered is committed). */
  signal?: AbortSignal;
};

/**
 * Syncs exactly one partition `(exchange, kind, span, symbol, UTC day)`: what a fleet worker runs for one
 * job. Idempotent (a finished day sends no data request) and safe to run concurrently, also for the same
 * partition (the partition lock makes the second run wait, then find nothing missing).
 */
export async function syncUnit(options: SyncUnitOptions): Promise<SyncReport> {
  const day = dayRange(options.date);
  if (dayOf(day.startNs) !== options.date)
    throw new ValidationError('options.date', options.date, 'a day as YYYY-MM-DD');
  const { date: _date, symbol, downloadConcurrency, ...rest } = options;
  // A day still running ends at the exchange's clock: the unit records it as pending, not as a gap.
  return syncArchive({
    ...rest,
    symbols: [symbol],
    start: day.startNs,
    end: day.endNs,
    ...(downloadConcurrency ? { downloadConcurrency } : {}),
    concurrency: 1,
  });
}
