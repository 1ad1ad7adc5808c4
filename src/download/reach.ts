/**
 * The dynamic reach of a source (`KindSourceBase.reach`): a range entirely older than what the exchange
 * can serve right now is refused; an older part is reported missing with the exchange's reason.
 *
 * @module
 */
import type { KindSourceBase } from '../adapters/adapter.js';
import { UnsupportedRangeError } from '../core/errors.js';
import { formatIsoNs } from '../core/time.js';
import type { State } from './download.js';

/**
 * Asks `source.reach` (when it has one) and returns where the download starts: `from`, or the earliest
 * time the exchange can serve when `from` is older (that older part is added to the report's
 * `missing` with the reason).
 *
 * @throws UnsupportedRangeError when `[from, servedEnd)` is entirely older than the reach
 */
export async function applyReach(
  source: KindSourceBase,
  marketId: string,
  from: bigint,
  servedEnd: bigint,
  state: State,
  signal: AbortSignal | undefined,
): Promise<bigint> {
  if (source.reach === undefined || from >= servedEnd) return from;
  const { earliestNs, reason } = await source.reach(marketId, signal ? { signal } : {});
  if (earliestNs <= from) return from;
  if (earliestNs >= servedEnd) {
    throw new UnsupportedRangeError(
      `${reason}; the requested range ${formatIsoNs(from)} – ${formatIsoNs(servedEnd)} is older than ${formatIsoNs(earliestNs)}.`,
      { startNs: from, endNs: servedEnd },
    );
  }
  state.report.missing.push({ range: { startNs: from, endNs: earliestNs }, reason });
  return earliestNs;
}
