/**
 * `archive.verify`: re-reads every file of the archive and checks it against its completeness record:
 * the file exists, its size and SHA-256 match, it parses, its row count, the range in its own footer and
 * its partition match the record, rows are in time order, inside the file's range (so inside the day), no
 * record key twice in a day, the first/last time and id match, no `.parquet` file the record does not list,
 * and the record's stated coverage, completeness and row count are what its files back.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KINDS } from '../core/kinds.js';
import { formatIsoNs } from '../core/time.js';
import { openParquet, recordFieldsOf, rowToRecord } from '../sinks/parquet-read.js';
import { PARTITION_METADATA_KEY, RANGE_METADATA_KEY } from './commit.js';
import { type PartitionKey, partitionLabel } from './layout.js';
import { type ArchiveFile, type DayRecord, manifestPath, readRecord, summarize } from './manifest.js';
import { sameRanges } from './ranges.js';
import { findPartitions } from './walk.js';

/** One problem found by {@link verifyArchive}. */
export type VerifyProblem = {
  /** The file (or record, or folder) concerned. */
  path: string;
  /** The partition, when known. */
  partition?: PartitionKey;
  /** A stable name of the check that failed. */
  check:
    | 'record'
    | 'missing-file'
    | 'size'
    | 'checksum'
    | 'unreadable'
    | 'rows'
    | 'footer'
    | 'order'
    | 'outside-range'
    | 'duplicate'
    | 'first-last'
    | 'unlisted'
    | 'claims';
  /** What is wrong, in one line. */
  message: string;
};

/** What {@link verifyArchive} found. */
export type VerifyReport = {
  /** Partitions checked. */
  partitions: number;
  /** Files checked. */
  files: number;
  /** Rows read. */
  rows: number;
  /** Every problem; empty when the archive is consistent. */
  problems: VerifyProblem[];
  /** True when `problems` is empty. */
  ok: boolean;
};

/** Options of {@link verifyArchive}. */
export type VerifyOptions = {
  /** The archive's root folder. */
  dir: string;
  /** Only this exchange. @default every exchange */
  exchange?: string;
  /** Only this `kind=` folder (`trades`, `ohlc-1m`). @default every kind */
  archiveKind?: string;
  /** Only this market id. @default every symbol */
  symbol?: string;
  /** Called after each partition. @default undefined */
  onProgress?: (done: number, total: number) => void;
};

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Verifies the archive at `options.dir` (or a part of it). Never throws for a problem in the archive: each
 * is one entry of `problems`, naming the file.
 */
export async function verifyArchive(options: VerifyOptions): Promise<VerifyReport> {
  const found = await findPartitions(options.dir, options);
  const report: VerifyReport = { partitions: 0, files: 0, rows: 0, problems: [], ok: true };
  for (const [i, p] of found.entries()) {
    await verifyPartition(options.dir, p.key, p.path, report);
    report.partitions++;
    options.onProgress?.(i + 1, found.length);
  }
  report.ok = report.problems.length === 0;
  return report;
}

async function verifyPartition(
  dir: string,
  key: PartitionKey,
  folder: string,
  report: VerifyReport,
): Promise<void> {
  const problem = (path: string, check: VerifyProblem['check'], message: string) =>
    report.problems.push({ path, partition: key, check, message });
  const names = await readdir(folder);
  const recordPath = manifestPath(dir, key);
  let record: DayRecord | undefined;
  try {
    record = await readRecord(dir, key);
  } catch (error) {
    problem(recordPath, 'record', (error as Error).message);
    return;
  }
  if (!record) {
    const data = names.filter((n) => n.endsWith('.parquet'));
    if (data.length > 0)
      problem(folder, 'record', `${data.length} Parquet file(s) but no completeness record`);
    return;
  }
  const listed = new Set(record.files.map((f) => f.name));
  for (const n of names) {
    if (n.endsWith('.parquet') && !listed.has(n)) {
      problem(
        join(folder, n),
        'unlisted',
        'a Parquet file the completeness record does not list (not part of the archive)',
      );
    }
  }
  await checkClaims(recordPath, record, problem);
  const keys = new Set<string>();
  const keyOf = KINDS[key.kind].key as (r: unknown) => string;
  const fields = recordFieldsOf(key.kind);
  const files = [...record.files].sort((a, b) => (a.range.startNs < b.range.startNs ? -1 : 1));
  for (const f of files) {
    report.files++;
    await verifyFile(join(folder, f.name), key, f, fields, keys, keyOf, report, problem);
  }
}

async function checkClaims(
  recordPath: string,
  record: DayRecord,
  problem: (path: string, check: VerifyProblem['check'], message: string) => void,
): Promise<void> {
  // The record's own statement of coverage must be what its files and gaps back.
  const raw = JSON.parse(await readFile(recordPath, 'utf8')) as {
    covered?: { startNs?: string; endNs?: string }[];
    complete?: unknown;
    rows?: unknown;
  };
  const s = summarize(record);
  let stated: { startNs: bigint; endNs: bigint }[] = [];
  try {
    stated = (raw.covered ?? []).map((r) => ({
      startNs: BigInt(r.startNs ?? ''),
      endNs: BigInt(r.endNs ?? ''),
    }));
  } catch {
    problem(recordPath, 'claims', 'covered is not a list of ns ranges');
  }
  if (!sameRanges(stated, s.covered)) {
    problem(
      recordPath,
      'claims',
      `the record claims coverage ${fmt(stated)} but its files and gaps back ${fmt(s.covered)}`,
    );
  }
  if (raw.complete !== s.complete) {
    problem(
      recordPath,
      'claims',
      `the record claims complete=${String(raw.complete)} but its files back complete=${s.complete}`,
    );
  }
  if (raw.rows !== s.rows) {
    problem(recordPath, 'claims', `the record claims ${String(raw.rows)} rows but its files list ${s.rows}`);
  }
}

function fmt(ranges: readonly { startNs: bigint; endNs: bigint }[]): string {
  if (ranges.length === 0) return 'nothing';
  return ranges.map((r) => `[${formatIsoNs(r.startNs)}, ${formatIsoNs(r.endNs)})`).join(' ');
}

async function verifyFile(
  path: string,
  key: PartitionKey,
  f: ArchiveFile,
  fields: ReturnType<typeof recordFieldsOf>,
  keys: Set<string>,
  keyOf: (r: unknown) => string,
  report: VerifyReport,
  problem: (path: string, check: VerifyProblem['check'], message: string) => void,
): Promise<void> {
  const unique = KINDS[key.kind].unique !== false;
  const st = await stat(path).catch(() => undefined);
  if (!st) {
    problem(path, 'missing-file', `listed in the completeness record (${f.rows} rows) but missing`);
    return;
  }
  if (st.size !== f.bytes)
    problem(path, 'size', `size ${st.size} bytes, the record says ${f.bytes} (truncated or replaced)`);
  const sha = await sha256Of(path);
  if (sha !== f.sha256) {
    problem(
      path,
      'checksum',
      `SHA-256 ${sha.slice(0, 16)}… differs from the record's ${f.sha256.slice(0, 16)}…`,
    );
  }
  let file: Awaited<ReturnType<typeof openParquet>>;
  try {
    file = await openParquet(path);
  } catch (error) {
    problem(path, 'unreadable', `not a readable Parquet file: ${(error as Error).message}`);
    return;
  }
  try {
    const range = file.keyValues[RANGE_METADATA_KEY];
    if (range !== `${f.range.startNs}-${f.range.endNs}`) {
      problem(
        path,
        'footer',
        `the file says it covers ${range ?? 'nothing'}, the record claims ${f.range.startNs}-${f.range.endNs}`,
      );
    }
    const part = file.keyValues[PARTITION_METADATA_KEY];
    if (part !== partitionLabel(key)) {
      problem(path, 'footer', `the file belongs to "${part ?? 'unknown'}", not to "${partitionLabel(key)}"`);
    }
    if (file.rows !== f.rows) problem(path, 'rows', `${file.rows} rows, the record says ${f.rows}`);
    let prev: bigint | undefined;
    let first: { tsNs: bigint; id?: string } | undefined;
    let last: { tsNs: bigint; id?: string } | undefined;
    let outside = 0;
    let disorder = 0;
    let dup = 0;
    let firstOutside: bigint | undefined;
    let n = 0;
    for (let g = 0; g < file.rowGroups.length; g++) {
      let rows: Record<string, unknown>[];
      try {
        rows = await file.readRowGroup(g);
      } catch (error) {
        problem(path, 'unreadable', `row group ${g} cannot be read: ${(error as Error).message}`);
        return;
      }
      for (const row of rows) {
        const rec = rowToRecord(fields, row) as { tsNs: bigint; id?: string };
        n++;
        if (rec.tsNs < f.range.startNs || rec.tsNs >= f.range.endNs) {
          outside++;
          firstOutside ??= rec.tsNs;
        }
        if (prev !== undefined && rec.tsNs < prev) disorder++;
        prev = rec.tsNs;
        if (unique) {
          const k = keyOf(rec);
          if (keys.has(k)) dup++;
          else keys.add(k);
        }
        const at = rec.id === undefined ? { tsNs: rec.tsNs } : { tsNs: rec.tsNs, id: String(rec.id) };
        first ??= at;
        last = at;
      }
    }
    report.rows += n;
    if (outside > 0) {
      problem(
        path,
        'outside-range',
        `${outside} row(s) outside the file's range [${formatIsoNs(f.range.startNs)}, ${formatIsoNs(f.range.endNs)}) of day ${key.date}, e.g. at ${formatIsoNs(firstOutside!)}`,
      );
    }
    if (disorder > 0) problem(path, 'order', `${disorder} row(s) earlier than the row before them`);
    if (dup > 0)
      problem(
        path,
        'duplicate',
        `${dup} row(s) whose key (${KINDS[key.kind].keyColumns.join(', ')}) is already in this day`,
      );
    if (
      first?.tsNs !== f.firstTsNs ||
      last?.tsNs !== f.lastTsNs ||
      first?.id !== f.firstId ||
      last?.id !== f.lastId
    ) {
      problem(path, 'first-last', 'the first/last row (time or id) differs from the record');
    }
  } finally {
    await file.close();
  }
}
