/**
 * Sets of half-open ns ranges `[startNs, endNs)`: union, difference, intersection. Pure; every result is
 * sorted, disjoint and without empty ranges.
 *
 * @module
 */
import type { NsRange } from '../core/errors.js';
import { maxNs, minNs } from '../download/report.js';

/** Sorts and merges ranges that overlap or touch. */
export function normalize(ranges: readonly NsRange[]): NsRange[] {
  const sorted = ranges
    .filter((r) => r.startNs < r.endNs)
    .map((r) => ({ startNs: r.startNs, endNs: r.endNs }))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const out: { startNs: bigint; endNs: bigint }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.startNs <= last.endNs) {
      if (r.endNs > last.endNs) last.endNs = r.endNs;
    } else {
      out.push(r);
    }
  }
  return out;
}

/** `a ∪ b`. */
export function union(a: readonly NsRange[], b: readonly NsRange[]): NsRange[] {
  return normalize([...a, ...b]);
}

/** `from − minus`: the parts of `from` not in any range of `minus`. */
export function subtract(from: readonly NsRange[], minus: readonly NsRange[]): NsRange[] {
  const cut = normalize(minus);
  const out: NsRange[] = [];
  for (const r of normalize(from)) {
    let start = r.startNs;
    for (const m of cut) {
      if (m.endNs <= start) continue;
      if (m.startNs >= r.endNs) break;
      if (m.startNs > start) out.push({ startNs: start, endNs: m.startNs });
      if (m.endNs > start) start = m.endNs;
      if (start >= r.endNs) break;
    }
    if (start < r.endNs) out.push({ startNs: start, endNs: r.endNs });
  }
  return out;
}

/** `a ∩ b`. */
export function intersect(a: readonly NsRange[], b: readonly NsRange[]): NsRange[] {
  const bb = normalize(b);
  const out: NsRange[] = [];
  for (const r of normalize(a)) {
    for (const s of bb) {
      const startNs = maxNs(r.startNs, s.startNs);
      const endNs = minNs(r.endNs, s.endNs);
      if (startNs < endNs) out.push({ startNs, endNs });
    }
  }
  return normalize(out);
}

/** True when `ranges` covers all of `range`. */
export function covers(ranges: readonly NsRange[], range: NsRange): boolean {
  return subtract([range], ranges).length === 0;
}

/** True when two range lists describe the same set. */
export function sameRanges(a: readonly NsRange[], b: readonly NsRange[]): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.length === y.length && x.every((r, i) => r.startNs === y[i]!.startNs && r.endNs === y[i]!.endNs);
}

/** Total length of the ranges, in ns. */
export function totalNs(ranges: readonly NsRange[]): bigint {
  return normalize(ranges).reduce((s, r) => s + (r.endNs - r.startNs), 0n);
}
