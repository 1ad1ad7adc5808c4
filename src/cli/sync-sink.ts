/**
 * `tickwire sync ... --sink <url>`: after the archive is synced, the database gets what the archive holds
 * for the synced range, so the table and the archive agree. Loading is idempotent (the sink inserts with
 * `ON CONFLICT DO NOTHING`) and reads only what the table can be missing: the ranges this run downloaded,
 * and everything after the table's last row in the range (all of it for a table that holds nothing there
 * yet). A rerun of a finished sync therefore reads at most the last moment of the range again and adds
 * nothing.
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import { intersect, normalize } from '../archive/ranges.js';
import { readArchive } from '../archive/read.js';
import type { SyncReport } from '../archive/sync.js';
import type { NsRange } from '../core/errors.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import { openSink } from '../sinks/open.js';
import type { JobSinkTarget } from './sink-output.js';

/** What loading one symbol into the database did. */
export type SyncSinkLoad = {
  /** Market id as archived. */
  symbol: string;
  /** Where the rows went, password redacted. */
  label: string;
  /** Records read from the archive and handed to the database. */
  rows: number;
  /** `N new, M already present`. */
  summary: string;
};

/**
 * Loads the archive's records of every symbol of `report` over `report.requested` into `target`, one
 * table per kind, rows keyed by the unified symbol (resolved through `adapter`).
 *
 * @throws PostgresSinkError when the database cannot be reached or a commit fails
 */
export async function loadSyncIntoSink(
  dir: string,
  report: SyncReport,
  target: JobSinkTarget,
  adapter: ExchangeAdapter,
  signal?: AbortSignal,
  onRows?: (rows: number) => void,
): Promise<SyncSinkLoad[]> {
  const loads: SyncSinkLoad[] = [];
  let total = 0;
  for (const { input, symbol } of report.symbols) {
    signal?.throwIfAborted();
    const market = await adapter.resolveSymbol(input, signal ? { signal } : {});
    const opened = await openSink({
      sink: target.url,
      kind: report.kind,
      exchange: report.exchange,
      symbol: market.symbol,
      ...(report.spanS === undefined ? {} : { spanS: report.spanS }),
      ...(target.schema === undefined ? {} : { schema: target.schema }),
      ...(target.batchRows === undefined ? {} : { batchRows: target.batchRows }),
      resumeWithin: report.requested,
      flushIntervalMs: 0,
    });
    const downloaded = report.units.filter((u) => u.key.symbol === symbol).flatMap((u) => u.downloaded);
    const from = opened.resume?.lastTsNs ?? report.requested.startNs;
    const ranges = intersect(normalize([...downloaded, { startNs: from, endNs: report.requested.endNs }]), [
      report.requested,
    ]);
    let rows = 0;
    let ok = false;
    try {
      for (const range of ranges) {
        rows += await copyRange(dir, report, symbol, range, opened.sink, (n) => onRows?.(total + n));
      }
      ok = true;
    } finally {
      if (ok) await opened.sink.end();
      else await opened.sink.end().catch(() => {});
    }
    total += rows;
    loads.push({ symbol, label: opened.label, rows, summary: opened.summary() });
  }
  return loads;
}

async function copyRange<K extends KindId>(
  dir: string,
  report: SyncReport,
  symbol: string,
  range: NsRange,
  sink: { write(r: RecordOfKind<K>): Promise<void> | undefined },
  onRows: (rows: number) => void,
): Promise<number> {
  let n = 0;
  for await (const rec of readArchive({
    dir,
    exchange: report.exchange,
    kind: report.kind as K,
    ...(report.spanS === undefined ? {} : { span: report.spanS }),
    symbol,
    start: range.startNs,
    end: range.endNs,
  })) {
    const wait = sink.write(rec);
    if (wait) await wait;
    if (++n % 5000 === 0) onRows(n);
  }
  return n;
}
