import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { FundingRate, Liquidation, MarkPrice, OHLCBar, Trade } from '../../src/core/records.js';
import { openParquetFile, ParquetRecordWriter } from '../../src/sinks/parquet.js';
import { openParquet, readParquetRecords } from '../../src/sinks/parquet-read.js';
import { tempDir } from '../helpers/cli-run.js';
import { duck, sqlPath } from '../helpers/duckdb.js';

const T0 = 1_767_139_200_123_456_789n; // 2025-12-31T00:00:00.123456789Z: nanoseconds that microseconds would lose

const funding: FundingRate[] = Array.from({ length: 10 }, (_, i) => ({
  tsNs: T0 + BigInt(i) * 28_800_000_000_000n,
  rate: (i - 5) * 0.000_012_5,
  ...(i % 3 === 0 ? {} : { markPrice: 87_000 + i * 1.25 }),
}));

const marks: MarkPrice[] = Array.from({ length: 2500 }, (_, i) => ({
  tsNs: T0 + BigInt(i) * 1_000_000_001n,
  markPrice: 87_000 + Math.sin(i) * 10,
  ...(i % 2 ? { indexPrice: 86_999.5 + i / 1000 } : {}),
  ...(i % 5 ? { fundingRate: 0.0001 } : {}),
  ...(i % 7 ? { nextFundingNs: T0 + 28_800_000_000_000n } : {}),
  recvNs: T0 + BigInt(i) * 1_000_000_001n + 3_141_592n,
}));

const liquidations: Liquidation[] = Array.from({ length: 40 }, (_, i) => ({
  tsNs: T0 + BigInt(i) * 7_000_000_123n,
  side: i % 3 ? 'long' : 'short',
  price: 86_000 + i,
  amount: 0.001 * (i + 1),
  sampled: i % 2 === 0,
}));

async function writeAll<K extends 'funding' | 'mark' | 'liquidations' | 'trades' | 'ohlc'>(
  path: string,
  kind: K,
  rows: readonly unknown[],
  options: { codec?: 'zstd' | 'snappy' | 'none'; rowGroupRows?: number } = {},
) {
  const w = await openParquetFile(path, { kind, ...options });
  for (const r of rows) {
    const wait = w.write(r as never);
    if (wait) await wait;
  }
  return w.end();
}

describe('ParquetRecordWriter: any kind, typed from the kinds registry', () => {
  it('funding with an optional column: nulls where absent, exact ns, read back by hyparquet and DuckDB', async () => {
    const dir = await tempDir();
    const path = join(dir, 'funding.parquet');
    const summary = await writeAll(path, 'funding', funding, { codec: 'snappy' });
    expect(summary.rows).toBe(10);
    const bytes = await readFile(path);
    expect(summary.bytes).toBe(bytes.length);
    expect(summary.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const back: FundingRate[] = [];
    for await (const r of readParquetRecords(path, 'funding')) back.push(r);
    expect(back).toEqual(funding);
    const rows = await duck(
      `select tsNs, epoch_ns(time) as t, typeof(time) as tt, rate, markPrice from read_parquet(${sqlPath(path)}) order by tsNs`,
    );
    expect(rows.map((r) => r.tt)).toEqual(Array(10).fill('TIMESTAMP_NS'));
    expect(rows.map((r) => r.tsNs)).toEqual(funding.map((f) => f.tsNs));
    expect(rows.map((r) => r.t)).toEqual(funding.map((f) => f.tsNs));
    expect(rows.map((r) => r.rate)).toEqual(funding.map((f) => f.rate));
    expect(rows.map((r) => r.markPrice)).toEqual(funding.map((f) => f.markPrice ?? null));
  });

  it('mark prices across many small row groups (zstd): same records, row groups of the size asked', async () => {
    const dir = await tempDir();
    const path = join(dir, 'mark.parquet');
    await writeAll(path, 'mark', marks, { codec: 'zstd', rowGroupRows: 1000 });
    const file = await openParquet(path);
    expect(file.rowGroups).toEqual([1000, 1000, 500]);
    const schema = file.metadata.schema.slice(1).map((s) => `${s.name}:${s.type}:${s.repetition_type}`);
    await file.close();
    expect(schema).toEqual([
      'tsNs:INT64:REQUIRED',
      'time:INT64:REQUIRED',
      'markPrice:DOUBLE:REQUIRED',
      'indexPrice:DOUBLE:OPTIONAL',
      'fundingRate:DOUBLE:OPTIONAL',
      'nextFundingNs:INT64:OPTIONAL',
      'recvNs:INT64:OPTIONAL',
    ]);
    const back: MarkPrice[] = [];
    for await (const r of readParquetRecords(path, 'mark')) back.push(r);
    expect(back).toEqual(marks);
    const [agg] = await duck(
      `select count(*)::int as n, count(indexPrice)::int as idx, sum((nextFundingNs is null)::int)::int as nulls, max(recvNs - tsNs) as lag from read_parquet(${sqlPath(path)})`,
    );
    expect(agg).toEqual({
      n: 2500,
      idx: 1250,
      nulls: marks.filter((m) => m.nextFundingNs === undefined).length,
      lag: 3_141_592n,
    });
  });

  it('liquidations: enum side dictionary-encoded, bool column', async () => {
    const dir = await tempDir();
    const path = join(dir, 'liq.parquet');
    await writeAll(path, 'liquidations', liquidations);
    const file = await openParquet(path);
    const side = file.metadata.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'side');
    await file.close();
    expect(side?.meta_data?.encodings).toContain('RLE_DICTIONARY');
    expect(side?.meta_data?.codec).toBe('ZSTD');
    const back: Liquidation[] = [];
    for await (const r of readParquetRecords(path, 'liquidations')) back.push(r);
    expect(back).toEqual(liquidations);
    const rows = await duck(
      `select side, count(*)::int as n, sum(sampled::int)::int as s from read_parquet(${sqlPath(path)}) group by side order by side`,
    );
    expect(rows).toEqual([
      { side: 'long', n: 26, s: liquidations.filter((l) => l.side === 'long' && l.sampled).length },
      { side: 'short', n: 14, s: liquidations.filter((l) => l.side === 'short' && l.sampled).length },
    ]);
  });

  it('trades and candles keep the CSV column names and types', async () => {
    const dir = await tempDir();
    const trades: Trade[] = [
      { id: '1', tsNs: T0, price: 1.5, amount: 2, side: 'buy' },
      { id: 'a,"b"', tsNs: T0 + 1n, price: 1.25, amount: 0.5, side: 'unknown' },
    ];
    const bars: OHLCBar[] = [{ tsNs: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }];
    await writeAll(join(dir, 't.parquet'), 'trades', trades, { codec: 'none' });
    await writeAll(join(dir, 'o.parquet'), 'ohlc', bars);
    const t = await duck(
      `select * exclude (time), epoch_ns(time) as t from read_parquet(${sqlPath(join(dir, 't.parquet'))})`,
    );
    expect(t).toEqual(
      trades.map((x) => ({
        tsNs: x.tsNs,
        id: x.id,
        price: x.price,
        amount: x.amount,
        side: x.side,
        t: x.tsNs,
      })),
    );
    const o = await duck(`describe select * from read_parquet(${sqlPath(join(dir, 'o.parquet'))})`);
    expect(o.map((r) => `${r.column_name}:${r.column_type}`)).toEqual([
      'tsNs:BIGINT',
      'time:TIMESTAMP_NS',
      'open:DOUBLE',
      'high:DOUBLE',
      'low:DOUBLE',
      'close:DOUBLE',
      'volume:DOUBLE',
    ]);
  });

  it('a caller that never awaits write() still gets every row in order', async () => {
    const dir = await tempDir();
    const path = join(dir, 'eager.parquet');
    const w = await openParquetFile(path, { kind: 'mark', rowGroupRows: 100 });
    for (const m of marks) void w.write(m);
    expect((await w.end()).rows).toBe(marks.length);
    const back: MarkPrice[] = [];
    for await (const r of readParquetRecords(path, 'mark')) back.push(r);
    expect(back).toEqual(marks);
  });

  it('an empty file is a valid Parquet file with the schema and no rows', async () => {
    const dir = await tempDir();
    const path = join(dir, 'empty.parquet');
    const s = await writeAll(path, 'trades', []);
    expect(s.rows).toBe(0);
    const [row] = await duck(`select count(*)::int as n from read_parquet(${sqlPath(path)})`);
    expect(row).toEqual({ n: 0 });
  });

  it('refuses an unknown kind, codec or row-group size, naming the option', async () => {
    const sink = { write: async () => undefined, end: async () => undefined };
    await expect(ParquetRecordWriter.open(sink, { kind: 'candles' as never })).rejects.toMatchObject({
      name: 'ValidationError',
      argument: 'kind',
    });
    await expect(
      ParquetRecordWriter.open(sink, { kind: 'trades', codec: 'lz4' as never }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(ParquetRecordWriter.open(sink, { kind: 'trades', rowGroupRows: 0 })).rejects.toMatchObject({
      argument: 'rowGroupRows',
    });
  });
});
