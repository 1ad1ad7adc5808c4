/**
 * Which units of a job the archive already holds: a day is held when its completeness record covers it
 * whole, apart from ranges recorded as permanent gaps (the exchange does not keep them; rerunning cannot
 * fill them). Read from the completeness records only, as `archive ls` does.
 *
 * @module
 */
import { archiveCoverage } from '../archive/coverage.js';
import { dayRange } from '../archive/layout.js';
import { subtract } from '../archive/ranges.js';
import type { FleetUnit } from './units.js';

/** The dates of `units` (all of one series) that the archive at `dir` holds complete. */
export async function heldDates(dir: string, series: Omit<FleetUnit, 'date'>): Promise<Set<string>> {
  const found = await archiveCoverage({
    dir,
    exchange: series.exchange,
    kind: series.kind,
    ...(series.spanS === undefined ? {} : { span: series.spanS }),
    symbol: series.symbol,
  });
  const held = new Set<string>();
  for (const s of found) {
    for (const d of s.days) {
      const permanent = d.gaps.filter((g) => g.permanent).map((g) => g.range);
      if (subtract(subtract([dayRange(d.date)], d.covered), permanent).length === 0) held.add(d.date);
    }
  }
  return held;
}
