/**
 * The recorder's journal: an append-only text file per open data file (segment), so a crash loses at most
 * what was not yet handed to the kernel (the last `flushMs`) and a restart can turn what is on disk into
 * a whole Parquet file. One line per record, the kind's columns (without the derived `time`) separated by
 * tabs; lines starting with `#` are the header and gaps. A torn last line (no newline) is dropped on read.
 *
 * Journals live under `<archive>/.tickwire/record/` (a folder no reader globs). Writes are batched and
 * `writeSync`ed every `flushMs` (kernel page cache: survives SIGKILL), and fsynced every `syncMs`
 * (survives a power loss up to that point).
 *
 * @module
 */
import { closeSync, createReadStream, fsyncSync, openSync, writeSync } from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PartitionKey } from '../archive/layout.js';
import type { NsRange } from '../core/errors.js';
import { type Column, KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';

/** The journal format id, first field of the header line. */
export const JOURNAL_FORMAT = '#tickwire.journal/1';

/** What a journal's header says: the partition and where the segment starts. */
export type JournalHeader = PartitionKey & {
  /** Start of the range the segment is complete from, epoch ns. */
  startNs: bigint;
};

/** A gap noted in a journal. */
export type JournalGap = { range: NsRange; reason: string };

type AnyRecord = Record<string, unknown>;
type AnyColumn = Column<AnyRecord>;

/** Encodes and decodes one kind's records as journal lines. */
export class JournalCodec<K extends KindId> {
  readonly kind: K;
  readonly #columns: readonly AnyColumn[];
  readonly #setters: ((r: AnyRecord, text: string) => void)[];

  constructor(kind: K) {
    this.kind = kind;
    this.#columns = (KINDS[kind].columns as unknown as readonly AnyColumn[]).filter((c) => c.name !== 'time');
    this.#setters = this.#columns.map((c) => setterOf(c));
  }

  /** One record as a line (with its newline). */
  encode(record: RecordOfKind<K>): string {
    let line = '';
    const cols = this.#columns;
    for (let i = 0; i < cols.length; i++) {
      const v = cols[i]!.get(record as unknown as AnyRecord);
      if (i > 0) line += '\t';
      if (v === undefined) continue;
      if (typeof v === 'boolean') line += v ? '1' : '0';
      else if (typeof v === 'string') line += escapeField(v);
      else line += String(v);
    }
    return `${line}\n`;
  }

  /** A line (without newline) back into a record; `undefined` when it does not parse. */
  decode(line: string): RecordOfKind<K> | undefined {
    const parts = line.split('\t');
    if (parts.length !== this.#columns.length) return undefined;
    const r: AnyRecord = {};
    try {
      for (let i = 0; i < parts.length; i++) {
        const text = parts[i]!;
        if (text === '') {
          if (this.#columns[i]!.optional) continue;
          if (this.#columns[i]!.type !== 'string') return undefined;
        }
        this.#setters[i]!(r, text);
      }
    } catch {
      return undefined;
    }
    return r as unknown as RecordOfKind<K>;
  }
}

/** Column names are the record's field names for every live kind. */
function setterOf(c: AnyColumn): (r: AnyRecord, text: string) => void {
  const field = c.name;
  switch (c.type) {
    case 'int64':
    case 'timestamp':
      return (r, t) => {
        if (!/^-?\d+$/.test(t)) throw new Error('not an integer');
        r[field] = BigInt(t);
      };
    case 'double':
      return (r, t) => {
        const n = Number(t);
        if (t === '' || Number.isNaN(n)) throw new Error('not a number');
        r[field] = n;
      };
    case 'bool':
      return (r, t) => {
        if (t !== '0' && t !== '1') throw new Error('not a bool');
        r[field] = t === '1';
      };
    default:
      return (r, t) => {
        r[field] = unescapeField(t);
      };
  }
}

function escapeField(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

function unescapeField(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

function headerLine(h: JournalHeader): string {
  const json = {
    exchange: h.exchange,
    kind: h.kind,
    symbol: h.symbol,
    date: h.date,
    startNs: h.startNs.toString(),
  };
  return `${JOURNAL_FORMAT}\t${JSON.stringify(json)}\n`;
}

/** Options of {@link Journal}. */
export type JournalOptions = {
  /** Most ms a written line waits in memory before it is handed to the kernel. @default 100 */
  flushMs?: number;
  /** Most ms between two fsyncs of the journal. @default 1000 */
  syncMs?: number;
  /** Bytes buffered before an early flush. @default 65_536 */
  maxBufferBytes?: number;
};

/** An open journal, appended to by one segment. Not thread-safe; one writer. */
export class Journal {
  readonly path: string;
  #fd: number | undefined;
  #buffer: string[] = [];
  #bufferBytes = 0;
  readonly #maxBuffer: number;
  readonly #flushTimer: NodeJS.Timeout;
  readonly #syncTimer: NodeJS.Timeout;
  #dirty = false;

  private constructor(path: string, fd: number, options: JournalOptions) {
    this.path = path;
    this.#fd = fd;
    this.#maxBuffer = options.maxBufferBytes ?? 65_536;
    this.#flushTimer = setInterval(() => this.flush(), options.flushMs ?? 100);
    this.#syncTimer = setInterval(() => this.sync(), options.syncMs ?? 1000);
    this.#flushTimer.unref();
    this.#syncTimer.unref();
  }

  /** Creates the journal `path` (which must not exist) with its header, durably. */
  static create(path: string, header: JournalHeader, options: JournalOptions = {}): Journal {
    const fd = openSync(path, 'wx');
    writeSync(fd, headerLine(header));
    fsyncSync(fd);
    return new Journal(path, fd, options);
  }

  /** Appends text (whole lines). */
  append(text: string): void {
    this.#buffer.push(text);
    this.#bufferBytes += text.length;
    if (this.#bufferBytes >= this.#maxBuffer) this.flush();
  }

  /** Notes a gap. */
  gap(g: JournalGap): void {
    this.append(`#gap\t${g.range.startNs}\t${g.range.endNs}\t${escapeField(g.reason)}\n`);
  }

  /** Hands buffered lines to the kernel. */
  flush(): void {
    if (this.#fd === undefined || this.#buffer.length === 0) return;
    const text = this.#buffer.length === 1 ? this.#buffer[0]! : this.#buffer.join('');
    this.#buffer = [];
    this.#bufferBytes = 0;
    writeSync(this.#fd, text);
    this.#dirty = true;
  }

  /** Flushes and fsyncs. */
  sync(): void {
    this.flush();
    if (this.#fd === undefined || !this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.#fd === undefined) return;
    clearInterval(this.#flushTimer);
    clearInterval(this.#syncTimer);
    this.sync();
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** What {@link readJournal} found. */
export type JournalContents = {
  header: JournalHeader;
  /** Gaps noted. */
  gaps: JournalGap[];
  /** Lines that did not parse (a torn last line is not counted). */
  badLines: number;
};

/**
 * Reads a journal: calls `onRecord` for each record in order, returns the header and gaps. A torn last
 * line is ignored. `undefined` when the header itself is missing or torn (the journal holds nothing).
 */
export async function readJournal<K extends KindId>(
  path: string,
  codec: JournalCodec<K> | ((kind: KindId) => JournalCodec<K>),
  onRecord: (record: RecordOfKind<K>) => void | Promise<void>,
): Promise<JournalContents | undefined> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let header: JournalHeader | undefined;
  let c: JournalCodec<K> | undefined;
  const gaps: JournalGap[] = [];
  let bad = 0;
  let pending: string | undefined;
  const handle = async (line: string): Promise<void> => {
    if (header === undefined) return;
    if (line.startsWith('#gap\t')) {
      const [, s, e, reason = ''] = line.split('\t');
      if (s && e && /^\d+$/.test(s) && /^\d+$/.test(e) && BigInt(s) < BigInt(e)) {
        gaps.push({ range: { startNs: BigInt(s), endNs: BigInt(e) }, reason: unescapeField(reason) });
      } else bad++;
      return;
    }
    const r = c!.decode(line);
    if (r === undefined) bad++;
    else await onRecord(r);
  };
  try {
    for await (const line of lines) {
      if (header === undefined) {
        header = parseHeader(line);
        if (header === undefined) return undefined;
        c = typeof codec === 'function' ? codec(header.kind) : codec;
        continue;
      }
      // Lines are handled one behind: the last one may be torn (readline also yields a final line
      // without its newline), and is checked once the file is done.
      if (pending !== undefined) await handle(pending);
      pending = line;
    }
  } finally {
    stream.destroy();
  }
  if (header === undefined) return undefined;
  if (pending !== undefined && (await endsWithNewline(path))) await handle(pending);
  return { header, gaps, badLines: bad };
}

async function endsWithNewline(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const st = await h.stat();
    if (st.size === 0) return false;
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, st.size - 1);
    return b[0] === 0x0a;
  } finally {
    await h.close();
  }
}

/** The header of journal `path`; `undefined` when it is missing or torn. */
export async function readJournalHeader(path: string): Promise<JournalHeader | undefined> {
  const stream = createReadStream(path, { encoding: 'utf8', end: 64 * 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return parseHeader(line);
    return undefined;
  } finally {
    stream.destroy();
  }
}

function parseHeader(line: string): JournalHeader | undefined {
  if (!line.startsWith(`${JOURNAL_FORMAT}\t`)) return undefined;
  try {
    const o = JSON.parse(line.slice(JOURNAL_FORMAT.length + 1)) as Record<string, unknown>;
    if (
      typeof o.exchange !== 'string' ||
      typeof o.kind !== 'string' ||
      !(o.kind in KINDS) ||
      typeof o.symbol !== 'string' ||
      typeof o.date !== 'string' ||
      typeof o.startNs !== 'string' ||
      !/^\d+$/.test(o.startNs)
    ) {
      return undefined;
    }
    return {
      exchange: o.exchange,
      kind: o.kind as KindId,
      symbol: o.symbol,
      date: o.date,
      startNs: BigInt(o.startNs),
    };
  } catch {
    return undefined;
  }
}

/** The recorder's journal folder of an archive. */
export function journalDir(dir: string): string {
  return join(dir, '.tickwire', 'record');
}

/** Every journal file left in the archive's journal folder. */
export async function listJournals(dir: string): Promise<string[]> {
  try {
    const names = await readdir(journalDir(dir));
    return names.filter((n) => n.endsWith('.journal')).map((n) => join(journalDir(dir), n));
  } catch {
    return [];
  }
}

/** Removes a journal. */
export async function removeJournal(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
