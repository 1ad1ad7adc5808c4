/**
 * Collect-all on top of a download: every record in memory plus the report.
 *
 * @module
 */
import { IncompleteRangeError } from '../core/errors.js';
import type { Download } from './download.js';
import type { DownloadReport } from './report.js';

/** Every record of a complete download, and its report. */
export type Collected<T> = { items: T[]; report: DownloadReport };

/**
 * Iterates `dl` to the end. Rejects with the error that stopped it; a download that ended without error
 * but left a range undelivered (bars not closed yet, trades after now) rejects with an
 * `IncompleteRangeError` naming it.
 */
export async function collectDownload<T>(dl: Download<T>): Promise<Collected<T>> {
  const items: T[] = [];
  for await (const item of dl) items.push(item);
  const report = await dl.report;
  if (!report.complete) {
    throw new IncompleteRangeError(report.missing[0]?.reason ?? 'The download is incomplete', {
      requested: report.requested,
      covered: report.delivered,
      missing: report.missing.map((m) => m.range),
    });
  }
  return { items, report };
}
