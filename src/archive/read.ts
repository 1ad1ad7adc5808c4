/**
 * `archive.read`: the records of one series over a time range, in time order across its day folders and
 * files, one Parquet row group in memory at a time.
 *
 * @module
 */
import { join } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { type KindId, kindDef, type RecordOfKind } from '../core/kinds.js';
import { parseSpan, type TimeInput, toNs } from '../core/time.js';
import { openParquet, recordFieldsOf, rowToRecord } from '../sinks/parquet-read.js';
import { daysOf, type PartitionKey, partitionDir, type SeriesKey } from './layout.js';
import { readRecord } from './manifest.js';

/** Options of {@link readArchive}. */
export type ReadOptions<K extends KindId> = {
  /** The archive's root folder. */
  dir: string;
  /** Exchange id. */
  exchange: string;
  /** Kind id. */
  kind: K;
  /** Span for spanned kinds (`'1m'`, seconds). */
  span?: string | number;
  /** The market id as stored (`BTCUSDT`, `BTC-USD`, `XXBTZUSD`). */
  symbol: string;
  /** Start (inclusive). */
  start: TimeInput;
  /** End (exclusive). */
  end: TimeInput;
};

/**
 * Reads the records of one series with `tsNs` in `[start, end)`, ascending. Only files listed in the
 * completeness records are read (a file a crashed writer left behind is ignored). Days or ranges not in the
 * archive are simply absent: check {@link archiveCoverage} for what is known complete.
 */
export async function* readArchive<K extends KindId>(
  options: ReadOptions<K>,
): AsyncGenerator<RecordOfKind<K>, void, undefined> {
  const def = kindDef(options.kind, 'options.kind');
  if (typeof options.dir !== 'string')
    throw new ValidationError('options.dir', options.dir, 'the archive folder');
  const spanS =
    def.span === 'required'
      ? parseSpan(options.span ?? (undefined as unknown as string), 'options.span')
      : undefined;
  const startNs = toNs(options.start, 'options.start');
  const endNs = toNs(options.end, 'options.end');
  if (startNs >= endNs)
    throw new ValidationError('options.start', options.start, 'a time before options.end');
  const series: SeriesKey = {
    exchange: options.exchange,
    kind: options.kind,
    ...(spanS === undefined ? {} : { spanS }),
    symbol: options.symbol,
  };
  const fields = recordFieldsOf(options.kind);
  for (const d of daysOf({ startNs, endNs })) {
    const key: PartitionKey = { ...series, date: d.date };
    const record = await readRecord(options.dir, key);
    if (!record) continue;
    const files = record.files
      .filter((f) => f.rows > 0 && f.range.endNs > startNs && f.range.startNs < endNs)
      .sort((a, b) => (a.firstTsNs! < b.firstTsNs! ? -1 : a.firstTsNs! > b.firstTsNs! ? 1 : 0));
    const folder = partitionDir(options.dir, key);
    // Files of a day normally cover disjoint ranges; a refilled gap inside a live file overlaps it, so
    // merge rather than concatenate whenever ranges of rows overlap.
    const disjoint = files.every((f, i) => i === 0 || files[i - 1]!.lastTsNs! <= f.firstTsNs!);
    if (disjoint) {
      for (const f of files) {
        const file = await openParquet(join(folder, f.name));
        try {
          for (let g = 0; g < file.rowGroups.length; g++) {
            for (const row of await file.readRowGroup(g)) {
              const rec = rowToRecord<K>(fields, row);
              const ts = (rec as { tsNs: bigint }).tsNs;
              if (ts >= startNs && ts < endNs) yield rec;
            }
          }
        } finally {
          await file.close();
        }
      }
    } else {
      const all: RecordOfKind<K>[] = [];
      for (const f of files) {
        const file = await openParquet(join(folder, f.name));
        try {
          for (let g = 0; g < file.rowGroups.length; g++) {
            for (const row of await file.readRowGroup(g)) {
              const rec = rowToRecord<K>(fields, row);
              const ts = (rec as { tsNs: bigint }).tsNs;
              if (ts >= startNs && ts < endNs) all.push(rec);
            }
          }
        } finally {
          await file.close();
        }
      }
      all.sort((a, b) => {
        const x = (a as { tsNs: bigint }).tsNs;
        const y = (b as { tsNs: bigint }).tsNs;
        return x < y ? -1 : x > y ? 1 : 0;
      });
      yield* all;
    }
  }
}
