/**
 * Turning a journal into a committed archive file: read it, write the records inside the segment's range
 * into a staged Parquet file of the partition, commit it with the gaps noted (data first, record last),
 * then remove the journal. The same path closes a segment on rotation and recovers one after a crash.
 *
 * @module
 */
import { commitPartition, type PartitionFileOptions, PartitionFileWriter } from '../archive/commit.js';
import { dayRange, type PartitionKey } from '../archive/layout.js';
import { readRecord } from '../archive/manifest.js';
import { intersect } from '../archive/ranges.js';
import type { NsRange } from '../core/errors.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { JournalCodec, readJournal, readJournalHeader, removeJournal } from './journal.js';

/** What committing one segment did. */
export type SegmentCommit = {
  /** The partition. */
  key: PartitionKey;
  /** The range committed as covered (before gaps); empty when nothing was committed. */
  range: NsRange;
  /** Rows in the file. */
  rows: number;
  /** The file's name in the day folder (absent when nothing was committed). */
  file?: string;
  /** Gaps recorded with it. */
  gaps: { range: NsRange; reason: string }[];
  /** Id of the last row (kinds with an id column). */
  lastId?: string;
  /** Time of the last row. */
  lastTsNs?: bigint;
  /** Lines of the journal that could not be read (a torn last line is not counted). */
  badLines: number;
};

/** How a segment's range ends: a time, or derived from its last record (crash recovery). */
export type SegmentEnd = bigint | ((last: { tsNs: bigint } | undefined, startNs: bigint) => bigint);

const codecs = new Map<KindId, JournalCodec<KindId>>();
/** The journal codec of `kind` (one per kind). */
export function codecOf(kind: KindId): JournalCodec<KindId> {
  let c = codecs.get(kind);
  if (!c) {
    c = new JournalCodec(kind);
    codecs.set(kind, c);
  }
  return c;
}

/**
 * Commits journal `path` as complete for `[header.startNs, end)`. Records at or after the end are left
 * out (the next session refetches or re-records them). Returns `undefined` when the journal held nothing
 * usable; the journal is removed in every case but an error.
 */
export async function commitJournal(
  dir: string,
  path: string,
  end: SegmentEnd,
  options: PartitionFileOptions & { source?: string } = {},
): Promise<SegmentCommit | undefined> {
  const h = await readJournalHeader(path);
  if (h === undefined) {
    await removeJournal(path);
    return undefined;
  }
  const key: PartitionKey = { exchange: h.exchange, kind: h.kind, symbol: h.symbol, date: h.date };
  const startNs = h.startNs;
  let endNs: bigint;
  if (typeof end === 'bigint') endNs = end;
  else {
    let lastRec: { tsNs: bigint } | undefined;
    await readJournal(path, codecOf, (r) => {
      lastRec = r as { tsNs: bigint };
    });
    endNs = end(lastRec, startNs);
  }
  const day = dayRange(h.date);
  if (endNs > day.endNs) endNs = day.endNs;
  const empty = (badLines = 0): SegmentCommit => ({
    key,
    range: { startNs, endNs: startNs },
    rows: 0,
    gaps: [],
    badLines,
  });
  if (endNs <= startNs) {
    await removeJournal(path);
    return empty();
  }
  const existing = await readRecord(dir, key);
  if (existing?.files.some((f) => f.range.startNs === startNs && f.range.endNs === endNs)) {
    await removeJournal(path); // committed before a crash, the journal not yet removed
    return empty();
  }
  const writer = await PartitionFileWriter.open(dir, { ...key, kind: h.kind }, options);
  try {
    let last: { tsNs: bigint; id?: unknown } | undefined;
    const contents = await readJournal(path, codecOf, (r) => {
      const rec = r as { tsNs: bigint; id?: unknown };
      if (rec.tsNs < startNs || rec.tsNs >= endNs) return;
      last = rec;
      return writer.write(r as RecordOfKind<KindId>);
    });
    if (contents === undefined) throw new Error(`journal ${path} changed while being committed`);
    const range = { startNs, endNs };
    const gaps = contents.gaps.flatMap((g) =>
      intersect([g.range], [range]).map((r) => ({ range: r, reason: g.reason })),
    );
    const staged = await writer.finish(range);
    const record = await commitPartition(dir, key, {
      files: [staged],
      gaps,
      attempted: [range],
      source: options.source ?? 'record',
    });
    await removeJournal(path);
    const file = record.files.find((f) => f.range.startNs === startNs && f.range.endNs === endNs);
    return {
      key,
      range,
      rows: staged.rows,
      ...(file ? { file: file.name } : {}),
      gaps,
      ...(last?.id === undefined ? {} : { lastId: String(last.id) }),
      ...(last ? { lastTsNs: last.tsNs } : {}),
      badLines: contents.badLines,
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
