/**
 * Streaming record writers: CSV or JSONL to any `Writable` (a file, stdout, a pipe), with bounded memory.
 * Lines are batched into chunks; when the destination is slow, `write()` returns a promise that settles on
 * `'drain'`, so a producer that awaits it never buffers more than one chunk.
 *
 * @module
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ValidationError } from '../core/errors.js';
import { isKindId, KIND_IDS } from '../core/kinds.js';
import {
  csvHeader,
  csvLine,
  jsonLine,
  type RecordKind,
  type RecordOf,
  SINK_FORMATS,
  type SinkFormat,
} from './format.js';
import type { RecordSink } from './sink.js';

/** Options of a {@link RecordWriter}. */
export type RecordWriterOptions<K extends RecordKind> = {
  /** What is written: any registered kind (`ohlc`, `trades`, `funding`, ...). */
  kind: K;
  /** File format. */
  format: SinkFormat;
  /**
   * Write a CSV header first. Off when appending to a file that already has rows.
   * @default true
   */
  header?: boolean;
  /**
   * Bytes collected before they are handed to the destination in one write.
   * @default 65_536
   */
  chunkBytes?: number;
};

/** Writes records of one kind as CSV or JSONL lines to a `Writable`; a {@link RecordSink}. */
export class RecordWriter<K extends RecordKind> implements RecordSink<RecordOf<K>> {
  readonly #out: Writable;
  readonly #kind: K;
  readonly #format: SinkFormat;
  readonly #chunkBytes: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  #rows = 0;
  #ended = false;

  /** @param out destination; it is ended by {@link RecordWriter.end} unless it is stdout/stderr */
  constructor(out: Writable, options: RecordWriterOptions<K>) {
    if (!SINK_FORMATS.includes(options.format)) {
      throw new ValidationError('format', options.format, `one of ${SINK_FORMATS.join(', ')}`);
    }
    if (!isKindId(options.kind)) {
      throw new ValidationError('kind', options.kind, `one of ${KIND_IDS.join(', ')}`);
    }
    this.#out = out;
    this.#kind = options.kind;
    this.#format = options.format;
    this.#chunkBytes = options.chunkBytes ?? 65_536;
    if (options.format === 'csv' && options.header !== false) this.#push(csvHeader(options.kind));
  }

  /** Rows written so far (the header not counted). */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Queues one record. Returns `undefined` when the caller may go on at once, or a promise that settles when
   * the destination has drained; awaiting it is what keeps memory bounded.
   */
  write(record: RecordOf<K>): Promise<void> | undefined {
    const line = this.#format === 'csv' ? csvLine(this.#kind, record) : jsonLine(this.#kind, record);
    this.#rows++;
    this.#push(line);
    return this.#pendingBytes >= this.#chunkBytes ? this.flush() : undefined;
  }

  /** Hands every queued line to the destination and waits for `'drain'` if it asked to. */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!this.#out.write(chunk)) await drainOrFail(this.#out);
  }

  /** Flushes and ends the destination (stdout and stderr are flushed, not ended). Idempotent. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.flush();
    if (this.#out === process.stdout || this.#out === process.stderr) return;
    this.#out.end();
    await once(this.#out, 'finish');
  }

  #push(line: string): void {
    this.#pending.push(line);
    this.#pendingBytes += line.length;
  }
}

async function drainOrFail(out: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * Opens `path` for writing records: a new file (created or truncated), or, with `append`, the end of an
 * existing one (no second CSV header when the file already has content).
 */
export async function openFileWriter<K extends RecordKind>(
  path: string,
  options: RecordWriterOptions<K> & { append?: boolean },
): Promise<RecordWriter<K>> {
  let hasContent = false;
  if (options.append) {
    try {
      hasContent = (await stat(path)).size > 0;
    } catch {
      hasContent = false;
    }
  }
  const out = createWriteStream(path, { flags: options.append ? 'a' : 'w' });
  await once(out, 'open');
  return new RecordWriter(out, { ...options, header: options.header !== false && !hasContent });
}
