/**
 * What a recorder finds when it starts: journals a killed run left (turned into whole files, as complete
 * up to their last record), staged files of dead writers (removed), and where each series' coverage ends
 * (so trades are refilled over REST from there and a book's downtime is recorded as a gap).
 *
 * @module
 */
import { readdir, rename } from 'node:fs/promises';
import { cleanTemp } from '../archive/commit.js';
import { type SeriesKey, seriesDir } from '../archive/layout.js';
import { readRecord } from '../archive/manifest.js';
import { KINDS } from '../core/kinds.js';
import { listJournals, readJournalHeader } from './journal.js';
import { commitJournal, type SegmentCommit } from './segment.js';

/**
 * Where a recovered segment ends: for kinds with an id (trades) just before the last record's time (trades
 * at that very time may not all have arrived; the next run refetches them over REST), for the others
 * right after it.
 */
export function recoveredEnd(
  kind: keyof typeof KINDS,
): (last: { tsNs: bigint } | undefined, startNs: bigint) => bigint {
  const hasId = KINDS[kind].columns.some((c) => c.name === 'id');
  return (last, startNs) => (last === undefined ? startNs : hasId ? last.tsNs : last.tsNs + 1n);
}

/** Commits every journal left in `dir` (a killed run's open files) and removes dead staged files. */
export async function recoverJournals(
  dir: string,
  onCommit?: (c: SegmentCommit) => void,
  onError?: (path: string, error: unknown) => void,
): Promise<SegmentCommit[]> {
  await cleanTemp(dir);
  const out: SegmentCommit[] = [];
  for (const path of await listJournals(dir)) {
    const h = await readJournalHeader(path);
    const kind = h?.kind ?? 'trades';
    try {
      const c = await commitJournal(dir, path, recoveredEnd(kind));
      if (c && c.range.endNs > c.range.startNs) {
        out.push(c);
        onCommit?.(c);
      }
    } catch (error) {
      // A journal that cannot be committed (e.g. records out of time order) must not stop every later
      // start: it is set aside as `.failed` (kept for inspection, never read again) and reported.
      await rename(path, `${path}.failed`).catch(() => undefined);
      onError?.(path, error);
    }
  }
  return out;
}

/** Where a series' coverage in the archive ends: the latest file's end, with its last id and time. */
export type CoverageEnd = {
  /** End of the latest file's range, epoch ns. */
  endNs: bigint;
  /** Id of its last row (kinds with an id). */
  lastId?: string;
  /** Time of its last row. */
  lastTsNs?: bigint;
};

/** The end of `key`'s coverage in archive `dir` (latest day with a file), or `undefined`. */
export async function coverageEnd(dir: string, key: SeriesKey): Promise<CoverageEnd | undefined> {
  let names: string[];
  try {
    names = await readdir(seriesDir(dir, key));
  } catch {
    return undefined;
  }
  const dates = names
    .filter((n) => /^date=\d{4}-\d{2}-\d{2}$/.test(n))
    .map((n) => n.slice(5))
    .sort()
    .reverse();
  for (const date of dates) {
    const record = await readRecord(dir, { ...key, date });
    if (!record || record.files.length === 0) continue;
    let best = record.files[0]!;
    for (const f of record.files) if (f.range.endNs > best.range.endNs) best = f;
    // The last id and time come from the file holding the latest row (it may end before `best`).
    let withRows = record.files.filter((f) => f.lastTsNs !== undefined);
    withRows = withRows.sort((a, b) => (a.lastTsNs! < b.lastTsNs! ? -1 : a.lastTsNs! > b.lastTsNs! ? 1 : 0));
    const lastRow = withRows.at(-1);
    return {
      endNs: best.range.endNs,
      ...(lastRow?.lastId === undefined ? {} : { lastId: lastRow.lastId }),
      ...(lastRow?.lastTsNs === undefined ? {} : { lastTsNs: lastRow.lastTsNs }),
    };
  }
  return undefined;
}
