/**
 * Where records go: stdout (so the CLI pipes), or a file that is either started afresh or resumed after
 * its last complete row. The file is opened on the first record, so a run that fails before any data
 * (unknown symbol, bad range) leaves no empty file behind.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { ValidationError } from '../core/errors.js';
import type { OutputFormat, RecordKind, RecordOf } from '../sinks/format.js';
import type { ResumePoint } from '../sinks/resume.js';
import { prepareResume } from '../sinks/resume.js';
import { openFileWriter, RecordWriter } from '../sinks/writer.js';

/** What the sink writes through: a CSV/JSONL `RecordWriter` or a Parquet output. */
type RowWriter<K extends RecordKind> = {
  readonly rows: number;
  write(record: RecordOf<K>): Promise<void> | undefined;
  end(): Promise<void>;
};

/** What {@link openOutput} found and decided. */
export type OutputPlan = {
  /** The file, or `undefined` for stdout. */
  path: string | undefined;
  /** Where the existing file ends, when resuming into one that has rows. */
  resume: ResumePoint | undefined;
};

/** A record sink that opens its destination lazily. */
export class OutputSink<K extends RecordKind> {
  readonly plan: OutputPlan;
  readonly #open: () => Promise<RowWriter<K>>;
  #writer: RowWriter<K> | undefined;
  #opening: Promise<RowWriter<K>> | undefined;

  constructor(plan: OutputPlan, open: () => Promise<RowWriter<K>>) {
    this.plan = plan;
    this.#open = open;
  }

  /** Rows written so far. */
  get rows(): number {
    return this.#writer?.rows ?? 0;
  }

  /** Writes one record; returns a promise when the caller must wait (first record, or backpressure). */
  write(record: RecordOf<K>): Promise<void> | undefined {
    if (this.#writer) return this.#writer.write(record);
    return this.#ensure().then((w) => w.write(record));
  }

  /**
   * Flushes and closes. With `createIfEmpty`, a run that wrote nothing still creates the file (a complete
   * download of an empty range is a file with just the CSV header).
   */
  async end(createIfEmpty: boolean): Promise<void> {
    if (!this.#writer && !this.#opening && !createIfEmpty) return;
    const w = await this.#ensure();
    await w.end();
  }

  #ensure(): Promise<RowWriter<K>> {
    this.#opening ??= this.#open().then((w) => {
      this.#writer = w;
      return w;
    });
    return this.#opening;
  }
}

/** Options of {@link openOutput}. */
export type OpenOutputOptions<K extends RecordKind> = {
  kind: K;
  format: OutputFormat;
  /** The file (`--out`), or `undefined` for `stdout`. */
  path: string | undefined;
  /** Continue an existing file after its last row (default) rather than overwrite it (`--force`). */
  resume: boolean;
  /** The stream used when `path` is undefined. */
  stdout: Writable;
};

/**
 * Prepares the output: with `resume`, reads where an existing file ends (cutting a torn last line left by a
 * killed run) and appends after it; otherwise the file is overwritten.
 *
 * @throws ValidationError (argument `out`) when the existing file is not this kind and format, or the file
 *   cannot be written (missing or read-only folder, a folder given as the file)
 */
export async function openOutput<K extends RecordKind>(
  options: OpenOutputOptions<K>,
): Promise<OutputSink<K>> {
  const { kind, format, path } = options;
  if (format === 'parquet') {
    // Loaded only for Parquet: the Parquet libraries are a good share of the CLI's start-up.
    const { parquetResumePoint, parquetToFile, parquetToStream } = await import('./parquet-output.js');
    if (path === undefined) {
      return new OutputSink({ path, resume: undefined }, () => parquetToStream(options.stdout, kind));
    }
    await assertWritable(path);
    const resume = options.resume ? await parquetResumePoint(path, kind) : undefined;
    return new OutputSink({ path, resume }, () => parquetToFile(path, kind, options.resume));
  }
  if (path === undefined) {
    const plan: OutputPlan = { path, resume: undefined };
    return new OutputSink(plan, async () => new RecordWriter(options.stdout, { kind, format }));
  }
  await assertWritable(path);
  const resume = options.resume ? await prepareResume(path, kind, format) : undefined;
  const plan: OutputPlan = { path, resume };
  return new OutputSink(plan, () => openFileWriter(path, { kind, format, append: options.resume }));
}

/** Checks up front (the file itself is opened lazily) that `path` can be written. */
async function assertWritable(path: string): Promise<void> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const dirOk = await access(dirname(path), constants.W_OK).then(
    () => true,
    () => false,
  );
  if (isDir || !dirOk) {
    throw new ValidationError('out', path, 'a file path in an existing folder you can write to');
  }
}
