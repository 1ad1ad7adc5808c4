/**
 * One recorded series (exchange, kind, symbol) as a sequence of segments: each segment is one future
 * archive file, covering `[start, boundary)` where boundaries are multiples of the rotation period (which
 * divides a day, so no file crosses midnight). Records go into the open segment's journal; a record at or
 * past the boundary closes the segment (committed in the background, in order) and opens the next.
 * Gaps are split over the segments and days they touch.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { commitPartition, type PartitionFileOptions } from '../archive/commit.js';
import { dayOf, dayRange, escapeValue, type SeriesKey } from '../archive/layout.js';
import { intersect, subtract } from '../archive/ranges.js';
import type { NsRange } from '../core/errors.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import type { SeriesMirror } from './db-mirror.js';
import { Journal, type JournalCodec, type JournalOptions, journalDir } from './journal.js';
import { codecOf, commitJournal, type SegmentCommit } from './segment.js';

/** Options of {@link SeriesWriter}. */
export type SeriesWriterOptions = {
  /** The archive. */
  dir: string;
  /** The series. */
  key: SeriesKey;
  /** Rotation period, seconds (divides 86 400). */
  rotateS: number;
  /** Journal timings. */
  journal?: JournalOptions;
  /** Parquet options of the files. */
  parquet?: PartitionFileOptions;
  /** Called after each segment is committed. */
  onCommit?: (commit: SegmentCommit) => void;
  /** Called when committing a segment failed (its journal stays for the next start to recover). */
  onError?: (error: unknown) => void;
  /**
   * Records to open a segment started by rotation with (the book's snapshot at the boundary). Their
   * time must be the boundary.
   */
  onRotate?: (startNs: bigint) => readonly RecordOfKind<KindId>[];
  /** Also writes every record the files get into a database (`record --sink`). */
  mirror?: SeriesMirror<KindId>;
};

type Open = { journal: Journal; startNs: bigint; boundaryNs: bigint; rows: number };

/** Writes one series into journals and commits them as archive files. */
export class SeriesWriter<K extends KindId> {
  readonly key: SeriesKey;
  readonly #o: SeriesWriterOptions;
  readonly #rotNs: bigint;
  readonly #codec: JournalCodec<K>;
  #seg: Open | undefined;
  #startNs: bigint | undefined;
  #futureGaps: { range: NsRange; reason: string }[] = [];
  #chain: Promise<void> = Promise.resolve();
  #lastTsNs: bigint | undefined;
  #pendingCommits = 0;
  #dirMade = false;

  constructor(options: SeriesWriterOptions) {
    this.#o = options;
    this.key = options.key;
    this.#rotNs = BigInt(options.rotateS) * 1_000_000_000n;
    this.#codec = codecOf(options.key.kind) as unknown as JournalCodec<K>;
  }

  /** Time of the last record written. */
  get lastTsNs(): bigint | undefined {
    return this.#lastTsNs;
  }

  /** Start of the open segment, if any. */
  get segmentStartNs(): bigint | undefined {
    return this.#seg?.startNs;
  }

  /** Segment commits not finished yet. */
  get pendingCommits(): number {
    return this.#pendingCommits;
  }

  /** True while a segment is open. */
  get isOpen(): boolean {
    return this.#seg !== undefined;
  }

  /** Sets where coverage starts (before the first record); otherwise it starts at the first record. */
  begin(startNs: bigint): void {
    if (this.#seg === undefined) this.#startNs = startNs;
  }

  /** The next rotation boundary after `ns`. */
  boundaryAfter(ns: bigint): bigint {
    const r = this.#rotNs;
    const floor = ns >= 0n ? (ns / r) * r : ((ns - r + 1n) / r) * r;
    return floor + r;
  }

  /** Rotates (if due) so that a record at `tsNs` goes into the open segment; opens one if none is. */
  advance(tsNs: bigint): void {
    if (this.#seg === undefined) {
      const start = this.#startNs !== undefined && this.#startNs <= tsNs ? this.#startNs : tsNs;
      this.#startNs = undefined;
      this.#openAt(start);
      return;
    }
    while (tsNs >= this.#seg.boundaryNs) {
      const b = this.#seg.boundaryNs;
      this.#closeSegment(b);
      this.#openAt(b);
      const seed = this.#o.onRotate?.(b) ?? [];
      for (const r of seed) this.#append(r as RecordOfKind<K>);
    }
  }

  /** Writes one record (time order). */
  write(record: RecordOfKind<K>): void {
    this.advance((record as { tsNs: bigint }).tsNs);
    this.#append(record);
    this.#o.mirror?.write(record as RecordOfKind<KindId>);
  }

  #append(record: RecordOfKind<K>): void {
    const seg = this.#seg!;
    seg.journal.append(this.#codec.encode(record));
    seg.rows++;
    this.#lastTsNs = (record as { tsNs: bigint }).tsNs;
  }

  /** Records a gap: in the open segment, in committed days before it, or for segments to come. */
  gap(range: NsRange, reason: string): void {
    if (range.startNs >= range.endNs) return;
    const seg = this.#seg;
    const segRange = seg ? { startNs: seg.startNs, endNs: seg.boundaryNs } : undefined;
    const before = seg ? intersect([range], [{ startNs: range.startNs, endNs: seg.startNs }]) : [];
    for (const r of before) this.#commitGap(r, reason);
    if (seg && segRange)
      for (const r of intersect([range], [segRange])) seg.journal.gap({ range: r, reason });
    const after = seg ? subtract([range], [{ startNs: range.startNs, endNs: seg.boundaryNs }]) : [range];
    for (const r of after) this.#futureGaps.push({ range: r, reason });
  }

  /** Commits the part of a gap lying before the open segment straight into its day records. */
  #commitGap(range: NsRange, reason: string): void {
    let at = range.startNs;
    while (at < range.endNs) {
      const date = dayOf(at);
      const day = dayRange(date);
      // biome-ignore lint/complexity/useMathMinMax: bigints
      const end = day.endNs < range.endNs ? day.endNs : range.endNs;
      const part = { startNs: at, endNs: end };
      this.#enqueue(async () => {
        await commitPartition(
          this.#o.dir,
          { ...this.key, date },
          { gaps: [{ range: part, reason }], source: 'record' },
        );
      });
      at = end;
    }
  }

  #openAt(startNs: bigint): void {
    if (!this.#dirMade) {
      mkdirSync(journalDir(this.#o.dir), { recursive: true });
      this.#dirMade = true;
    }
    const date = dayOf(startNs);
    const boundaryNs = this.boundaryAfter(startNs);
    const path = join(
      journalDir(this.#o.dir),
      `${this.key.exchange}~${this.key.kind}~${escapeValue(this.key.symbol)}~${startNs}.journal`,
    );
    const journal = Journal.create(path, { ...this.key, date, startNs }, this.#o.journal);
    this.#seg = { journal, startNs, boundaryNs, rows: 0 };
    const segRange = { startNs, endNs: boundaryNs };
    const keep: { range: NsRange; reason: string }[] = [];
    for (const g of this.#futureGaps) {
      for (const r of intersect([g.range], [{ startNs: g.range.startNs, endNs: startNs }])) {
        this.#commitGap(r, g.reason);
      }
      for (const r of intersect([g.range], [segRange])) journal.gap({ range: r, reason: g.reason });
      for (const r of subtract([g.range], [{ startNs: g.range.startNs, endNs: boundaryNs }])) {
        keep.push({ range: r, reason: g.reason });
      }
    }
    this.#futureGaps = keep;
  }

  #closeSegment(endNs: bigint): void {
    const seg = this.#seg!;
    this.#seg = undefined;
    seg.journal.close();
    const end = endNs < seg.boundaryNs ? endNs : seg.boundaryNs;
    this.#enqueue(async () => {
      const c = await commitJournal(this.#o.dir, seg.journal.path, end, { ...this.#o.parquet });
      if (c && c.range.endNs > c.range.startNs) this.#o.onCommit?.(c);
    });
  }

  #enqueue(task: () => Promise<void>): void {
    this.#pendingCommits++;
    this.#chain = this.#chain
      .then(task)
      .catch((error: unknown) => this.#o.onError?.(error))
      .finally(() => {
        this.#pendingCommits--;
      });
  }

  /** Forces buffered journal lines to the kernel. */
  flush(): void {
    this.#seg?.journal.flush();
  }

  /**
   * Closes the open segment as complete up to `endNs` (exclusive) and waits for every commit. Without an
   * open segment, only waits.
   */
  async close(endNs?: bigint): Promise<void> {
    const end = endNs ?? this.#seg?.startNs;
    if (this.#seg) this.#closeSegment(end!);
    await Promise.all([this.#chain, this.#o.mirror?.close(end)]);
  }

  /** Waits for the commits queued so far. */
  async settled(): Promise<void> {
    await this.#chain;
  }
}
