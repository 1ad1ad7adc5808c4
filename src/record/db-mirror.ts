/**
 * `record` with a database sink: every record a series commits into the archive also goes into the
 * database, committed every `flushIntervalMs` (live data reaches the table within about a second).
 *
 * The table holds exactly what the archive holds: records at the newest time of a series are held back
 * until a later record arrives (trade files end just before the last trade time, whose trades may not all
 * have arrived), and at the close only those before the file's end are written. Inserts are
 * `ON CONFLICT DO NOTHING`, so trades refetched after a restart are not doubled.
 *
 * The archive is the source of truth: if the database fails, the archive goes on, the series stops
 * writing to the database, and an `error` event names what the table is missing and how to load it.
 *
 * @module
 */
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { formatIsoNs } from '../core/time.js';
import { type OpenedSink, openSink } from '../sinks/open.js';

/** Where the recorder also writes (`RecordOptions.sink`). */
export type RecordSinkOptions = {
  /** PostgreSQL URL, `postgres://user@host:5432/db` (password: PGPASSWORD or ~/.pgpass). */
  url: string;
  /** Schema of the tables. @default 'public' */
  schema?: string;
  /** Rows per transaction at most. @default 20_000 */
  batchRows?: number;
  /** Longest time a record waits before it is committed, ms. @default 1_000 */
  flushIntervalMs?: number;
};

/** Records queued for the database at most; beyond, the database is too slow and the mirror stops. */
const MAX_QUEUED = 200_000;

/** One series' copy into the database. */
export class SeriesMirror<K extends KindId> {
  readonly #opening: Promise<OpenedSink<K> | undefined>;
  readonly #onError: (error: Error) => void;
  #held: RecordOfKind<K>[] = [];
  #heldTsNs: bigint | undefined;
  #chain: Promise<void>;
  #queued = 0;
  #failed = false;
  /** First time not known to be in the table (for the error message). */
  #firstUnsentNs: bigint | undefined;

  constructor(
    target: RecordSinkOptions,
    scope: { kind: K; exchange: string; symbol: string },
    onError: (error: Error) => void,
  ) {
    this.#onError = onError;
    this.#opening = openSink({
      sink: target.url,
      kind: scope.kind,
      exchange: scope.exchange,
      symbol: scope.symbol,
      ...(target.schema === undefined ? {} : { schema: target.schema }),
      ...(target.batchRows === undefined ? {} : { batchRows: target.batchRows }),
      flushIntervalMs: target.flushIntervalMs ?? 1_000,
    }).catch((error: unknown) => {
      this.#fail(error);
      return undefined;
    });
    this.#chain = this.#opening.then(() => undefined);
  }

  /** Takes the next record of the series (time order). */
  write(record: RecordOfKind<K>): void {
    if (this.#failed) return;
    const ts = (record as { tsNs: bigint }).tsNs;
    if (this.#heldTsNs !== undefined && ts > this.#heldTsNs) this.#release(this.#held.splice(0));
    this.#heldTsNs = ts;
    this.#held.push(record);
  }

  /** Writes the held records before `endNs` (the end of the series' last file), commits and closes. */
  async close(endNs: bigint | undefined): Promise<void> {
    if (!this.#failed && endNs !== undefined) {
      this.#release(this.#held.filter((r) => (r as { tsNs: bigint }).tsNs < endNs));
    }
    this.#held = [];
    await this.#chain;
    const opened = await this.#opening;
    if (!opened) return;
    try {
      await opened.sink.end();
    } catch (error) {
      if (!this.#failed) this.#fail(error);
    }
  }

  #release(records: RecordOfKind<K>[]): void {
    if (records.length === 0 || this.#failed) return;
    if (this.#queued + records.length > MAX_QUEUED) {
      this.#fail(new Error(`the database takes rows too slowly (${this.#queued} queued)`));
      return;
    }
    this.#queued += records.length;
    this.#firstUnsentNs ??= (records[0] as { tsNs: bigint }).tsNs;
    this.#chain = this.#chain.then(async () => {
      const opened = await this.#opening;
      try {
        for (const r of records) {
          if (this.#failed || !opened) return;
          const wait = opened.sink.write(r);
          if (wait) await wait;
          this.#firstUnsentNs = undefined;
        }
      } catch (error) {
        this.#fail(error);
      } finally {
        this.#queued -= records.length;
      }
    });
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#held = [];
    const e = error instanceof Error ? error : new Error(String(error));
    const committed = (e as { lastCommitted?: { tsNs: bigint } }).lastCommitted?.tsNs;
    const from =
      committed !== undefined
        ? `after ${formatIsoNs(committed)}`
        : this.#firstUnsentNs !== undefined
          ? `from ${formatIsoNs(this.#firstUnsentNs)}`
          : 'from the start of this run';
    this.#onError(
      new Error(
        `database: ${e.message}; the archive goes on recording, the table misses this series ${from} ` +
          '(load it from the archive with `tickwire sync ... --archive <dir> --sink <url>`)',
      ),
    );
  }
}
