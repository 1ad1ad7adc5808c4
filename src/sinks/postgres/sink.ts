/**
 * `PostgresSink`: records of one kind, exchange and symbol (and span) into their PostgreSQL table, in
 * batches. A batch is either entirely in the table or not at all; a row already present is skipped, so
 * reruns and overlaps are harmless. Each batch goes one of two ways:
 *
 * - **fast path**: one `COPY` straight into the kind's table (one statement, its own transaction). A fresh
 *   range loads at the speed of a plain `COPY`.
 * - **staging path**: when that `COPY` fails on a row already present (unique violation, SQLSTATE 23505,
 *   which rolls the whole `COPY` back), the same text is loaded in one transaction: `COPY` into a
 *   session-private staging table, `INSERT ... SELECT ... ON CONFLICT DO NOTHING` into the kind's table,
 *   `COMMIT`.
 *
 * After a batch that needed the staging path, the next batch goes straight to staging only if this one's
 * last record was already in the table (the overlap goes on past the batch, as in a rerun of a range
 * already loaded); otherwise (a resume, whose overlap is the few rows at the resume time) it tries the
 * fast path again. So an overlap costs one failed `COPY` (at its start) and staged batches until it ends.
 *
 * Batches are pipelined: while one batch is being loaded the producer fills the next; when that one is
 * full too, `write()` returns a promise that settles once the database has taken the first. A slow
 * database therefore slows the producer (the download) instead of growing memory: at most two batches are
 * held.
 *
 * A failure (the server goes away, a constraint or permission error) stops the sink: the batch in flight is
 * rolled back, the next `write()` throws and `end()` rejects with a `PostgresSinkError` that names the last
 * committed record. The sink does not retry: a rerun resumes from what the table holds.
 *
 * @module
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  ClosedError,
  type CommittedRecord,
  type PostgresSinkError,
  ValidationError,
} from '../../core/errors.js';
import { KINDS, type KindId, type RecordOfKind } from '../../core/kinds.js';
import type { ResumePoint } from '../resume.js';
import type { RecordSink } from '../sink.js';
import { BatchBytes } from './batch-bytes.js';
import { connectPostgres, type SinkConnection, sinkError } from './connection.js';
import { type CopyPlan, copyPlan, createStageStatement, emptyCopy } from './copy-text.js';
import { pgTableName } from './ddl.js';
import { type PostgresSinkOptions, type Resolved, resolveOptions } from './options.js';
import { ensureTable, readResumePoint, TableMismatch } from './tables.js';

/**
 * Rows of a sink's first batch; each next batch is twice as large, up to `batchRows`. The database starts
 * working after a few pages instead of a whole batch (20 000 rows by default), and the database has a
 * batch to load while the next fills from the start.
 */
const FIRST_BATCH_ROWS = 2000;

/** Rows between two event-loop turns while a batch loads (a power of two, minus one). */
const YIELD_MASK = 1023;

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How the batches of a {@link PostgresSink} were loaded (see {@link PostgresSink.stats}). */
export type PostgresSinkStats = {
  /** Batches committed by the fast path: one `COPY` straight into the table. */
  readonly fastBatches: number;
  /** Batches committed through the staging table and `INSERT ... ON CONFLICT DO NOTHING`. */
  readonly stagedBatches: number;
  /** Fast `COPY`s rolled back on a row already present (each batch then went through staging). */
  readonly conflicts: number;
};

/** PostgreSQL's SQLSTATE for a unique violation. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === UNIQUE_VIOLATION;
}

/** Streams `bytes` through `COPY ... FROM STDIN` (`sql`) on `client`. */
async function copyIn(client: pg.Client, sql: string, bytes: Buffer): Promise<void> {
  const copy = client.query(copyFrom(sql));
  if (!copy.write(bytes)) await Promise.race([once(copy, 'drain'), finished(copy)]);
  copy.end();
  await finished(copy);
}

/** Stands in for the symbol while it is being resolved (see {@link openPostgresSinkLater}). */
const PENDING_SYMBOL = 'pending/symbol';

let openLater: <K extends KindId>(
  options: Omit<PostgresSinkOptions<K>, 'symbol'>,
  symbol: Promise<string>,
) => Promise<PostgresSink<K>>;

/**
 * `PostgresSink.open` with the symbol still being resolved: connects and prepares the table meanwhile, then
 * waits for `symbol` (the CLI resolves it with the exchange at the same time). When `symbol` rejects, the
 * connection is closed and its reason thrown.
 */
export function openPostgresSinkLater<K extends KindId>(
  options: Omit<PostgresSinkOptions<K>, 'symbol'>,
  symbol: Promise<string>,
): Promise<PostgresSink<K>> {
  return openLater(options, symbol);
}

/** Writes one kind's records for one exchange and symbol into PostgreSQL; a {@link RecordSink}. */
export class PostgresSink<K extends KindId> implements RecordSink<RecordOfKind<K>> {
  readonly #conn: SinkConnection;
  readonly #url: string;
  readonly #kind: K;
  readonly #schema: string;
  readonly #plan: CopyPlan<K>;
  readonly #params: unknown[];
  #stageNext = false;
  #fastBatches = 0;
  #stagedBatches = 0;
  #conflicts = 0;
  readonly #batchRows: number;
  /** Rows of the batch being filled: small at first, doubling to `#batchRows` (see {@link FIRST_BATCH_ROWS}). */
  #fillRows: number;
  readonly #flushMs: number;
  readonly #batch = new BatchBytes();
  #bufRows = 0;
  #bufLast: RecordOfKind<K> | undefined;
  #inflight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #error: PostgresSinkError | undefined;
  #ending: Promise<void> | undefined;
  #rows = 0;
  #committedRows = 0;
  #inserted = 0;
  #lastCommitted: CommittedRecord | undefined;

  private constructor(conn: SinkConnection, options: Resolved<K>) {
    this.#conn = conn;
    this.#url = options.url;
    this.#kind = options.kind;
    this.#schema = options.schema;
    this.#params = [options.exchange, options.symbol];
    if (KINDS[options.kind].span === 'required') this.#params.push(options.spanS);
    this.#plan = copyPlan(options.schema, options.kind, {
      exchange: options.exchange,
      symbol: options.symbol,
      ...(options.spanS === undefined ? {} : { spanS: options.spanS }),
    });
    this.#batchRows = options.batchRows;
    this.#fillRows = Math.min(options.batchRows, FIRST_BATCH_ROWS);
    this.#flushMs = options.flushIntervalMs;
  }

  /**
   * Connects, creates the table when missing (or checks the existing one) and prepares the session's
   * staging table.
   *
   * @throws ValidationError for a bad option (names it; the URL shown is redacted)
   * @throws PostgresSinkError when the database cannot be reached, refuses the login, has a table of that
   *   name that does not fit the kind, or does not let the role insert into it (checked by a `COPY` of no
   *   rows, before anything is downloaded)
   */
  static open<K extends KindId>(options: PostgresSinkOptions<K>): Promise<PostgresSink<K>> {
    return PostgresSink.#open(options, undefined);
  }

  static {
    openLater = (options, symbol) => PostgresSink.#open({ ...options, symbol: PENDING_SYMBOL }, symbol);
  }

  /** {@link PostgresSink.open}, with the symbol from `later` when given (awaited once the table is ready). */
  static async #open<K extends KindId>(
    options: PostgresSinkOptions<K>,
    later: Promise<string> | undefined,
  ): Promise<PostgresSink<K>> {
    // It may reject before it is awaited below (once the table is ready): that is not an unhandled rejection.
    later?.catch(() => {});
    const resolved = resolveOptions(options);
    const table = `${resolved.schema}.${pgTableName(resolved.kind)}`;
    const conn = await connectPostgres(resolved.url, table);
    const ctx = { target: conn.target, table };
    try {
      if (resolved.createTable) {
        await ensureTable(conn.client, resolved.schema, resolved.kind);
      } else {
        const exists = await conn.client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
        if (exists.rows[0]?.ok !== true)
          throw new TableMismatch(`table ${table} does not exist (createTable is off)`);
      }
      // Temporary tables live in local buffers: a few MB more than the 8 MB default keeps a batch in memory.
      await conn.client.query("SET temp_buffers = '64MB'");
      await conn.client.query(createStageStatement(resolved.kind));
      // No rows, in the batches' form: a role that may not insert fails here, before any download.
      const probe = emptyCopy(resolved.schema, resolved.kind);
      await copyIn(conn.client, probe.sql, probe.bytes);
    } catch (error) {
      await conn.client.end().catch(() => {});
      if (error instanceof TableMismatch) throw sinkError(error, resolved.url, ctx, 'unusable table');
      throw sinkError(error, resolved.url, ctx, 'cannot prepare the table');
    }
    if (later) {
      try {
        const symbol = await later;
        if (typeof symbol !== 'string' || symbol === '') {
          throw new ValidationError('options.symbol', symbol, 'a symbol such as BTC/USDT');
        }
        resolved.symbol = symbol;
      } catch (error) {
        await conn.client.end().catch(() => {});
        throw error;
      }
    }
    return new PostgresSink(conn, resolved);
  }

  /** `schema.table` this sink writes. */
  get table(): string {
    return `${this.#schema}.${pgTableName(this.#kind)}`;
  }

  /** The database URL with its password redacted. */
  get target(): string {
    return this.#conn.target;
  }

  /** Records accepted by {@link PostgresSink.write}. */
  get rows(): number {
    return this.#rows;
  }

  /** Records committed (new rows plus rows that were already in the table). */
  get committedRows(): number {
    return this.#committedRows;
  }

  /** Committed records that were new to the table. */
  get insertedRows(): number {
    return this.#inserted;
  }

  /** Committed records that the table already held (skipped by `ON CONFLICT DO NOTHING`). */
  get duplicateRows(): number {
    return this.#committedRows - this.#inserted;
  }

  /** How many batches went by the fast path and how many through staging. */
  get stats(): PostgresSinkStats {
    return {
      fastBatches: this.#fastBatches,
      stagedBatches: this.#stagedBatches,
      conflicts: this.#conflicts,
    };
  }

  /** The last record committed, or `undefined` before the first commit. */
  get lastCommitted(): CommittedRecord | undefined {
    return this.#lastCommitted;
  }

  /**
   * Where the table's rows of this sink's exchange and symbol (and span) end, optionally only counting rows
   * in `range`: the latest time and the ids stored at it (trades). `undefined` when there are none.
   */
  async resumePoint(range?: { startNs: bigint; endNs: bigint }): Promise<ResumePoint | undefined> {
    try {
      return await readResumePoint(this.#conn.client, this.#schema, this.#kind, {
        exchange: this.#params[0] as string,
        symbol: this.#params[1] as string,
        ...(this.#params.length > 2 ? { spanS: this.#params[2] as number } : {}),
        ...(range ? { range } : {}),
      });
    } catch (error) {
      throw this.#fail(error, 'cannot read where the table ends');
    }
  }

  /**
   * Queues one record. Returns a promise when the caller must wait: a full batch is ready while the previous
   * one is still being loaded.
   *
   * @throws PostgresSinkError once a batch has failed; ClosedError after {@link PostgresSink.end}
   */
  write(record: RecordOfKind<K>): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    if (this.#ending) throw new ClosedError(`PostgresSink of ${this.table} has ended`);
    this.#plan.append(this.#batch, record);
    this.#bufRows++;
    this.#bufLast = record;
    this.#rows++;
    if (this.#bufRows >= this.#fillRows) return this.#ship();
    // While a batch is loading, let the event loop turn now and then: a producer that never waits on I/O
    // (records already buffered, resolved through microtasks) would otherwise starve the batch's socket,
    // and the database would sit idle until the next batch is full.
    if (this.#inflight !== undefined && (this.#bufRows & YIELD_MASK) === 0) return yieldToIo();
    if (this.#timer === undefined && this.#flushMs > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#inflight === undefined && this.#bufRows > 0 && !this.#error) this.#startBatch();
      }, this.#flushMs);
      this.#timer.unref();
    }
    return undefined;
  }

  /** Commits every queued record (waits for the batch in flight first). */
  async flush(): Promise<void> {
    if (this.#inflight) await this.#inflight;
    if (this.#error) throw this.#error;
    if (this.#bufRows > 0) {
      this.#startBatch();
      await this.#inflight;
    }
    if (this.#error) throw this.#error;
  }

  /**
   * Commits what is queued and closes the connection. Rejects with the sink's `PostgresSinkError` when a
   * batch failed (the connection is closed all the same). Idempotent.
   */
  end(): Promise<void> {
    this.#ending ??= (async () => {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      try {
        await this.flush();
      } finally {
        await this.#close();
      }
    })();
    return this.#ending;
  }

  /** Starts loading the full buffer, or, while a batch is in flight, returns a promise for room. */
  #ship(): Promise<void> | undefined {
    if (this.#inflight === undefined) {
      this.#startBatch();
      return undefined;
    }
    return this.#inflight.then(() => {
      if (this.#error) throw this.#error;
      if (this.#inflight === undefined && this.#bufRows >= this.#fillRows) this.#startBatch();
    });
  }

  #startBatch(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#plan.seal(this.#batch);
    const text = this.#batch.take();
    const rows = this.#bufRows;
    this.#fillRows = Math.min(this.#batchRows, this.#fillRows * 2);
    const last = this.#bufLast as RecordOfKind<K>;
    this.#bufRows = 0;
    this.#bufLast = undefined;
    const run = this.#load(text, rows, last).then(
      () => {
        this.#inflight = undefined;
        // The database has all of it: the next batch may be written into the same memory.
        this.#batch.recycle(text);
      },
      (error: unknown) => {
        this.#inflight = undefined;
        this.#error ??= this.#fail(error, `batch of ${rows} rows rolled back`);
      },
    );
    this.#inflight = run;
  }

  /** Loads one batch: the fast path unless the previous batch said the overlap goes on; staging on a conflict. */
  async #load(text: Buffer, rows: number, last: RecordOfKind<K>): Promise<void> {
    if (this.#conn.lost) throw this.#conn.lost;
    if (!this.#stageNext) {
      try {
        await this.#copy(this.#plan.copyTable, text);
        this.#fastBatches++;
        this.#recordCommit(rows, rows, last);
        return;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The COPY was its own transaction and is rolled back whole: load the batch through staging.
        this.#conflicts++;
      }
    }
    await this.#loadStaged(text, rows, last);
  }

  /** One transaction: COPY into staging, insert what is new, commit. */
  async #loadStaged(text: Buffer, rows: number, last: RecordOfKind<K>): Promise<void> {
    const client = this.#conn.client;
    await client.query('BEGIN');
    try {
      await this.#copy(this.#plan.copyStage, text);
      const present = await client.query<{ present: boolean }>(this.#plan.exists, this.#plan.keyParams(last));
      const res = await client.query(this.#plan.insert);
      await client.query('COMMIT');
      this.#stagedBatches++;
      this.#stageNext = present.rows[0]?.present === true;
      this.#recordCommit(rows, res.rowCount ?? 0, last);
    } catch (error) {
      // On a live connection the failed transaction must be ended; on a dead one this fails too: ignore.
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /** Streams `text` through `COPY ... FROM STDIN`. */
  #copy(sql: string, text: Buffer): Promise<void> {
    return copyIn(this.#conn.client, sql, text);
  }

  #recordCommit(rows: number, inserted: number, last: RecordOfKind<K>): void {
    this.#committedRows += rows;
    this.#inserted += inserted;
    this.#lastCommitted = { tsNs: last.tsNs, key: KINDS[this.#kind].key(last as never) };
  }

  #fail(error: unknown, doing: string): PostgresSinkError {
    return sinkError(
      error,
      this.#url,
      {
        target: this.#conn.target,
        table: this.table,
        lastCommitted: this.#lastCommitted,
        committedRows: this.#committedRows,
      },
      doing,
    );
  }

  async #close(): Promise<void> {
    // A connection the server cut may never answer `end()`: do not wait on it for long.
    const ended = this.#conn.client.end().catch(() => {});
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
}
