/**
 * The contract every record sink fills (a CSV/JSONL {@link RecordWriter}, a `PostgresSink`, and whatever
 * comes next), so the layers that produce records — a download, the archive sync, the live recorder — take
 * any of them and keep memory bounded the same way.
 *
 * @module
 */

/**
 * Where records go, one at a time, with backpressure.
 *
 * - {@link RecordSink.write} queues one record. It returns `undefined` when the producer may go on at once,
 *   or a promise that settles when the sink has room again. A producer that awaits every promise it gets
 *   never makes the sink hold more than a bounded amount (one chunk for a file, two batches for a
 *   database). It throws (synchronously) once the sink has failed, with the sink's error.
 * - {@link RecordSink.end} writes what is queued, makes it durable as far as the sink can (a file is
 *   ended; a database commits), and releases the destination. It rejects with the sink's error when
 *   something could not be written. Idempotent.
 *
 * Records are written in the order given; a sink never reorders or drops one silently.
 */
export interface RecordSink<R> {
  /** Records accepted by {@link RecordSink.write} so far. */
  readonly rows: number;
  /** Queues `record`; a returned promise must be awaited before the next write (backpressure). */
  write(record: R): Promise<void> | undefined;
  /** Flushes, commits and closes. Idempotent. */
  end(): Promise<void>;
}
