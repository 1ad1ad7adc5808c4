/**
 * Reading tickwire's Parquet files back into records, one row group at a time (bounded memory), with
 * `hyparquet` (zstd through `hyparquet-compressors`). Column values map back to record fields by name;
 * `timestamp` columns (`time`) are derived from `tsNs` and are not record fields.
 *
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { type Column, KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';

/** An open Parquet file: its footer metadata and a way to read its row groups. */
export type ParquetFile = {
  /** The file's path. */
  path: string;
  /** Footer metadata (schema, row groups, key-value metadata). */
  metadata: FileMetaData;
  /** Key-value metadata of the footer as an object. */
  keyValues: Record<string, string>;
  /** Total rows. */
  rows: number;
  /** Rows of each row group, in file order. */
  rowGroups: number[];
  /** Closes the file. Idempotent. */
  close(): Promise<void>;
  /** Reads row group `index` as plain objects keyed by column name (`bigint` for INT64 and timestamps). */
  readRowGroup(index: number): Promise<Record<string, unknown>[]>;
};

function handleBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? size;
      const buf = Buffer.allocUnsafeSlow(Math.max(0, stop - start));
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await handle.read(buf, off, buf.length - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + off) as ArrayBuffer;
    },
  };
}

/**
 * Opens a Parquet file and parses its footer.
 *
 * @throws Error when the file is not a valid Parquet file (torn, truncated, not Parquet)
 */
export async function openParquet(path: string): Promise<ParquetFile> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const file = handleBuffer(handle, size);
    const metadata = await parquetMetadataAsync(file);
    const keyValues: Record<string, string> = {};
    for (const kv of metadata.key_value_metadata ?? []) keyValues[kv.key] = kv.value ?? '';
    const rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
    const starts: number[] = [];
    let at = 0;
    for (const n of rowGroups) {
      starts.push(at);
      at += n;
    }
    let closed = false;
    return {
      path,
      metadata,
      keyValues,
      rows: Number(metadata.num_rows),
      rowGroups,
      async close() {
        if (closed) return;
        closed = true;
        await handle.close();
      },
      readRowGroup(index) {
        const rowStart = starts[index] ?? 0;
        return parquetReadObjects({
          file,
          metadata,
          rowStart,
          rowEnd: rowStart + (rowGroups[index] ?? 0),
          compressors,
          parsers: { timestampFromNanoseconds: (ns: bigint) => ns },
        }) as Promise<Record<string, unknown>[]>;
      },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

type FieldMap = { name: string; optional: boolean }[];

function fieldsOf(kind: KindId): FieldMap {
  return (KINDS[kind].columns as readonly Column<never>[])
    .filter((c) => c.type !== 'timestamp')
    .map((c) => ({ name: c.name, optional: c.optional === true }));
}

/** Turns one row read back from a file of `kind` into its record (absent optional values omitted). */
export function rowToRecord<K extends KindId>(
  fields: FieldMap,
  row: Record<string, unknown>,
): RecordOfKind<K> {
  const rec: Record<string, unknown> = {};
  for (const f of fields) {
    const v = row[f.name];
    if (v === null || v === undefined) continue;
    rec[f.name] = v;
  }
  return rec as RecordOfKind<K>;
}

/**
 * Reads every record of a Parquet file of `kind`, in file order, one row group in memory at a time.
 * Stopping the iteration early closes the file.
 */
export async function* readParquetRecords<K extends KindId>(
  path: string,
  kind: K,
): AsyncGenerator<RecordOfKind<K>, void, undefined> {
  const file = await openParquet(path);
  const fields = fieldsOf(kind);
  try {
    for (let g = 0; g < file.rowGroups.length; g++) {
      const rows = await file.readRowGroup(g);
      for (const row of rows) yield rowToRecord<K>(fields, row);
    }
  } finally {
    await file.close();
  }
}

/** The record fields of `kind` (its columns but the derived `timestamp` ones). */
export function recordFieldsOf(kind: KindId): FieldMap {
  return fieldsOf(kind);
}
