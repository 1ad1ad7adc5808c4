/**
 * Helpers for the concurrent trades download tests: a fetch counter and one exchange's end-to-end case
 * (faulty simulator, concurrent slices, compared with the ground truth).
 */
import { expect } from 'vitest';
import type { ExchangeAdapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { HTTPError } from '../../src/core/errors.js';
import { download } from '../../src/download/index.js';
import {
  all,
  ascendingUnique,
  clientOptions,
  faultySim,
  firstDifference,
  S,
  SIM_NOW,
} from './adapters-sim.js';

/** One exchange's case. */
export type TradesCase = {
  exchange: 'binance' | 'coinbase' | 'kraken';
  symbol: string;
  scale: number;
  hours: bigint;
};

/** Wraps `fetchTradesPage` to count how many are in flight at once. */
export function counting(adapter: ExchangeAdapter): { max: () => number } {
  const inner = adapter.fetchTradesPage.bind(adapter);
  let now = 0;
  let max = 0;
  adapter.fetchTradesPage = async (...args) => {
    now++;
    max = Math.max(max, now);
    try {
      return await inner(...args);
    } finally {
      now--;
    }
  };
  return { max: () => max };
}

/** Downloads `c.hours` of trades with 4 slices at once against a faulty simulator; asserts exactness. */
export async function expectExactSlicedTrades(c: TradesCase): Promise<void> {
  const sim = await faultySim(c.exchange, c.scale);
  try {
    const opts = clientOptions(sim, c.scale);
    const adapter = createAdapter(c.exchange, opts);
    const inFlight = counting(adapter);
    const end = SIM_NOW - 7200n * S + 987_654_321n;
    const start = end - c.hours * 3600n * S - 123_456_789n;
    const dl = download.trades({
      exchange: c.exchange,
      symbol: c.symbol,
      start,
      end,
      concurrency: 4,
      adapter,
    });
    const trades = await all(dl);
    await adapter.close();
    const truth = sim.truth.trades(c.symbol, start, end);
    expect(truth.length).toBeGreaterThan(10_000);
    expect(trades.length).toBe(truth.length);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
    const report = await dl.report;
    expect(report).toMatchObject({ complete: true, missing: [], items: truth.length });
    expect(report.delivered).toEqual([{ startNs: start, endNs: end }]);
    expect(inFlight.max()).toBeGreaterThan(1);
    const stats = sim.stats();
    expect(stats.faults.error + stats.faults.reset + stats.faults.truncate).toBeGreaterThan(0);
    expect(stats.status429).toBe(0);
    expect(stats.status418).toBe(0);
  } finally {
    await sim.close();
  }
}

/**
 * `adapter` with a `fetchTradesPage` whose third slice to start (its first page, `cursor === null`) keeps
 * failing with a 503: returns where that slice starts, once known.
 */
export function failThirdSlice(adapter: ExchangeAdapter, url: string): { failing: () => bigint | undefined } {
  const inner = adapter.fetchTradesPage.bind(adapter);
  const firstPages: bigint[] = [];
  let failing: bigint | undefined;
  adapter.fetchTradesPage = async (symbol, s, e, limit, cursor, options) => {
    if (cursor === null) {
      firstPages.push(s);
      if (firstPages.length === 3) failing = s;
    }
    if (s === failing) throw new HTTPError(503, `${url}/api/v3/aggTrades`, 'down');
    return inner(symbol, s, e, limit, cursor, options);
  };
  return { failing: () => failing };
}
