/**
 * The write primitive every producer of the archive uses (sync, the live recorder, a fleet worker):
 *
 * 1. {@link PartitionFileWriter.open} a staged Parquet file for one partition (under `<dir>/.tickwire/tmp/`,
 *    a name no reader globs), `write()` records in time order;
 * 2. `finish()` ends and fsyncs it (a {@link StagedFile});
 * 3. {@link commitPartition} takes the partition's lock, removes what a crashed writer left in the day folder,
 *    renames the staged files in (fsync of the folder), then writes the completeness record (temporary name,
 *    fsync, rename, fsync). Data first, record last: a crash at any point leaves no torn Parquet file under
 *    a `.parquet` name in the day folder and no record entry for data that is not on disk.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { NsRange } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import { KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';
import { formatIsoNs } from '../core/time.js';
import { fileByteSink, ParquetRecordWriter } from '../sinks/parquet.js';
import type { ParquetCodec } from '../sinks/parquet-codec.js';
import { fsyncDir, renameDurable } from './durable.js';
import {
  dataFileName,
  dayRange,
  LOCK_NAME,
  MANIFEST_NAME,
  META_DIR,
  type PartitionKey,
  partitionDir,
  partitionLabel,
} from './layout.js';
import { acquireLock, type HeldLock, type LockOptions } from './lock.js';
import {
  type ArchiveFile,
  type ArchiveGap,
  type DayRecord,
  emptyRecord,
  readRecord,
  writeRecord,
} from './manifest.js';
import { subtract, union } from './ranges.js';

/** Footer key holding the range a file is complete for (`<startNs>-<endNs>`), checked by `archive verify`. */
export const RANGE_METADATA_KEY = 'tickwire.range';
/** Footer key holding the partition a file belongs to (`exchange/kind/symbol/date`). */
export const PARTITION_METADATA_KEY = 'tickwire.partition';

/** Options of {@link PartitionFileWriter.open}. */
export type PartitionFileOptions = {
  /** Compression codec. @default 'zstd' */
  codec?: ParquetCodec;
  /** Rows per row group. @default 32_768 */
  rowGroupRows?: number;
};

/** A finished, fsynced data file waiting to be committed into its partition. */
export type StagedFile = {
  /** Where it is now (inside `<dir>/.tickwire/tmp/`). */
  tempPath: string;
  /** The range it is complete for. */
  range: NsRange;
  /** Rows, size and SHA-256. */
  rows: number;
  bytes: number;
  sha256: string;
  firstTsNs?: bigint;
  lastTsNs?: bigint;
  firstId?: string;
  lastId?: string;
};

/** The temporary folder of an archive. */
export function tempDir(dir: string): string {
  return join(dir, META_DIR, 'tmp');
}

/**
 * A Parquet file of one partition being written. Records must lie inside the partition's day and come in
 * time order (equal times allowed); anything else is refused with `ValidationError`, so a file can never
 * hold another day's rows.
 */
export class PartitionFileWriter<K extends KindId> {
  readonly key: PartitionKey & { kind: K };
  readonly tempPath: string;
  readonly #writer: ParquetRecordWriter<K>;
  readonly #day: NsRange;
  readonly #hasId: boolean;
  #first: { tsNs: bigint; id?: string } | undefined;
  #last: { tsNs: bigint; id?: string } | undefined;
  #done = false;

  private constructor(key: PartitionKey & { kind: K }, tempPath: string, writer: ParquetRecordWriter<K>) {
    this.key = key;
    this.tempPath = tempPath;
    this.#writer = writer;
    this.#day = dayRange(key.date);
    this.#hasId = KINDS[key.kind].columns.some((c) => c.name === 'id');
  }

  /** Starts a staged file for partition `key` of the archive at `dir`. */
  static async open<K extends KindId>(
    dir: string,
    key: PartitionKey & { kind: K },
    options: PartitionFileOptions = {},
  ): Promise<PartitionFileWriter<K>> {
    dayRange(key.date);
    const tmp = tempDir(dir);
    await mkdir(tmp, { recursive: true });
    const tempPath = join(tmp, `${hostname()}-${process.pid}-${randomBytes(6).toString('hex')}.parquet.tmp`);
    const sink = await fileByteSink(tempPath, true);
    const writer = await ParquetRecordWriter.open(sink, {
      kind: key.kind,
      ...(options.codec ? { codec: options.codec } : {}),
      ...(options.rowGroupRows ? { rowGroupRows: options.rowGroupRows } : {}),
      metadata: { [PARTITION_METADATA_KEY]: partitionLabel(key) },
    });
    return new PartitionFileWriter(key, tempPath, writer);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#writer.rows;
  }

  /** Adds one record; await what it returns (backpressure). */
  write(record: RecordOfKind<K>): Promise<void> | undefined {
    const tsNs = (record as { tsNs: bigint }).tsNs;
    if (tsNs < this.#day.startNs || tsNs >= this.#day.endNs) {
      throw new ValidationError('record.tsNs', formatIsoNs(tsNs), `a time inside ${this.key.date} (UTC)`);
    }
    if (this.#last && tsNs < this.#last.tsNs) {
      throw new ValidationError(
        'record.tsNs',
        formatIsoNs(tsNs),
        `a time at or after the previous record's ${formatIsoNs(this.#last.tsNs)} (records in time order)`,
      );
    }
    const id = this.#hasId ? String((record as { id?: unknown }).id) : undefined;
    const at = id === undefined ? { tsNs } : { tsNs, id };
    this.#first ??= at;
    this.#last = at;
    return this.#writer.write(record);
  }

  /**
   * Ends and fsyncs the file, to be committed as complete for `range` (which must hold every record
   * written and lie inside the day).
   */
  async finish(range: NsRange): Promise<StagedFile> {
    if (this.#done) throw new ValidationError('finish', 'called twice', 'one finish() or abort()');
    if (range.startNs < this.#day.startNs || range.endNs > this.#day.endNs || range.startNs >= range.endNs) {
      throw new ValidationError(
        'range',
        `${formatIsoNs(range.startNs)}..${formatIsoNs(range.endNs)}`,
        `a range inside ${this.key.date}`,
      );
    }
    if (this.#first && (this.#first.tsNs < range.startNs || this.#last!.tsNs >= range.endNs)) {
      throw new ValidationError(
        'range',
        `${formatIsoNs(range.startNs)}..${formatIsoNs(range.endNs)}`,
        'a range holding every record written',
      );
    }
    this.#done = true;
    this.#writerMetadata(range);
    const summary = await this.#writer.end();
    return {
      tempPath: this.tempPath,
      range,
      rows: summary.rows,
      bytes: summary.bytes,
      sha256: summary.sha256,
      ...(this.#first ? { firstTsNs: this.#first.tsNs, lastTsNs: this.#last!.tsNs } : {}),
      ...(this.#first?.id !== undefined ? { firstId: this.#first.id, lastId: this.#last!.id! } : {}),
    };
  }

  /** Drops the file. Idempotent. */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#writer.end().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  #writerMetadata(range: NsRange): void {
    this.#writer.setMetadata(RANGE_METADATA_KEY, `${range.startNs}-${range.endNs}`);
  }
}

/** A gap to record: a range known to be missing, and why. */
export type GapInput = {
  /** The missing range, inside the partition's day. */
  range: NsRange;
  /** Why it is missing. */
  reason: string;
  /** Retrying cannot fill it (the exchange does not keep it). @default false */
  permanent?: boolean;
};

/** What {@link commitPartition} records. */
export type CommitInput = {
  /** Staged files to move into the partition. @default [] */
  files?: readonly StagedFile[];
  /** Gaps to record. @default [] */
  gaps?: readonly GapInput[];
  /**
   * The ranges this commit speaks for: gaps recorded earlier inside them are dropped before `gaps` are added
   * (a gap that was refilled, or re-attempted). @default the files' and gaps' ranges
   */
  attempted?: readonly NsRange[];
  /** Who writes: `sync`, `record`, a tool name. @default 'sync' */
  source?: string;
  /** The partition's lock, when the caller already holds it (sync holds it for a whole unit). */
  lock?: HeldLock;
  /** How to take the lock otherwise. @default {} */
  lockOptions?: LockOptions;
};

/**
 * Takes partition `key`'s lock (unless `input.lock` is given), removes leftovers of crashed writers, and
 * returns the current record. Call {@link commitPartition} or release the lock afterwards.
 */
export async function lockPartition(
  dir: string,
  key: PartitionKey,
  options: LockOptions = {},
): Promise<HeldLock> {
  const folder = partitionDir(dir, key);
  await mkdir(folder, { recursive: true });
  return acquireLock(join(folder, LOCK_NAME), options);
}

/**
 * Removes from a partition's folder what a crashed writer left (the caller holds the lock): `.parquet`
 * files the record does not list (renamed in, then killed before the record was written) and temporary
 * record files. Returns the names removed.
 */
export async function cleanPartition(dir: string, record: DayRecord | undefined): Promise<string[]> {
  if (!record) return [];
  const folder = partitionDir(dir, record);
  const listed = new Set(record.files.map((f) => f.name));
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  for (const name of names) {
    const orphan =
      (name.endsWith('.parquet') && !listed.has(name)) || name.startsWith(`.${MANIFEST_NAME}.tmp-`);
    if (orphan) {
      await unlink(join(folder, name)).catch(() => undefined);
      removed.push(name);
    }
  }
  if (removed.length > 0) await fsyncDir(folder);
  return removed;
}

/**
 * Commits staged files and gaps into partition `key`: lock, clean leftovers, rename the files in, fsync the
 * folder, write the record. Returns the new record. Safe to call concurrently for one partition (the lock
 * serialises them); a staged file whose range is already fully covered is dropped rather than duplicated.
 */
export async function commitPartition(
  dir: string,
  key: PartitionKey,
  input: CommitInput,
): Promise<DayRecord> {
  const lock = input.lock ?? (await lockPartition(dir, key, input.lockOptions));
  try {
    const current = (await readRecord(dir, key)) ?? emptyRecord(key);
    await cleanPartition(dir, current);
    const day = dayRange(key.date);
    const folder = partitionDir(dir, key);
    const source = input.source ?? 'sync';
    const now = new Date().toISOString();
    const files: ArchiveFile[] = [...current.files];
    const used = new Set(files.map((f) => f.name));
    for (const staged of input.files ?? []) {
      let name = dataFileName(key.date, staged.range);
      for (let i = 1; used.has(name); i++) name = dataFileName(key.date, staged.range, `-${i}`);
      used.add(name);
      await renameDurable(staged.tempPath, join(folder, name));
      files.push({
        name,
        range: staged.range,
        rows: staged.rows,
        bytes: staged.bytes,
        sha256: staged.sha256,
        ...(staged.firstTsNs === undefined
          ? {}
          : { firstTsNs: staged.firstTsNs, lastTsNs: staged.lastTsNs! }),
        ...(staged.firstId === undefined ? {} : { firstId: staged.firstId, lastId: staged.lastId! }),
        source,
        createdAt: now,
      });
    }
    const newGaps = (input.gaps ?? []).map((g) => {
      if (g.range.startNs < day.startNs || g.range.endNs > day.endNs || g.range.startNs >= g.range.endNs) {
        throw new ValidationError(
          'gap.range',
          `${formatIsoNs(g.range.startNs)}..${formatIsoNs(g.range.endNs)}`,
          `a range inside ${key.date}`,
        );
      }
      return g;
    });
    const attempted =
      input.attempted ??
      union(
        (input.files ?? []).map((f) => f.range),
        newGaps.map((g) => g.range),
      );
    const gaps: ArchiveGap[] = [];
    for (const old of current.gaps) {
      for (const rest of subtract([old.range], attempted)) gaps.push({ ...old, range: rest });
    }
    for (const g of newGaps) {
      gaps.push({
        range: g.range,
        reason: g.reason,
        permanent: g.permanent === true,
        source,
        recordedAt: now,
      });
    }
    const record: DayRecord = { ...current, files, gaps, updatedAt: now };
    await writeRecord(dir, record);
    return record;
  } finally {
    if (!input.lock) await lock.release();
  }
}

/**
 * Removes staged files left in `<dir>/.tickwire/tmp/` by dead writers: those of a dead process on this host,
 * and any older than `maxAgeMs` (another host's). Returns how many were removed.
 */
export async function cleanTemp(dir: string, maxAgeMs = 24 * 3600_000): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tempDir(dir));
  } catch {
    return 0;
  }
  let removed = 0;
  const host = hostname();
  for (const name of names) {
    const path = join(tempDir(dir), name);
    const m = /^(.+)-(\d+)-[0-9a-f]+\.parquet\.tmp$/.exec(name);
    let dead = false;
    if (m && m[1] === host) {
      try {
        process.kill(Number(m[2]), 0);
      } catch (error) {
        dead = (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    if (!dead) {
      const st = await stat(path).catch(() => undefined);
      dead = st !== undefined && Date.now() - st.mtimeMs > maxAgeMs;
    }
    if (
      dead &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed++;
  }
  return removed;
}
