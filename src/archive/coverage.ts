/**
 * `archive.coverage`: what the archive holds, per series and day, from the completeness records only (no
 * data file is opened). `tickwire archive ls` prints it.
 *
 * @module
 */
import type { NsRange } from '../core/errors.js';
import { archiveKindName, KINDS, type KindId } from '../core/kinds.js';
import { parseSpan } from '../core/time.js';
import { DAY_NS, dayOf, dayRange, type SeriesKey } from './layout.js';
import { type ArchiveGap, readRecord, summarize } from './manifest.js';
import { findPartitions } from './walk.js';

/** What one day of a series holds. */
export type DayCoverage = {
  /** The UTC day. */
  date: string;
  /** Ranges known complete. */
  covered: NsRange[];
  /** True when the whole day is covered. */
  complete: boolean;
  /** Rows in the day's files. */
  rows: number;
  /** Bytes of the day's files. */
  bytes: number;
  /** Data files. */
  files: number;
  /** Known gaps, with reasons. */
  gaps: ArchiveGap[];
};

/** What one series holds. */
export type SeriesCoverage = SeriesKey & {
  /** The `kind=` folder name. */
  archiveKind: string;
  /** Days with a completeness record, ascending. */
  days: DayCoverage[];
  /** First and last day with a record. */
  firstDay: string;
  /** Last day with a record. */
  lastDay: string;
  /** Days fully covered. */
  completeDays: number;
  /** Rows in all days. */
  rows: number;
  /** Bytes of all files. */
  bytes: number;
  /** Gaps recorded, over all days. */
  gaps: number;
  /** Days between the first and the last without any record (never synced). */
  missingDays: string[];
};

/** Options of {@link archiveCoverage}. */
export type CoverageOptions = {
  /** The archive's root folder. */
  dir: string;
  /** Only this exchange. @default every exchange */
  exchange?: string;
  /** Only this kind. @default every kind */
  kind?: KindId;
  /** Only this span (spanned kinds; needs `kind`). @default every span */
  span?: string | number;
  /** Only this market id. @default every symbol */
  symbol?: string;
};

/**
 * Reads every completeness record under `options.dir` (or a part) and summarises each series.
 *
 * @throws ArchiveCorruptError when a record cannot be read (run `archive verify` for the full list)
 */
export async function archiveCoverage(options: CoverageOptions): Promise<SeriesCoverage[]> {
  const spanS = options.span === undefined ? undefined : parseSpan(options.span, 'options.span');
  const archiveKind =
    options.kind !== undefined && (KINDS[options.kind].span === 'none' || spanS !== undefined)
      ? archiveKindName(options.kind, spanS)
      : undefined;
  const found = await findPartitions(options.dir, {
    ...(options.exchange ? { exchange: options.exchange } : {}),
    ...(archiveKind ? { archiveKind } : {}),
    ...(options.symbol ? { symbol: options.symbol } : {}),
  });
  const bySeries = new Map<string, SeriesCoverage>();
  for (const p of found) {
    if (options.kind !== undefined && p.key.kind !== options.kind) continue;
    const record = await readRecord(options.dir, p.key);
    if (!record) continue;
    const s = summarize(record);
    const id = `${p.key.exchange}\u0000${archiveKindName(p.key.kind, p.key.spanS)}\u0000${p.key.symbol}`;
    let series = bySeries.get(id);
    if (!series) {
      series = {
        exchange: p.key.exchange,
        kind: p.key.kind,
        ...(p.key.spanS === undefined ? {} : { spanS: p.key.spanS }),
        symbol: p.key.symbol,
        archiveKind: archiveKindName(p.key.kind, p.key.spanS),
        days: [],
        firstDay: p.key.date,
        lastDay: p.key.date,
        completeDays: 0,
        rows: 0,
        bytes: 0,
        gaps: 0,
        missingDays: [],
      };
      bySeries.set(id, series);
    }
    const bytes = record.files.reduce((t, f) => t + f.bytes, 0);
    series.days.push({
      date: p.key.date,
      covered: s.covered,
      complete: s.complete,
      rows: s.rows,
      bytes,
      files: record.files.length,
      gaps: record.gaps,
    });
  }
  const out = [...bySeries.values()];
  for (const series of out) {
    series.days.sort((a, b) => a.date.localeCompare(b.date));
    series.firstDay = series.days[0]!.date;
    series.lastDay = series.days.at(-1)!.date;
    series.completeDays = series.days.filter((d) => d.complete).length;
    series.rows = series.days.reduce((t, d) => t + d.rows, 0);
    series.bytes = series.days.reduce((t, d) => t + d.bytes, 0);
    series.gaps = series.days.reduce((t, d) => t + d.gaps.length, 0);
    const have = new Set(series.days.map((d) => d.date));
    for (let at = dayRange(series.firstDay).startNs; at < dayRange(series.lastDay).startNs; at += DAY_NS) {
      const date = dayOf(at);
      if (!have.has(date)) series.missingDays.push(date);
    }
  }
  return out;
}
