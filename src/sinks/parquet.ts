/**
 * A streaming Parquet writer for records of any kind, on `hyparquet-writer`: rows are collected column by
 * column and written one row group at a time (so memory is bounded by one row group, whatever the range),
 * compressed with zstd (default) or snappy. The schema comes from the kind's columns
 * (see {@link parquetSchemaOf}); the file's SHA-256 and size are computed while it is written.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { type FileHandle, open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { ValidationError } from '../core/errors.js';
import {
  type Column,
  type ColumnType,
  isKindId,
  KIND_IDS,
  KINDS,
  type KindId,
  type RecordOfKind,
} from '../core/kinds.js';
import { assertPositiveInt } from '../core/validate.js';
import { compressorsFor, DEFAULT_PARQUET_CODEC, PARQUET_CODECS, type ParquetCodec } from './parquet-codec.js';
import { parquetSchemaOf } from './parquet-schema.js';

/**
 * Default rows per row group (~1 MB of trades before compression, ~0.4 MB after). Larger groups compress a
 * little better but the writer's per-group arrays then push the peak RSS up with the range (measured: a sync
 * of 446 k trades peaks at 226 MiB with 32 Ki rows, 254 MiB with 64 Ki, 446 MiB with 128 Ki).
 */
export const DEFAULT_ROW_GROUP_ROWS = 32_768;

/** Options of a {@link ParquetRecordWriter}. */
export type ParquetWriterOptions<K extends KindId> = {
  /** What is written: any registered kind. */
  kind: K;
  /** Compression codec. @default 'zstd' */
  codec?: ParquetCodec;
  /** zstd level (1 fastest … 19 smallest). @default 3 */
  zstdLevel?: number;
  /** Rows per row group (the unit readers fetch and memory holds). @default 32_768 */
  rowGroupRows?: number;
  /** Key-value metadata stored in the file footer (e.g. the range the file covers). @default {} */
  metadata?: Readonly<Record<string, string>>;
};

/** What a finished Parquet file holds. */
export type ParquetFileSummary = {
  /** Rows written. */
  rows: number;
  /** File size in bytes. */
  bytes: number;
  /** SHA-256 of the whole file, lowercase hex. */
  sha256: string;
};

/** Where the bytes of a Parquet file go. */
export type ByteSink = {
  /** Writes `bytes` (which the caller reuses once the returned promise settles). */
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes and closes. */
  end(): Promise<void>;
};

/** A {@link ByteSink} on a file: `fsync` on end when `durable`. */
export async function fileByteSink(
  path: string,
  durable = false,
): Promise<ByteSink & { abort(): Promise<void> }> {
  const handle: FileHandle = await open(path, 'w');
  let closed = false;
  return {
    async write(bytes) {
      let off = 0;
      while (off < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, off, bytes.length - off);
        off += bytesWritten;
      }
    },
    async end() {
      if (closed) return;
      closed = true;
      try {
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async abort() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** A {@link ByteSink} on a `Writable` (stdout, a pipe); stdout and stderr are not ended. */
export function streamByteSink(out: Writable): ByteSink {
  return {
    async write(bytes) {
      // The stream may keep the chunk: hand it a copy, since the writer reuses its buffer.
      if (!out.write(Buffer.from(bytes))) await once(out, 'drain');
    },
    async end() {
      if (out === process.stdout || out === process.stderr) return;
      out.end();
      await once(out, 'finish');
    },
  };
}

/** hyparquet-writer's byte buffer, handed to the sink once per row group and hashed on the way. */
class SinkWriter extends ByteWriter {
  readonly #sink: ByteSink;
  readonly #hash: Hash = createHash('sha256');
  #chain: Promise<void> = Promise.resolve();

  constructor(sink: ByteSink) {
    super(1 << 20);
    this.#sink = sink;
  }

  flush(): Promise<void> {
    // Hand the sink a copy and reuse the buffer at once; sink writes stay in order (chained), so a caller
    // that does not await a row group cannot reorder or lose bytes.
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    this.#hash.update(bytes);
    this.#chain = this.#chain.then(() => this.#sink.write(bytes));
    return this.#chain;
  }

  override async finish(): Promise<void> {
    await this.flush();
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Column encodings: times and other int64 columns as DELTA_BINARY_PACKED (ascending times cost a few bits a
 * row), strings (trade ids) as DELTA_BYTE_ARRAY (shared prefixes), enums dictionary-encoded; doubles and
 * booleans as the writer decides (a dictionary when it at least halves the size). Measured on six hours of
 * trades: 24 % smaller than the writer's defaults at the same speed (docs/benchmarks.md).
 */
function encodingOf(type: ColumnType): {
  encoding?: 'DELTA_BINARY_PACKED' | 'DELTA_BYTE_ARRAY' | 'RLE_DICTIONARY';
} {
  if (type === 'int64' || type === 'timestamp') return { encoding: 'DELTA_BINARY_PACKED' };
  if (type === 'string') return { encoding: 'DELTA_BYTE_ARRAY' };
  if (type === 'enum') return { encoding: 'RLE_DICTIONARY' };
  return {};
}

type AnyColumn = Column<never> & { get(record: unknown): bigint | number | string | boolean | undefined };

/**
 * Writes records of one kind as a Parquet file to a {@link ByteSink}. Create it with
 * {@link ParquetRecordWriter.open}; `write` each record (await what it returns: that is the backpressure),
 * then `end()` for the {@link ParquetFileSummary}. Until `end()` the output is not a valid Parquet file
 * (the footer comes last), which is why the archive writes to a temporary name and renames.
 */
export class ParquetRecordWriter<K extends KindId> {
  readonly #columns: readonly AnyColumn[];
  readonly #writer: ParquetWriter;
  readonly #bytes: SinkWriter;
  readonly #sink: ByteSink;
  readonly #groupRows: number;
  readonly #buffers: (bigint | number | string | boolean | null)[][];
  #buffered = 0;
  #rows = 0;
  #ended: Promise<ParquetFileSummary> | undefined;

  private constructor(sink: ByteSink, kind: K, writer: ParquetWriter, bytes: SinkWriter, groupRows: number) {
    this.#sink = sink;
    this.#columns = KINDS[kind].columns as unknown as readonly AnyColumn[];
    this.#writer = writer;
    this.#bytes = bytes;
    this.#groupRows = groupRows;
    this.#buffers = this.#columns.map(() => []);
  }

  /**
   * Starts a Parquet file of `options.kind` on `sink`.
   *
   * @throws ValidationError for an unknown kind, codec or a bad row-group size
   */
  static async open<K extends KindId>(
    sink: ByteSink,
    options: ParquetWriterOptions<K>,
  ): Promise<ParquetRecordWriter<K>> {
    if (!isKindId(options.kind)) {
      throw new ValidationError('kind', options.kind, `one of ${KIND_IDS.join(', ')}`);
    }
    const codecName = options.codec ?? DEFAULT_PARQUET_CODEC;
    if (!(PARQUET_CODECS as readonly string[]).includes(codecName)) {
      throw new ValidationError('codec', codecName, `one of ${PARQUET_CODECS.join(', ')}`);
    }
    const groupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
    assertPositiveInt('rowGroupRows', groupRows);
    const { codec, compressors } = await compressorsFor(codecName, options.zstdLevel);
    const bytes = new SinkWriter(sink);
    const kvMetadata = Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value }));
    const writer = new ParquetWriter({
      writer: bytes,
      schema: parquetSchemaOf(options.kind),
      codec,
      compressors,
      ...(kvMetadata.length > 0 ? { kvMetadata } : {}),
      createdBy: 'tickwire (hyparquet-writer)',
    });
    return new ParquetRecordWriter(sink, options.kind, writer, bytes, groupRows);
  }

  /**
   * Sets one key-value entry of the footer (written by `end()`), e.g. the range a file turned out to cover.
   */
  setMetadata(key: string, value: string): void {
    this.#writer.kvMetadata ??= [];
    const kv = this.#writer.kvMetadata;
    const at = kv.findIndex((e) => e.key === key);
    if (at >= 0) kv[at] = { key, value };
    else kv.push({ key, value });
  }

  /** Rows written so far (including those still buffered for the current row group). */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Adds one record. Returns `undefined`, or a promise when a row group is being written: await it before
   * the next call, which is what bounds memory.
   */
  write(record: RecordOfKind<K>): Promise<void> | undefined {
    if (this.#ended) throw new ValidationError('write', 'after end()', 'no write after end()');
    const cols = this.#columns;
    const at = this.#buffered;
    for (let i = 0; i < cols.length; i++) {
      const v = cols[i]!.get(record);
      this.#buffers[i]![at] = v === undefined ? null : v;
    }
    this.#rows++;
    if (++this.#buffered >= this.#groupRows) return this.#flushGroup();
    return undefined;
  }

  /** Writes the last row group and the footer, ends the sink, and returns what the file holds. Idempotent. */
  end(): Promise<ParquetFileSummary> {
    this.#ended ??= (async () => {
      await this.#flushGroup();
      await this.#writer.finish();
      await this.#sink.end();
      return { rows: this.#rows, bytes: this.#bytes.offset, sha256: this.#bytes.digest() };
    })();
    return this.#ended;
  }

  async #flushGroup(): Promise<void> {
    if (this.#buffered === 0) return;
    const rows = this.#buffered;
    const full = rows === this.#groupRows;
    // The buffers are reused for the next group: the writer copies what it encodes.
    const columnData = this.#columns.map((c, i) => ({
      name: c.name,
      data: full ? this.#buffers[i]! : this.#buffers[i]!.slice(0, rows),
      nullable: c.optional === true,
      ...encodingOf(c.type),
      // Min/max statistics where readers prune with them (times, ids as numbers); computing them on
      // prices and strings cost ~8 % of the encode for no pruning anyone does.
      statistics: c.type === 'int64' || c.type === 'timestamp',
    }));
    this.#buffered = 0;
    await this.#writer.write({ columnData, rowGroupSize: rows });
  }
}

/**
 * Opens `path` (created or truncated) for a Parquet file of `options.kind`. With `durable`, the file is
 * fsynced when the writer ends.
 */
export async function openParquetFile<K extends KindId>(
  path: string,
  options: ParquetWriterOptions<K> & { durable?: boolean },
): Promise<ParquetRecordWriter<K>> {
  const sink = await fileByteSink(path, options.durable === true);
  try {
    return await ParquetRecordWriter.open(sink, options);
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
