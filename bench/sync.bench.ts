/**
 * An archive sync of many small units: `DAYS` (default 60) days of Binance 1m candles, one unit per day (two
 * pages each) into a fresh Parquet archive, against the simulator in its own process with 50 ms latency
 * and Binance's real limits: four units at a time (the old default) cold then warm, then the default
 * (8 units: the 16 pages in flight ÷ 2 pages a unit), each into its own empty archive.
 *
 * The bound is the round trips no client can avoid: `ceil(units / units at once)` rounds of one round trip
 * each (a unit's two pages go out together). Before the head start (`download/head-start.ts`) every unit
 * also waited one round trip for the exchange's clock before its first page, which the second bound shows.
 *
 * Run: `npm run bench -- sync`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncArchive } from '../src/archive/sync.js';
import { startSimProcess } from './helpers/sim-process.js';

const S = 1_000_000_000n;
const NOW = 1_767_225_600_000_000_000n;
const DAYS = Number(process.env['DAYS'] ?? 60);
const LATENCY_S = 0.05;

const sim = await startSimProcess({ exchange: 'binance', faults: { latencyMs: LATENCY_S * 1000 } });
const rows: string[] = [];
try {
  for (const [run, unitsAtOnce] of [
    ['4 at once, cold', 4],
    ['4 at once, warm', 4],
    ['default', undefined],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-sync-bench-'));
    try {
      const before = await sim.stats();
      const t0 = performance.now();
      const report = await syncArchive({
        dir,
        exchange: 'binance',
        kind: 'ohlc',
        span: '1m',
        symbols: ['BTC/USDT'],
        start: NOW - BigInt(DAYS) * 86_400n * S,
        end: NOW,
        baseUrl: sim.url,
        ...(unitsAtOnce === undefined ? {} : { concurrency: unitsAtOnce }),
      });
      const rounds = Math.ceil(DAYS / report.concurrency);
      const bound = rounds * LATENCY_S;
      const boundWithClock = rounds * 2 * LATENCY_S;
      const seconds = (performance.now() - t0) / 1000;
      const after = await sim.stats();
      const count = (path: string) => (after.byPath[path] ?? 0) - (before.byPath[path] ?? 0);
      if (report.rows !== DAYS * 1440) throw new Error(`synced ${report.rows} rows, expected ${DAYS * 1440}`);
      rows.push(
        `| ${run} | ${report.concurrency} | ${report.units.length} | ${report.rows} | ${count('/api/v3/klines')} | ${count('/api/v3/time')} | ` +
          `${after.status429 - before.status429} | ${seconds.toFixed(2)} | ${bound.toFixed(2)} | ` +
          `${(bound / seconds).toFixed(2)} | ${(boundWithClock / seconds).toFixed(2)} |`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
} finally {
  await sim.close();
}

console.log(
  `Machine: ${cpus().length} cores, node ${process.version}. Simulator in its own process (Binance, ${LATENCY_S * 1000} ms latency, real limits). ` +
    `${DAYS} days of 1m candles. Bound: ceil(units ÷ units at once) rounds × ${LATENCY_S * 1000} ms; ` +
    `with a clock round trip per unit, twice that.\n`,
);
console.log(
  '| run | units at once | units | rows | klines requests | time requests | 429 | time (s) | bound (s) | bound / time | bound with the clock / time |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
