/**
 * Output of the live commands: whole lines to stdout or a file (every write is one complete line, so a
 * stopped run leaves a valid file), and the line formats of live trades, book views, mark updates and
 * liquidations.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { BookLevel } from '../adapters/order-book.js';
import { ValidationError } from '../core/errors.js';
import { type Column, KINDS } from '../core/kinds.js';
import { formatIsoNs } from '../core/time.js';
import { columnsLine, type SinkFormat } from '../sinks/format.js';
import type {
  BookSnapshotEvent,
  BookUpdateEvent,
  StreamLiquidation,
  StreamMark,
  StreamTrade,
} from '../stream/index.js';

/** Lines to stdout or a file, with backpressure. The file is created on the first line. */
export class LineOutput {
  readonly #path: string | undefined;
  readonly #stdout: Writable;
  #stream: Writable | undefined;
  #ended: Promise<void> | undefined;
  #lines = 0;

  private constructor(path: string | undefined, stdout: Writable) {
    this.#path = path;
    this.#stdout = stdout;
  }

  /**
   * Output to `path` (overwritten), or to `stdout` when `path` is undefined.
   * @throws ValidationError (argument `out`) when `path` cannot be written
   */
  static async open(path: string | undefined, stdout: Writable): Promise<LineOutput> {
    if (path !== undefined) {
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
    return new LineOutput(path, stdout);
  }

  /** Lines written. */
  get lines(): number {
    return this.#lines;
  }

  /** Writes one complete line (with its newline); resolves when the caller may write more. */
  write(line: string): Promise<void> | undefined {
    this.#stream ??= this.#path === undefined ? this.#stdout : createWriteStream(this.#path);
    const s = this.#stream;
    this.#lines++;
    if (s.write(line)) return undefined;
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        s.off('drain', done);
        s.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      s.once('drain', done);
      s.once('error', done);
    });
  }

  /** Flushes and closes a file (stdout stays open). Idempotent. */
  end(): Promise<void> {
    this.#ended ??= new Promise<void>((resolve, reject) => {
      const s = this.#stream;
      if (s === undefined || s === this.#stdout) {
        resolve();
        return;
      }
      s.once('error', reject);
      s.end(resolve);
    });
    return this.#ended;
  }
}

/** The CSV header of live trades. */
export const TRADE_CSV_HEADER = 'tsNs,time,symbol,id,price,amount,side\n';

/** One live trade as a line: `tsNs` as digits (exact), `time` ISO 8601, the unified symbol. */
export function tradeLine(format: SinkFormat, t: StreamTrade): string {
  if (format === 'csv') {
    return `${t.tsNs},${formatIsoNs(t.tsNs)},${t.symbol},${csvField(t.id)},${t.price},${t.amount},${t.side}\n`;
  }
  return `{"tsNs":"${t.tsNs}","time":"${formatIsoNs(t.tsNs)}","symbol":${JSON.stringify(t.symbol)},"id":${JSON.stringify(t.id)},"price":${t.price},"amount":${t.amount},"side":"${t.side}"}\n`;
}

/** The CSV header of book lines with `depth` levels per side: `bid1,bid1Size,...,ask1,ask1Size,...`. */
export function bookCsvHeader(depth: number): string {
  const cols = ['tsNs', 'time', 'symbol', 'event', 'updateId'];
  for (const side of ['bid', 'ask']) {
    for (let i = 1; i <= depth; i++) cols.push(`${side}${i}`, `${side}${i}Size`);
  }
  return `${cols.join(',')}\n`;
}

/** The top `depth` levels of the book after one event, as a line (CSV: empty cells for missing levels). */
export function bookLine(format: SinkFormat, ev: BookSnapshotEvent | BookUpdateEvent, depth: number): string {
  const bids = ev.book.bids(depth);
  const asks = ev.book.asks(depth);
  if (format === 'csv') {
    const cells = (ls: BookLevel[]): string => {
      let s = '';
      for (let i = 0; i < depth; i++) {
        const l = ls[i];
        s += l ? `,${l.price},${l.amount}` : ',,';
      }
      return s;
    };
    return `${ev.tsNs},${formatIsoNs(ev.tsNs)},${ev.symbol},${ev.kind},${ev.updateId ?? ''}${cells(bids)}${cells(asks)}\n`;
  }
  const levels = (ls: BookLevel[]): string => `[${ls.map((l) => `[${l.price},${l.amount}]`).join(',')}]`;
  const id = ev.updateId === undefined ? '' : `,"updateId":${ev.updateId}`;
  return `{"tsNs":"${ev.tsNs}","time":"${formatIsoNs(ev.tsNs)}","symbol":${JSON.stringify(ev.symbol)},"event":"${ev.kind}"${id},"bids":${levels(bids)},"asks":${levels(asks)}}\n`;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The columns of a live derivatives line: the kind's columns with the unified `symbol` after `time`. */
export function liveColumns(kind: 'mark' | 'liquidations'): readonly Column<never>[] {
  const cols = KINDS[kind].columns as readonly Column<never>[];
  const symbol = {
    name: 'symbol',
    type: 'string',
    doc: 'Unified symbol',
    get: (r: { symbol: string }) => r.symbol,
  } as unknown as Column<never>;
  return [cols[0] as Column<never>, cols[1] as Column<never>, symbol, ...cols.slice(2)];
}

/** The CSV header of a live derivatives stream. */
export function liveCsvHeader(kind: 'mark' | 'liquidations'): string {
  return `${liveColumns(kind)
    .map((c) => c.name)
    .join(',')}\n`;
}

/** One live mark update or liquidation as a line (columns of its kind, plus `symbol`). */
export function liveLine(
  format: SinkFormat,
  kind: 'mark' | 'liquidations',
  record: StreamMark | StreamLiquidation,
): string {
  return columnsLine(format, liveColumns(kind), record);
}
