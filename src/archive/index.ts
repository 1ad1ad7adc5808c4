/**
 * The archive: Hive-partitioned Parquet datasets (`exchange=/kind=/symbol=/date=`) with a completeness
 * record per day, filled by `archive.sync`, read back by `archive.read`, checked by `archive.verify`.
 * Layout and record format: docs/ARCHIVE.md.
 *
 * @example
 * ```ts
 * import { archive } from 'tickwire';
 * const report = await archive.sync({ dir: 'data', exchange: 'binance', kind: 'trades', symbols: ['BTCUSDT'], start: '2024-01-01', end: '2024-01-08' });
 * for await (const t of archive.read({ dir: 'data', exchange: 'binance', kind: 'trades', symbol: 'BTCUSDT', start: '2024-01-01', end: '2024-01-02' })) console.log(t.id, t.price);
 * ```
 *
 * @module
 */
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { archiveCoverage, type CoverageOptions, type SeriesCoverage } from './coverage.js';
import { type ReadOptions, readArchive } from './read.js';
import { type SyncOptions, type SyncReport, type SyncUnitOptions, syncArchive, syncUnit } from './sync.js';
import { type VerifyOptions, type VerifyReport, verifyArchive } from './verify.js';

export {
  type CommitInput,
  cleanPartition,
  cleanTemp,
  commitPartition,
  type GapInput,
  lockPartition,
  PARTITION_METADATA_KEY,
  type PartitionFileOptions,
  PartitionFileWriter,
  RANGE_METADATA_KEY,
  type StagedFile,
} from './commit.js';
export { archiveCoverage, type CoverageOptions, type DayCoverage, type SeriesCoverage } from './coverage.js';
export { ArchiveCorruptError, ArchiveLockedError } from './errors.js';
export {
  DAY_NS,
  dataFileName,
  dayOf,
  dayRange,
  daysOf,
  LOCK_NAME,
  MANIFEST_NAME,
  META_DIR,
  type PartitionKey,
  partitionDir,
  type SeriesKey,
  seriesDir,
} from './layout.js';
export { acquireLock, type HeldLock, type LockOptions } from './lock.js';
export {
  type ArchiveFile,
  type ArchiveGap,
  type DayRecord,
  type DaySummary,
  MANIFEST_FORMAT,
  manifestPath,
  readRecord,
  summarize,
} from './manifest.js';
export { type ReadOptions, readArchive } from './read.js';
export {
  type SyncConnectionOptions,
  type SyncMissing,
  type SyncOptions,
  type SyncProgress,
  type SyncReport,
  type SyncUnitOptions,
  syncArchive,
  syncUnit,
} from './sync.js';
export type { UnitMissing, UnitReport } from './unit.js';
export { type VerifyOptions, type VerifyProblem, type VerifyReport, verifyArchive } from './verify.js';
export { type FoundPartition, findPartitions } from './walk.js';

/** The archive API as one object: `archive.sync(...)`, `archive.read(...)`, ... */
export const archive: {
  /** See {@link syncArchive}. */
  sync(options: SyncOptions): Promise<SyncReport>;
  /** See {@link syncUnit}: one partition, for a fleet worker. */
  syncUnit(options: SyncUnitOptions): Promise<SyncReport>;
  /** See {@link readArchive}. */
  read<K extends KindId>(options: ReadOptions<K>): AsyncGenerator<RecordOfKind<K>, void, undefined>;
  /** See {@link archiveCoverage}. */
  coverage(options: CoverageOptions): Promise<SeriesCoverage[]>;
  /** See {@link verifyArchive}. */
  verify(options: VerifyOptions): Promise<VerifyReport>;
} = {
  sync: syncArchive,
  syncUnit,
  read: readArchive,
  coverage: archiveCoverage,
  verify: verifyArchive,
};
