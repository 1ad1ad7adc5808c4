/**
 * Helpers for archive tests: simulators with request counting, ground truth over a range, reading a whole
 * series back, a snapshot of the archive's files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readArchive } from '../../src/archive/read.js';
import type { KindId, RecordOfKind } from '../../src/core/kinds.js';
import type { FaultOptions } from '../../src/sim/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { SIM_NOW } from './cli-run.js';

/** Paths that are not data: market lists and server time. */
const META = /^\/(api\/v3\/(exchangeInfo|time)|0\/public\/(Time|AssetPairs|Assets)|products|time)$/;

/** Data requests (anything but market lists and server time) the simulator has answered so far. */
export function dataRequests(sim: RunningSimulator): number {
  return Object.entries(sim.stats().byPath)
    .filter(([path]) => !META.test(path))
    .reduce((s, [, n]) => s + n, 0);
}

/** A simulator at the default clock, rate limits off unless asked. */
export function sim(
  exchange: 'binance' | 'coinbase' | 'kraken',
  faults?: FaultOptions,
  rateLimits: 'on' | 'off' = 'off',
): Promise<RunningSimulator> {
  return startSimulator({ exchange, seed: 1, now: SIM_NOW, rateLimits, ...(faults ? { faults } : {}) });
}

/** Quick retries against the simulator's instant faults. */
export const FAST_HTTP = { maxRetries: 8, backoffBase: 0.01, timeout: 10 };

/** Every record of a series in `[startNs, endNs)`, read back through `archive.read`. */
export async function readAll<K extends KindId>(
  dir: string,
  exchange: string,
  kind: K,
  symbol: string,
  startNs: bigint,
  endNs: bigint,
  span?: string,
): Promise<RecordOfKind<K>[]> {
  const out: RecordOfKind<K>[] = [];
  for await (const r of readArchive({
    dir,
    exchange,
    kind,
    symbol,
    start: startNs,
    end: endNs,
    ...(span ? { span } : {}),
  })) {
    out.push(r);
  }
  return out;
}

/** Every file under `dir` (relative path → size), to compare archives before and after. */
export async function snapshotFiles(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = (await readFile(p)).length;
    }
  }
  await walk(dir);
  return out;
}

/** ns of a UTC ISO time. */
export function ns(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}

export { SIM_NOW };
