/**
 * The completeness record of one partition (a series on one UTC day): `_coverage.json` in the day folder.
 * It lists every data file (the range it covers, rows, first/last time and id, size, SHA-256) and every gap
 * (a range known to be missing, with why). What the day covers is derived, never trusted:
 * `covered = ⋃ file ranges − ⋃ gaps`. Each file also carries its own range in its Parquet footer, so a
 * record edited to claim more than its files hold is caught by `archive verify`.
 *
 * Written only after the data it describes is durable on disk (see `commit.ts`), through a temporary name.
 * The format is documented in docs/ARCHIVE.md; ns values are decimal strings (JSON numbers lose
 * nanoseconds), with ISO times beside them for humans.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NsRange } from '../core/errors.js';
import { archiveKindName, isKindId } from '../core/kinds.js';
import { formatIsoNs } from '../core/time.js';
import { writeFileDurable } from './durable.js';
import { ArchiveCorruptError } from './errors.js';
import { dayRange, MANIFEST_NAME, type PartitionKey, partitionDir } from './layout.js';
import { covers, normalize, subtract } from './ranges.js';

/** The format id written in every record; a reader refuses others. */
export const MANIFEST_FORMAT = 'tickwire.archive.day/1';

/** One data file of a partition. */
export type ArchiveFile = {
  /** File name inside the day folder. */
  name: string;
  /** The range this file is complete for: every record with `tsNs` in it is in the file (half-open). */
  range: NsRange;
  /** Rows in the file. */
  rows: number;
  /** File size in bytes. */
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
  /** Time of the first and last row (absent when the file has no rows). */
  firstTsNs?: bigint;
  /** Time of the last row. */
  lastTsNs?: bigint;
  /** Id of the first row, for kinds with an `id` column. */
  firstId?: string;
  /** Id of the last row, for kinds with an `id` column. */
  lastId?: string;
  /** Who wrote it: `sync`, `record` (the live recorder), or another tool's name. */
  source: string;
  /** When it was committed (ISO). */
  createdAt: string;
};

/** A range known to be missing, and why. */
export type ArchiveGap = {
  /** The missing range (half-open). */
  range: NsRange;
  /** Why: the exchange's limit, the error that stopped the download, a feed disconnect... */
  reason: string;
  /**
   * True when retrying cannot fill it (the exchange does not keep that far back). Sync still retries it on
   * each run, at the cost of no data request.
   */
  permanent: boolean;
  /** Who recorded it (`sync`, `record`...). */
  source: string;
  /** When it was recorded (ISO). */
  recordedAt: string;
};

/** The completeness record of one partition. */
export type DayRecord = PartitionKey & {
  /** Data files, by range start. */
  files: ArchiveFile[];
  /** Known gaps, by start. */
  gaps: ArchiveGap[];
  /** When the record was last written (ISO). */
  updatedAt: string;
};

/** What a record says about its day, derived from its files and gaps. */
export type DaySummary = {
  /** Ranges of the day known complete: ⋃ file ranges − ⋃ gaps. */
  covered: NsRange[];
  /** True when `covered` is the whole day. */
  complete: boolean;
  /** Rows in all files. */
  rows: number;
  /** First and last time and id over the day's files. */
  firstTsNs?: bigint;
  /** Time of the day's last row. */
  lastTsNs?: bigint;
  /** Id of the day's first row (kinds with an id). */
  firstId?: string;
  /** Id of the day's last row (kinds with an id). */
  lastId?: string;
};

/** The path of a partition's record. */
export function manifestPath(dir: string, key: PartitionKey): string {
  return join(partitionDir(dir, key), MANIFEST_NAME);
}

/** An empty record for `key`. */
export function emptyRecord(key: PartitionKey): DayRecord {
  return { ...keyOf(key), files: [], gaps: [], updatedAt: new Date().toISOString() };
}

function keyOf(key: PartitionKey): PartitionKey {
  return {
    exchange: key.exchange,
    kind: key.kind,
    ...(key.spanS === undefined ? {} : { spanS: key.spanS }),
    symbol: key.symbol,
    date: key.date,
  };
}

/** Derives what a record covers. */
export function summarize(record: DayRecord): DaySummary {
  const day = dayRange(record.date);
  const covered = subtract(
    normalize(record.files.map((f) => f.range)),
    record.gaps.map((g) => g.range),
  );
  const withRows = [...record.files]
    .filter((f) => f.rows > 0 && f.firstTsNs !== undefined)
    .sort((a, b) => (a.firstTsNs! < b.firstTsNs! ? -1 : a.firstTsNs! > b.firstTsNs! ? 1 : 0));
  const first = withRows[0];
  const last = [...withRows]
    .sort((a, b) => (a.lastTsNs! < b.lastTsNs! ? -1 : a.lastTsNs! > b.lastTsNs! ? 1 : 0))
    .at(-1);
  return {
    covered,
    complete: covers(covered, day),
    rows: record.files.reduce((s, f) => s + f.rows, 0),
    ...(first?.firstTsNs === undefined ? {} : { firstTsNs: first.firstTsNs }),
    ...(last?.lastTsNs === undefined ? {} : { lastTsNs: last.lastTsNs }),
    ...(first?.firstId === undefined ? {} : { firstId: first.firstId }),
    ...(last?.lastId === undefined ? {} : { lastId: last.lastId }),
  };
}

const ns = (v: bigint): string => v.toString();
const rangeJson = (r: NsRange) => ({
  startNs: ns(r.startNs),
  endNs: ns(r.endNs),
  from: formatIsoNs(r.startNs),
  to: formatIsoNs(r.endNs),
});

/** The record as JSON text (with the derived summary, for readers that do not recompute it). */
export function serializeRecord(record: DayRecord): string {
  const s = summarize(record);
  const opt = (name: string, v: bigint | string | undefined) =>
    v === undefined ? {} : { [name]: typeof v === 'bigint' ? ns(v) : v };
  const json = {
    format: MANIFEST_FORMAT,
    exchange: record.exchange,
    kind: record.kind,
    archiveKind: archiveKindName(record.kind, record.spanS),
    spanS: record.spanS ?? null,
    symbol: record.symbol,
    date: record.date,
    day: rangeJson(dayRange(record.date)),
    complete: s.complete,
    covered: s.covered.map(rangeJson),
    rows: s.rows,
    ...opt('firstTsNs', s.firstTsNs),
    ...opt('lastTsNs', s.lastTsNs),
    ...opt('firstId', s.firstId),
    ...opt('lastId', s.lastId),
    files: [...record.files]
      .sort((a, b) => (a.range.startNs < b.range.startNs ? -1 : a.range.startNs > b.range.startNs ? 1 : 0))
      .map((f) => ({
        name: f.name,
        ...rangeJson(f.range),
        rows: f.rows,
        bytes: f.bytes,
        sha256: f.sha256,
        ...opt('firstTsNs', f.firstTsNs),
        ...opt('lastTsNs', f.lastTsNs),
        ...opt('firstId', f.firstId),
        ...opt('lastId', f.lastId),
        source: f.source,
        createdAt: f.createdAt,
      })),
    gaps: [...record.gaps]
      .sort((a, b) => (a.range.startNs < b.range.startNs ? -1 : a.range.startNs > b.range.startNs ? 1 : 0))
      .map((g) => ({
        ...rangeJson(g.range),
        reason: g.reason,
        permanent: g.permanent,
        source: g.source,
        recordedAt: g.recordedAt,
      })),
    updatedAt: record.updatedAt,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

type Json = Record<string, unknown>;

function bigintField(o: Json, name: string, path: string, optional = false): bigint | undefined {
  const v = o[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
    throw new ArchiveCorruptError(path, `field ${name} is not a decimal ns string`);
  }
  return BigInt(v);
}

function rangeOf(o: Json, path: string): NsRange {
  const startNs = bigintField(o, 'startNs', path)!;
  const endNs = bigintField(o, 'endNs', path)!;
  if (startNs >= endNs)
    throw new ArchiveCorruptError(path, `an empty or reversed range ${startNs}..${endNs}`);
  return { startNs, endNs };
}

function str(o: Json, name: string, path: string, optional = false): string | undefined {
  const v = o[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new ArchiveCorruptError(path, `field ${name} is not a string`);
  return v;
}

function int(o: Json, name: string, path: string): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ArchiveCorruptError(path, `field ${name} is not a count`);
  }
  return v;
}

/**
 * Parses a record's text and checks it describes `key`.
 *
 * @throws ArchiveCorruptError naming `path` and the problem
 */
export function parseRecord(text: string, key: PartitionKey, path: string): DayRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArchiveCorruptError(path, 'not valid JSON', { cause: error });
  }
  if (typeof raw !== 'object' || raw === null) throw new ArchiveCorruptError(path, 'not a JSON object');
  const o = raw as Json;
  if (o.format !== MANIFEST_FORMAT) {
    throw new ArchiveCorruptError(path, `format ${JSON.stringify(o.format)}, expected ${MANIFEST_FORMAT}`);
  }
  const spanS = o.spanS === null || o.spanS === undefined ? undefined : o.spanS;
  if (
    o.exchange !== key.exchange ||
    !isKindId(o.kind) ||
    o.kind !== key.kind ||
    spanS !== key.spanS ||
    o.symbol !== key.symbol ||
    o.date !== key.date
  ) {
    throw new ArchiveCorruptError(path, 'it describes another series or day than its folder');
  }
  if (!Array.isArray(o.files) || !Array.isArray(o.gaps)) {
    throw new ArchiveCorruptError(path, 'files or gaps is not a list');
  }
  const files: ArchiveFile[] = o.files.map((f: Json) => {
    const name = str(f, 'name', path)!;
    if (!/^[A-Za-z0-9._-]+\.parquet$/.test(name))
      throw new ArchiveCorruptError(path, `bad file name ${name}`);
    const firstTsNs = bigintField(f, 'firstTsNs', path, true);
    const lastTsNs = bigintField(f, 'lastTsNs', path, true);
    const firstId = str(f, 'firstId', path, true);
    const lastId = str(f, 'lastId', path, true);
    return {
      name,
      range: rangeOf(f, path),
      rows: int(f, 'rows', path),
      bytes: int(f, 'bytes', path),
      sha256: str(f, 'sha256', path)!,
      ...(firstTsNs === undefined ? {} : { firstTsNs }),
      ...(lastTsNs === undefined ? {} : { lastTsNs }),
      ...(firstId === undefined ? {} : { firstId }),
      ...(lastId === undefined ? {} : { lastId }),
      source: str(f, 'source', path)!,
      createdAt: str(f, 'createdAt', path)!,
    };
  });
  const gaps: ArchiveGap[] = o.gaps.map((g: Json) => ({
    range: rangeOf(g, path),
    reason: str(g, 'reason', path)!,
    permanent: g.permanent === true,
    source: str(g, 'source', path)!,
    recordedAt: str(g, 'recordedAt', path)!,
  }));
  return { ...keyOf(key), files, gaps, updatedAt: str(o, 'updatedAt', path) ?? '' };
}

/**
 * Reads a partition's record; `undefined` when the day has none yet.
 *
 * @throws ArchiveCorruptError when it exists but cannot be used
 */
export async function readRecord(dir: string, key: PartitionKey): Promise<DayRecord | undefined> {
  const path = manifestPath(dir, key);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseRecord(text, key, path);
}

/** Writes a partition's record durably (temporary name, fsync, rename, fsync folder). */
export async function writeRecord(dir: string, record: DayRecord): Promise<void> {
  await writeFileDurable(manifestPath(dir, record), serializeRecord(record));
}
