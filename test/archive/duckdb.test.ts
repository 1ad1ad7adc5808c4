import { describe, expect, it } from 'vitest';
import { syncArchive } from '../../src/archive/sync.js';
import { FAST_HTTP, ns, sim } from '../helpers/archive.js';
import { tempDir } from '../helpers/cli-run.js';
import { duck, sqlPath } from '../helpers/duckdb.js';

describe('DuckDB reads the archive', () => {
  it("read_parquet('<dir>/**/*.parquet', hive_partitioning = true) gives exactly the simulators' ground truth", async () => {
    const faults = { errorRate: 0.03, resetRate: 0.01, truncateRate: 0.01, seed: 3 };
    const [binance, coinbase] = await Promise.all([sim('binance', faults), sim('coinbase', faults)]);
    const dir = await tempDir(); // candles
    const tdir = await tempDir(); // trades of two exchanges
    try {
      const common = { dir, http: FAST_HTTP };
      const results = await Promise.all([
        syncArchive({
          ...common,
          exchange: 'binance',
          kind: 'ohlc',
          span: '1m',
          symbols: ['BTCUSDT', 'ETHUSDT'],
          start: '2025-12-30',
          end: '2026-01-01',
          baseUrl: binance.url,
        }),
        syncArchive({
          ...common,
          dir: tdir,
          exchange: 'binance',
          kind: 'trades',
          symbols: ['BTCUSDT'],
          start: '2025-12-31T23:45',
          end: '2026-01-01',
          baseUrl: binance.url,
        }),
        syncArchive({
          ...common,
          dir: tdir,
          exchange: 'coinbase',
          kind: 'trades',
          symbols: ['BTC-USD'],
          start: '2025-12-31T23:45',
          end: '2026-01-01',
          baseUrl: coinbase.url,
        }),
      ]);
      expect(results.map((r) => r.complete)).toEqual([true, true, true]);
      const all = `read_parquet(${sqlPath(`${dir}/**/*.parquet`)}, hive_partitioning = true)`;
      const trades = `read_parquet(${sqlPath(`${tdir}/**/*.parquet`)}, hive_partitioning = true)`;
      // Kinds have different columns: one query over both archives unions them by name.
      const both = `read_parquet([${sqlPath(`${dir}/**/*.parquet`)}, ${sqlPath(`${tdir}/**/*.parquet`)}], hive_partitioning = true, union_by_name = true)`;

      const counts = await duck(
        `select exchange, kind, symbol, strftime(date, '%Y-%m-%d') as day, count(*)::int as n from ${both} group by all order by all`,
      );
      expect(counts).toEqual([
        { exchange: 'binance', kind: 'ohlc-1m', symbol: 'BTCUSDT', day: '2025-12-30', n: 1440 },
        { exchange: 'binance', kind: 'ohlc-1m', symbol: 'BTCUSDT', day: '2025-12-31', n: 1440 },
        { exchange: 'binance', kind: 'ohlc-1m', symbol: 'ETHUSDT', day: '2025-12-30', n: 1440 },
        { exchange: 'binance', kind: 'ohlc-1m', symbol: 'ETHUSDT', day: '2025-12-31', n: 1440 },
        {
          exchange: 'binance',
          kind: 'trades',
          symbol: 'BTCUSDT',
          day: '2025-12-31',
          n: binance.truth.trades('BTCUSDT', ns('2025-12-31T23:45Z'), ns('2026-01-01')).length,
        },
        {
          exchange: 'coinbase',
          kind: 'trades',
          symbol: 'BTC-USD',
          day: '2025-12-31',
          n: coinbase.truth.trades('BTC-USD', ns('2025-12-31T23:45Z'), ns('2026-01-01')).length,
        },
      ]);

      for (const [s, exchange, symbol] of [
        [binance, 'binance', 'BTCUSDT'],
        [coinbase, 'coinbase', 'BTC-USD'],
      ] as const) {
        const rows = await duck(
          `select tsNs, epoch_ns(time) as timeNs, typeof(time) as timeType, id, price, amount, side from ${trades} ` +
            `where exchange = '${exchange}' and kind = 'trades' and symbol = '${symbol}' order by tsNs, id`,
        );
        const truth = s.truth.trades(symbol, ns('2025-12-31T23:45Z'), ns('2026-01-01'));
        expect(rows.every((r) => r.timeType === 'TIMESTAMP_NS')).toBe(true);
        expect(
          rows.map((r) => ({ id: r.id, tsNs: r.tsNs, price: r.price, amount: r.amount, side: r.side })),
        ).toEqual(
          [...truth].sort((a, b) => (a.tsNs === b.tsNs ? (a.id < b.id ? -1 : 1) : a.tsNs < b.tsNs ? -1 : 1)),
        );
        expect(rows.map((r) => r.timeNs)).toEqual(rows.map((r) => r.tsNs));
      }
      // Coinbase times carry microseconds: nanosecond columns keep them exactly.
      const [us] = await duck(
        `select count(*)::int as n from ${trades} where exchange = 'coinbase' and tsNs % 1000000 <> 0`,
      );
      expect(Number(us!.n)).toBeGreaterThan(0);

      const bars = await duck(
        `select symbol, tsNs, epoch_ns(time) as timeNs, open, high, low, close, volume from ${all} where kind = 'ohlc-1m' order by symbol, tsNs`,
      );
      for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
        const truth = binance.truth.bars(symbol, 60, ns('2025-12-30'), ns('2026-01-01'));
        const got = bars.filter((b) => b.symbol === symbol);
        expect(got.map(({ symbol: _s, timeNs: _t, ...b }) => b)).toEqual(truth);
        expect(got.map((b) => b.timeNs)).toEqual(truth.map((b) => b.tsNs));
      }
    } finally {
      await Promise.all([binance.close(), coinbase.close()]);
    }
  }, 90_000);
});
