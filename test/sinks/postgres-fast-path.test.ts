/**
 * PostgresSink's fast path against a real PostgreSQL: a fresh range is loaded by plain `COPY`s into the
 * table (no staging), a batch that meets rows already present is rolled back and loaded through staging,
 * and the batches after it go fast again as soon as the overlap is behind them. Whatever the path, the
 * table ends as the ground truth with no duplicate and the inserted / duplicate counts are exact.
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_IDS, KINDS, type RecordOfKind } from '../../src/core/kinds.js';
import type { Trade } from '../../src/core/records.js';
import { PostgresSink } from '../../src/sinks/postgres/index.js';
import { expectedRows, tableRows } from '../helpers/postgres-rows.js';
import { samples } from '../helpers/postgres-samples.js';
import { PostgresTestServer } from '../helpers/postgres-server.js';

const T0 = 1_767_225_600_000_000_000n;
const BATCH = 1000;

let server: PostgresTestServer;
let dbCount = 0;
const freshDb = async (): Promise<{ url: string; database: string }> => {
  const database = `fast${++dbCount}`;
  return { url: await server.createDatabase(database), database };
};

beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

/** Trade `i`: one per 1.5 ms (so several share a microsecond-truncated second), prices with decimals. */
const trade = (i: number): Trade => ({
  id: String(1_000_000 + i),
  tsNs: T0 + BigInt(i) * 1_500_123n,
  price: 42_000 + (i % 997) / 100,
  amount: 0.001 * ((i % 13) + 1),
  side: i % 3 === 0 ? 'buy' : i % 3 === 1 ? 'sell' : 'unknown',
});
const range = (from: number, to: number): Trade[] =>
  Array.from({ length: to - from }, (_, k) => trade(from + k));

async function load(url: string, trades: readonly Trade[]): Promise<PostgresSink<'trades'>> {
  const sink = await PostgresSink.open({
    url,
    kind: 'trades',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    batchRows: BATCH,
  });
  for (const t of trades) {
    const w = sink.write(t);
    if (w) await w;
  }
  await sink.end();
  return sink;
}

const scope = { exchange: 'binance', symbol: 'BTC/USDT' };

describe('PostgresSink: fast path and fallback', () => {
  it('a fresh range goes by the fast path only (no staging), cell for cell', async () => {
    const { url, database } = await freshDb();
    const trades = range(0, 5 * BATCH + 123);
    const sink = await load(url, trades);
    expect(sink.stats).toEqual({ fastBatches: 6, stagedBatches: 0, conflicts: 0 });
    expect(sink.insertedRows).toBe(trades.length);
    expect(sink.duplicateRows).toBe(0);
    expect(await tableRows(server, 'trades', { database })).toEqual(expectedRows('trades', trades, scope));
  });

  it('an overlapping rerun falls back to staging for the overlap and ends as the ground truth', async () => {
    const { url, database } = await freshDb();
    // The table already holds trades 2 500–5 499; the rerun writes 0–9 999 in batches of 1 000.
    const before = await load(url, range(2500, 5500));
    expect(before.stats.conflicts).toBe(0);
    const rerun = await load(url, range(0, 10 * BATCH));
    // Batches 0, 1: fast. Batch 2 (2 000–2 999): its COPY conflicts, staged; its last row was present, so
    // batches 3 and 4 go straight to staging; batch 5 (5 000–5 999) is staged and its last row is new, so
    // batches 6–9 go fast again.
    expect(rerun.stats).toEqual({ fastBatches: 6, stagedBatches: 4, conflicts: 1 });
    expect(rerun.insertedRows).toBe(10 * BATCH - 3000);
    expect(rerun.duplicateRows).toBe(3000);
    expect(rerun.committedRows).toBe(10 * BATCH);
    expect(await tableRows(server, 'trades', { database })).toEqual(
      expectedRows('trades', range(0, 10 * BATCH), scope),
    );
    // A second full rerun: everything is present; one conflict, then staging to the end.
    const again = await load(url, range(0, 10 * BATCH));
    expect(again.stats).toEqual({ fastBatches: 0, stagedBatches: 10, conflicts: 1 });
    expect(again.insertedRows).toBe(0);
    expect(again.duplicateRows).toBe(10 * BATCH);
    const [{ n }] = (await server.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM trades',
      [],
      database,
    )) as [{ n: string }];
    expect(Number(n)).toBe(10 * BATCH);
  });

  it('a resume overlapping by a few rows costs one staged batch, then goes fast again', async () => {
    const { url, database } = await freshDb();
    await load(url, range(0, 2500));
    // A resume starts at the last stored time: the rows at it come again.
    const resumed = await load(url, range(2497, 8000));
    expect(resumed.stats).toEqual({ fastBatches: 5, stagedBatches: 1, conflicts: 1 });
    expect(resumed.duplicateRows).toBe(3);
    expect(resumed.insertedRows).toBe(8000 - 2500);
    expect(await tableRows(server, 'trades', { database })).toEqual(
      expectedRows('trades', range(0, 8000), scope),
    );
  });

  it('a record twice in one batch (fresh table) is stored once and counted as a duplicate', async () => {
    const { url, database } = await freshDb();
    const trades = range(0, 300);
    const sink = await load(url, [...trades.slice(0, 200), trade(150), ...trades.slice(200)]);
    expect(sink.stats).toEqual({ fastBatches: 0, stagedBatches: 1, conflicts: 1 });
    expect(sink.insertedRows).toBe(300);
    expect(sink.duplicateRows).toBe(1);
    expect(await tableRows(server, 'trades', { database })).toEqual(expectedRows('trades', trades, scope));
  });

  it('another error than a unique violation is not retried through staging: the batch fails whole', async () => {
    const { url, database } = await freshDb();
    await load(url, range(0, 10));
    // A check the sink knows nothing about rejects one row of the next batch.
    await server.query("ALTER TABLE trades ADD CONSTRAINT odd CHECK (id <> '1000500')", [], database);
    const sink = await PostgresSink.open({
      url,
      kind: 'trades',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      batchRows: BATCH,
    });
    for (const t of range(10, 10 + BATCH)) await sink.write(t);
    const failure = await sink.end().catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'PostgresSinkError', sqlState: '23514' });
    expect(sink.stats).toEqual({ fastBatches: 0, stagedBatches: 0, conflicts: 0 });
    const [{ n }] = (await server.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM trades',
      [],
      database,
    )) as [{ n: string }];
    expect(n).toBe('10');
  });
  it('every kind: a rerun row by row finds each key present (numeric, boolean, text and bigint keys) and stays on staging', async () => {
    const { url, database } = await freshDb();
    const all = samples();
    for (const kind of KIND_IDS) {
      const records = all[kind] as RecordOfKind<typeof kind>[];
      const spanS = KINDS[kind].span === 'required' ? 60 : undefined;
      const open = () =>
        PostgresSink.open({
          url,
          kind,
          exchange: 'okx',
          symbol: 'BTC/USDT:USDT',
          batchRows: 1,
          ...(spanS === undefined ? {} : { spanS }),
        });
      for (const pass of [1, 2]) {
        const sink = await open();
        for (const r of records) await sink.write(r);
        await sink.end();
        if (pass === 1) {
          expect(sink.stats, kind).toEqual({ fastBatches: records.length, stagedBatches: 0, conflicts: 0 });
        } else {
          // One conflict, then every later batch straight to staging: the key lookup found each row.
          expect(sink.stats, kind).toEqual({ fastBatches: 0, stagedBatches: records.length, conflicts: 1 });
          expect(sink.duplicateRows, kind).toBe(records.length);
        }
      }
      const scope2 = { exchange: 'okx', symbol: 'BTC/USDT:USDT', ...(spanS ? { spanS } : {}) };
      expect(await tableRows(server, kind, { database }), kind).toEqual(expectedRows(kind, records, scope2));
    }
  });

  it('a server that goes away during a staged batch leaves whole batches only; the rerun completes', async () => {
    const own = await PostgresTestServer.start();
    try {
      const url = own.url();
      await load(url, range(1000, 1900));
      const sink = await PostgresSink.open({
        url,
        kind: 'trades',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        batchRows: BATCH,
      });
      for (const t of range(0, BATCH)) await sink.write(t);
      await sink.flush(); // batch 0: fast
      // Batch 1 overlaps: its COPY conflicts at once (its first row is present) and it is staged; its INSERT
      // then waits on another session's uncommitted insert of one of its new rows.
      const blocker = new pg.Client({ connectionString: url });
      blocker.on('error', () => {});
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        "INSERT INTO trades VALUES ('binance', 'BTC/USDT', 1, now(), '1001950', 1, 1, 'buy')",
      );
      for (const t of range(BATCH, 2 * BATCH)) await sink.write(t);
      const flushed = sink.flush().catch((e: unknown) => e);
      const waiting = async () =>
        (
          await own.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%'",
          )
        )[0]?.n === 1;
      const until = Date.now() + 5_000;
      while (!(await waiting()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await waiting()).toBe(true);
      expect(sink.stats).toEqual({ fastBatches: 1, stagedBatches: 0, conflicts: 1 });
      await own.stop('immediate');
      expect(await flushed).toMatchObject({ name: 'PostgresSinkError', committedRows: BATCH });
      await blocker.end().catch(() => {});
      await sink.end().catch(() => {});
      await own.restart();
      // Batch 0 and the rows loaded before; nothing of the staged batch.
      expect(await tableRows(own, 'trades')).toEqual(expectedRows('trades', range(0, 1900), scope));
      const rerun = await load(url, range(0, 3 * BATCH));
      expect(rerun.insertedRows).toBe(3 * BATCH - 1900);
      expect(rerun.duplicateRows).toBe(1900);
      expect(await tableRows(own, 'trades')).toEqual(expectedRows('trades', range(0, 3 * BATCH), scope));
    } finally {
      await own.close();
    }
  }, 30_000);
});

describe('PostgresSink batch sizes', () => {
  it('starts with a batch of 2 000 rows and doubles up to batchRows: the table fills before the first full batch', async () => {
    const { url } = await freshDb();
    const sink = await PostgresSink.open({
      url,
      kind: 'trades',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      batchRows: 20_000,
      flushIntervalMs: 0,
    });
    const committed: number[] = [];
    for (const t of range(0, 40_000)) {
      const w = sink.write(t);
      if (w) await w;
      if (sink.committedRows !== committed.at(-1)) committed.push(sink.committedRows);
    }
    await sink.end();
    // Whole batches of 2 000, 4 000, 8 000, 16 000, then 20 000 rows (the rest at the end).
    expect(committed.slice(0, 4)).toEqual([0, 2_000, 6_000, 14_000]);
    expect(sink.stats.fastBatches).toBe(5); // 2 000 + 4 000 + 8 000 + 16 000 + the last 10 000
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM trades');
    await client.end();
    expect(Number(rows[0]?.n)).toBe(40_000);
  });
});
