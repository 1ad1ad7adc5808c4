/**
 * `--format parquet` for downloads: a Parquet file is valid only once its footer is written, so it is built
 * under a temporary name beside `--out` and renamed when the run ends (also after Ctrl-C, with what was
 * downloaded). A file killed mid-run leaves the previous `--out` untouched. Resuming copies the existing
 * file's rows into the new one first, then the download continues after its last row.
 *
 * @module
 */
import { rename, stat, unlink } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { tempNameFor } from '../archive/durable.js';
import { ValidationError } from '../core/errors.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { openParquetFile, ParquetRecordWriter, streamByteSink } from '../sinks/parquet.js';
import { openParquet, readParquetRecords } from '../sinks/parquet-read.js';
import type { ResumePoint } from '../sinks/resume.js';

/** A Parquet output as the CLI's output sink uses it. */
export type ParquetOutput<K extends KindId> = {
  readonly rows: number;
  write(record: RecordOfKind<K>): Promise<void> | undefined;
  end(): Promise<void>;
};

/** Where an existing Parquet `--out` ends, or `undefined` when there is none. */
export async function parquetResumePoint(path: string, kind: KindId): Promise<ResumePoint | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st || st.size === 0) return undefined;
  let rows: number;
  try {
    const file = await openParquet(path);
    rows = file.rows;
    const names = file.metadata.schema.slice(1).map((s) => s.name);
    await file.close();
    const { KINDS } = await import('../core/kinds.js');
    const want = KINDS[kind].columns.map((c) => c.name);
    if (names.join(',') !== want.join(',')) throw new Error('other columns');
  } catch {
    throw new ValidationError(
      'out',
      path,
      `a Parquet file of ${kind} written by tickwire (to resume), or a new file`,
    );
  }
  if (rows === 0) return undefined;
  let lastTsNs = 0n;
  let ids = new Set<string>();
  for await (const r of readParquetRecords(path, kind)) {
    const rec = r as { tsNs: bigint; id?: string };
    if (rec.tsNs !== lastTsNs) ids = new Set();
    lastTsNs = rec.tsNs;
    if (rec.id !== undefined) ids.add(rec.id);
  }
  return { lastTsNs, idsAtLastTs: ids, truncatedBytes: 0 };
}

/** Opens a Parquet output on stdout. */
export async function parquetToStream<K extends KindId>(out: Writable, kind: K): Promise<ParquetOutput<K>> {
  return ParquetRecordWriter.open(streamByteSink(out), { kind }).then((w) => ({
    get rows() {
      return w.rows;
    },
    write: (r: RecordOfKind<K>) => w.write(r),
    end: async () => {
      await w.end();
    },
  }));
}

/** Opens a Parquet output file: a temporary file renamed over `path` by `end()`; with `resume`, the old rows first. */
export async function parquetToFile<K extends KindId>(
  path: string,
  kind: K,
  resume: boolean,
): Promise<ParquetOutput<K>> {
  const tmp = tempNameFor(path);
  const w = await openParquetFile(tmp, { kind, durable: true });
  let copied = 0;
  try {
    if (resume && (await stat(path).catch(() => undefined))) {
      for await (const r of readParquetRecords(path, kind)) {
        const wait = w.write(r);
        if (wait) await wait;
        copied++;
      }
    }
  } catch (error) {
    await w.end().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  return {
    get rows() {
      return w.rows - copied;
    },
    write: (r) => w.write(r),
    async end() {
      await w.end();
      await rename(tmp, path);
    },
  };
}
