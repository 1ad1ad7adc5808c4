/**
 * Helpers for the download integration tests: a simulator with the standard faults, the matching
 * client options (rates scaled alike on both sides, fast backoff), and exact comparisons.
 */
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { type RunningSimulator, type SimExchange, startSimulator } from '../../src/sim/index.js';

/** One second, in ns. */
export const S = 1_000_000_000n;
/** The simulator's default "now": 2026-01-01T00:00:00Z. */
export const SIM_NOW = 1_767_225_600_000_000_000n;

/** 5 % 5xx, 1 % resets, 1 % truncated bodies. */
export const FAULTS = { errorRate: 0.05, resetRate: 0.01, truncateRate: 0.01 };

/** Starts a simulator with faults on and its rate limits scaled by `scale`. */
export function faultySim(
  exchange: SimExchange,
  scale: number,
  faults: Record<string, number> = FAULTS,
): Promise<RunningSimulator> {
  return startSimulator({ exchange, faults: { ...faults, seed: 7 }, rateLimits: { scale } });
}

/** Client options matching {@link faultySim}: the same rate scale and a quick retry backoff. */
export function clientOptions(sim: RunningSimulator, rateScale: number) {
  return { baseUrl: sim.url, rateScale, http: { backoffBase: 0.005, maxRetries: 8, timeout: 10 } };
}

/** Collects an async iterable. */
export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Index of the first record that differs (-1 when equal), comparing every field exactly. */
export function firstDifference<T extends OHLCBar | Trade>(got: readonly T[], want: readonly T[]): number {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const a = got[i] as Record<string, unknown> | undefined;
    const b = want[i] as Record<string, unknown> | undefined;
    if (!a || !b) return i;
    for (const k of Object.keys(b)) if (a[k] !== b[k]) return i;
  }
  return -1;
}

/** True when the trades are strictly ascending by (time, id order) and no id repeats. */
export function ascendingUnique(trades: readonly { id: string; tsNs: bigint }[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    if (i > 0 && t.tsNs < trades[i - 1]!.tsNs) return false;
  }
  return true;
}
