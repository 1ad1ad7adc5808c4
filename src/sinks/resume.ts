/**
 * Resuming a download into a file it already wrote: find the last complete record, cut off a torn last
 * line (a run killed mid-write), and tell the caller where to start so there is no gap and no duplicate.
 *
 * @module
 */
import { open, stat, truncate } from 'node:fs/promises';
import { ValidationError } from '../core/errors.js';
import { CSV_COLUMNS, parseLineKey, type RecordKind, type SinkFormat } from './format.js';

/** Where a resumed download picks up. */
export type ResumePoint = {
  /** Time of the last complete record in the file. */
  lastTsNs: bigint;
  /** Trade ids already written at `lastTsNs` (trades share nanoseconds); empty for candles. */
  idsAtLastTs: ReadonlySet<string>;
  /** Bytes cut from the end of the file because the last line was incomplete. */
  truncatedBytes: number;
};

/**
 * Reads the end of `path` and returns its {@link ResumePoint}, or `undefined` when the file is missing,
 * empty, or holds only a header. A torn last line is removed from the file first.
 *
 * @throws ValidationError when the file's content is not records of `kind` in `format`
 */
export async function prepareResume(
  path: string,
  kind: RecordKind,
  format: SinkFormat,
): Promise<ResumePoint | undefined> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  const handle = await open(path, 'r');
  try {
    if (!(await hasNewline(handle, size))) {
      // Killed before the first line was complete: nothing usable, start the file afresh.
      await truncate(path, 0);
      return undefined;
    }
    await checkHeader(handle, path, kind, format);
    let span = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = Buffer.alloc(span);
      await handle.read(buf, 0, span, size - span);
      const text = buf.toString('utf8');
      const lastNl = text.lastIndexOf('\n');
      const truncatedBytes = Buffer.byteLength(text.slice(lastNl + 1));
      const whole = lastNl >= 0 ? text.slice(0, lastNl) : '';
      const lines = whole.split('\n');
      // The first line of a partial read may be cut: only trust it when the read reached the file start.
      const startIdx = span === size ? 0 : 1;
      const point = collect(lines.slice(startIdx), kind, format);
      if (point && (point.sawOlder || span === size)) {
        if (truncatedBytes > 0) await truncate(path, size - truncatedBytes);
        return { lastTsNs: point.lastTsNs, idsAtLastTs: point.ids, truncatedBytes };
      }
      if (span === size) {
        if (truncatedBytes > 0) await truncate(path, size - truncatedBytes);
        return undefined;
      }
      span = Math.min(size, span * 4);
    }
  } finally {
    await handle.close();
  }
}

function collect(
  lines: string[],
  kind: RecordKind,
  format: SinkFormat,
): { lastTsNs: bigint; ids: Set<string>; sawOlder: boolean } | undefined {
  let last: bigint | undefined;
  const ids = new Set<string>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line === '') continue;
    const key = parseLineKey(kind, format, line);
    if (!key) continue;
    if (last === undefined) last = key.tsNs;
    if (key.tsNs !== last) return { lastTsNs: last, ids, sawOlder: true };
    if (key.id !== undefined) ids.add(key.id);
    if (kind === 'ohlc') return { lastTsNs: last, ids, sawOlder: true };
  }
  return last === undefined ? undefined : { lastTsNs: last, ids, sawOlder: false };
}

async function hasNewline(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<boolean> {
  const buf = Buffer.alloc(Math.min(size, 4096));
  const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
  return buf.subarray(0, bytesRead).includes(10) || size > 4096;
}

async function checkHeader(
  handle: Awaited<ReturnType<typeof open>>,
  path: string,
  kind: RecordKind,
  format: SinkFormat,
): Promise<void> {
  const buf = Buffer.alloc(512);
  const { bytesRead } = await handle.read(buf, 0, 512, 0);
  const first = buf.toString('utf8', 0, bytesRead).split('\n')[0] ?? '';
  const ok =
    format === 'csv'
      ? first === CSV_COLUMNS[kind].join(',')
      : first.startsWith('{"tsNs":') && (kind === 'trades') === first.includes('"id":');
  if (!ok) {
    throw new ValidationError(
      'out',
      path,
      `a ${format.toUpperCase()} file of ${kind} written by tickwire (to resume), or a new file`,
    );
  }
}
