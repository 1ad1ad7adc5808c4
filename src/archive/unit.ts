/**
 * Syncing one unit of the archive: one series on one UTC day (or part of it). This is what `archive.sync`
 * runs for every day and symbol, and what a fleet worker runs for one queued unit. Under the partition's
 * lock it re-reads the completeness record, downloads only the ranges still missing, writes them as staged
 * Parquet files and commits them with any gaps. Two runs of the same unit at once produce one copy: the
 * second waits for the lock, then finds nothing missing.
 *
 * @module
 */

import { join } from 'node:path';
import type { ExchangeAdapter } from '../adapters/adapter.js';
import { AbortError, isTickwireError, type NsRange, UnsupportedRangeError } from '../core/errors.js';
import { KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';
import { formatIsoNs, formatSpan } from '../core/time.js';
import { downloadRecords } from '../download/kinds.js';
import type { DownloadOptions } from '../download/options.js';
import { maxNs, minNs } from '../download/report.js';
import type { ParquetCodec } from '../sinks/parquet-codec.js';
import { readParquetRecords } from '../sinks/parquet-read.js';
import {
  cleanPartition,
  commitPartition,
  type GapInput,
  lockPartition,
  PartitionFileWriter,
  type StagedFile,
} from './commit.js';
import { dayRange, type PartitionKey, partitionDir } from './layout.js';
import type { LockOptions } from './lock.js';
import { type DayRecord, readRecord, summarize } from './manifest.js';
import { intersect, normalize, subtract } from './ranges.js';

/** A part of a unit that is still missing after a run, and why. */
export type UnitMissing = {
  /** The range (half-open). */
  range: NsRange;
  /** Why. */
  reason: string;
  /** True when retrying cannot fill it (the exchange does not keep it). */
  permanent: boolean;
  /** True when the range does not exist yet at the exchange's clock (a later sync completes it). */
  pending: boolean;
};

/** What one unit's run did. */
export type UnitReport = {
  /** The partition. */
  key: PartitionKey;
  /** The part of the day asked for. */
  range: NsRange;
  /** Ranges that were missing at the start of the run (empty: nothing to do, no data request sent). */
  planned: NsRange[];
  /** Ranges downloaded and committed by this run. */
  downloaded: NsRange[];
  /** Rows committed by this run. */
  rows: number;
  /** Page requests made. */
  requests: number;
  /** What is still missing inside `range`. Empty when the unit is complete. */
  missing: UnitMissing[];
};

/** What a unit run needs from the sync around it (one adapter and clock shared by every unit). */
export type UnitContext = {
  /** Archive root. */
  dir: string;
  /** The adapter (shared: one HTTP pool and rate limiter for all units of a sync). */
  adapter: ExchangeAdapter;
  /** The exchange's clock when the sync started, epoch ns. */
  nowNs: bigint;
  /** Passed to the download (limits, retries, page cap). */
  download: Pick<DownloadOptions, 'maxPages'> & { concurrency?: number };
  /** Parquet options. */
  codec?: ParquetCodec;
  /** Rows per row group. */
  rowGroupRows?: number;
  /** Lock options. */
  lock?: LockOptions;
  /** Aborts the download; what was delivered so far is committed. */
  signal?: AbortSignal;
  /** Called with rows and page requests as they grow (deltas). */
  onProgress?: (delta: { rows: number; requests: number }) => void;
};

/** The records a source yields in time order; those at the newest time are held back until a later one. */
class HoldBack<K extends KindId> {
  held: RecordOfKind<K>[] = [];
  heldNs: bigint | undefined;
}

function finalEnd(ctx: UnitContext, spanS: number | undefined): bigint {
  if (spanS === undefined) return ctx.nowNs;
  const s = BigInt(spanS) * 1_000_000_000n;
  return ctx.nowNs - (((ctx.nowNs % s) + s) % s);
}

/** The oldest bar the exchange serves as candles (Kraken keeps its newest 720), with two bars of margin. */
function earliestServed(ctx: UnitContext, kind: KindId, spanS: number | undefined): bigint | undefined {
  const bars = ctx.adapter.ohlcHistoryBars;
  if (kind !== 'ohlc' || bars === undefined || spanS === undefined) return undefined;
  return finalEnd(ctx, spanS) - BigInt(bars - 3) * BigInt(spanS) * 1_000_000_000n;
}

/** Keys of the records already in the partition's files inside `range` (a refilled gap inside a live file). */
async function existingKeys(dir: string, record: DayRecord, range: NsRange): Promise<Set<string>> {
  const keys = new Set<string>();
  const def = KINDS[record.kind];
  for (const f of record.files) {
    if (intersect([f.range], [range]).length === 0 || f.rows === 0) continue;
    for await (const r of readParquetRecords(join(partitionDir(dir, record), f.name), record.kind)) {
      const ts = (r as { tsNs: bigint }).tsNs;
      if (ts >= range.startNs && ts < range.endNs) keys.add((def.key as (x: unknown) => string)(r));
    }
  }
  return keys;
}

/**
 * Syncs one partition: downloads what its record says is missing inside `range` (default: the whole day)
 * and commits it. Idempotent, and safe to run concurrently for the same or different partitions.
 */
export async function runUnit(
  ctx: UnitContext,
  key: PartitionKey,
  marketId: string,
  range?: NsRange,
): Promise<UnitReport> {
  const day = dayRange(key.date);
  const want = intersect([range ?? day], [day])[0] ?? day;
  const report: UnitReport = {
    key,
    range: want,
    planned: [],
    downloaded: [],
    rows: 0,
    requests: 0,
    missing: [],
  };
  // Without the lock first: a finished unit costs one file read and no lock.
  const before = await readRecord(ctx.dir, key);
  if (before && subtract([want], summarize(before).covered).length === 0) return report;
  const lock = await lockPartition(ctx.dir, key, {
    ...ctx.lock,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const staged: StagedFile[] = [];
  const gaps: GapInput[] = [];
  const attempted: NsRange[] = [];
  try {
    const record = await readRecord(ctx.dir, key);
    await cleanPartition(ctx.dir, record);
    const missing = subtract([want], record ? summarize(record).covered : []);
    report.planned = missing;
    const end = finalEnd(ctx, key.spanS);
    const earliest = earliestServed(ctx, key.kind, key.spanS);
    for (const m of missing) {
      if (ctx.signal?.aborted) {
        report.missing.push({ range: m, reason: 'interrupted', permanent: false, pending: false });
        continue;
      }
      let from = m.startNs;
      const to = minNs(m.endNs, end);
      if (to < m.endNs) {
        const at = maxNs(from, to);
        report.missing.push({
          range: { startNs: at, endNs: m.endNs },
          reason: `not yet available at ${key.exchange}'s time ${formatIsoNs(ctx.nowNs)}`,
          permanent: false,
          pending: true,
        });
      }
      if (from >= to) continue;
      if (earliest !== undefined && from < earliest) {
        const cut = minNs(earliest, to);
        const reason =
          `${key.exchange} serves only its newest ${ctx.adapter.ohlcHistoryBars} ${formatSpan(key.spanS ?? 60)} candles; ` +
          `bars before ${formatIsoNs(earliest)} cannot be downloaded as candles`;
        gaps.push({ range: { startNs: from, endNs: cut }, reason, permanent: true });
        attempted.push({ startNs: from, endNs: cut });
        report.missing.push({
          range: { startNs: from, endNs: cut },
          reason,
          permanent: true,
          pending: false,
        });
        from = cut;
        if (from >= to) continue;
      }
      const part = { startNs: from, endNs: to };
      attempted.push(part);
      const result = await downloadPart(ctx, key, marketId, part, record);
      report.requests += result.requests;
      report.rows += result.file?.rows ?? 0;
      if (result.file) {
        staged.push(result.file);
        report.downloaded.push(result.file.range);
      }
      for (const g of result.missing) {
        report.missing.push(g);
        if (!g.interrupted) gaps.push({ range: g.range, reason: g.reason, permanent: g.permanent });
      }
    }
    if (staged.length > 0 || gaps.length > 0) {
      await commitPartition(ctx.dir, key, {
        files: staged,
        gaps,
        attempted: normalize(attempted),
        lock,
        source: 'sync',
      });
    }
  } catch (error) {
    for (const f of staged)
      await import('node:fs/promises').then((fs) => fs.unlink(f.tempPath)).catch(() => undefined);
    throw error;
  } finally {
    await lock.release();
  }
  report.downloaded = normalize(report.downloaded);
  return report;
}

type PartResult = {
  file: StagedFile | undefined;
  requests: number;
  missing: (UnitMissing & { interrupted: boolean })[];
};

async function downloadPart(
  ctx: UnitContext,
  key: PartitionKey,
  marketId: string,
  part: NsRange,
  record: DayRecord | undefined,
): Promise<PartResult> {
  const def = KINDS[key.kind];
  const skip = record ? await existingKeys(ctx.dir, record, part) : new Set<string>();
  const keyOf = def.key as (r: unknown) => string;
  const writer = await PartitionFileWriter.open(ctx.dir, key, {
    ...(ctx.codec ? { codec: ctx.codec } : {}),
    ...(ctx.rowGroupRows ? { rowGroupRows: ctx.rowGroupRows } : {}),
  });
  let requests = 0;
  const dl = downloadRecords({
    exchange: key.exchange,
    kind: key.kind,
    ...(key.spanS === undefined ? {} : { span: key.spanS }),
    symbol: marketId,
    start: part.startNs,
    end: part.endNs,
    adapter: ctx.adapter,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.download.maxPages ? { maxPages: ctx.download.maxPages } : {}),
    ...(ctx.download.concurrency ? { concurrency: ctx.download.concurrency } : {}),
    onProgress: (p) => {
      if (p.pages > requests) {
        ctx.onProgress?.({ rows: 0, requests: p.pages - requests });
        requests = p.pages;
      }
    },
  });
  const hold = new HoldBack<KindId>();
  let pendingRows = 0;
  const flushHeld = async (): Promise<void> => {
    for (const r of hold.held) {
      const wait = writer.write(r);
      if (wait) await wait;
    }
    pendingRows += hold.held.length;
    hold.held = [];
    hold.heldNs = undefined;
    if (pendingRows >= 5000) {
      ctx.onProgress?.({ rows: pendingRows, requests: 0 });
      pendingRows = 0;
    }
  };
  let failure: unknown;
  try {
    for await (const batch of dl.batches()) {
      for (const rec of batch) {
        const ts = (rec as { tsNs: bigint }).tsNs;
        if (ts < part.startNs || ts >= part.endNs) continue;
        if (skip.size > 0 && skip.has(keyOf(rec))) continue;
        if (hold.heldNs !== undefined && ts > hold.heldNs) await flushHeld();
        hold.held.push(rec);
        hold.heldNs = ts;
      }
    }
  } catch (error) {
    failure = error;
  }
  const report = await dl.report;
  let coveredEnd: bigint;
  if (failure === undefined) {
    await flushHeld();
    coveredEnd = part.endNs;
  } else {
    // Sources yield in time order, so everything before the newest record yielded has been delivered;
    // the records at that newest time may be incomplete and are dropped with it.
    const delivered = intersect(report.delivered, [part]);
    const prefix = delivered[0]?.startNs === part.startNs ? delivered[0].endNs : part.startNs;
    if (hold.heldNs !== undefined && hold.heldNs < prefix) {
      await flushHeld();
      coveredEnd = prefix;
    } else {
      coveredEnd = hold.heldNs !== undefined && hold.heldNs > prefix ? hold.heldNs : prefix;
    }
  }
  if (pendingRows > 0) ctx.onProgress?.({ rows: pendingRows, requests: 0 });
  let file: StagedFile | undefined;
  if (coveredEnd > part.startNs) {
    file = await writer.finish({ startNs: part.startNs, endNs: coveredEnd });
  } else {
    await writer.abort();
  }
  const missing: PartResult['missing'] = [];
  if (coveredEnd < part.endNs) {
    const rest = { startNs: coveredEnd, endNs: part.endNs };
    const interrupted = failure instanceof AbortError || (ctx.signal?.aborted ?? false);
    const permanent = failure instanceof UnsupportedRangeError;
    const reasons = report.missing
      .filter((m) => intersect([m.range], [rest]).length > 0)
      .map((m) => m.reason);
    const reason = interrupted
      ? 'interrupted'
      : (reasons[0] ?? (failure instanceof Error ? failure.message : 'the download stopped'));
    missing.push({ range: rest, reason, permanent, pending: false, interrupted });
  }
  if (failure !== undefined && isFatal(failure)) throw failure;
  return { file, requests: report.pages, missing };
}

/** Errors no other unit can avoid either (a bad kind or span, an unknown symbol): stop the whole sync. */
function isFatal(error: unknown): boolean {
  return (
    isTickwireError(error) &&
    (error.code === 'ERR_VALIDATION' ||
      error.code === 'ERR_UNKNOWN_SYMBOL' ||
      error.code === 'ERR_UNSUPPORTED_KIND' ||
      error.code === 'ERR_UNSUPPORTED_SPAN')
  );
}
