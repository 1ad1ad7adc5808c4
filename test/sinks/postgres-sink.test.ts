/**
 * PostgresSink against a real PostgreSQL (started by the harness): tables derived from the kinds registry,
 * every kind round-trips cell by cell, reruns add nothing, a slow database holds the producer back, a server
 * that goes away leaves whole batches only and an error naming the last committed record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSinkError, ValidationError } from '../../src/core/errors.js';
import { KIND_IDS, KINDS, type KindId, type RecordOfKind } from '../../src/core/kinds.js';
import type { MarkPrice, Trade } from '../../src/core/records.js';
import { download } from '../../src/download/index.js';
import { startSimulator } from '../../src/sim/index.js';
import { openSink, openSinkLater } from '../../src/sinks/open.js';
import { pgColumns, pgKeyColumns, pgTableName, tableDdl } from '../../src/sinks/postgres/ddl.js';
import { createPostgresTables, PostgresSink } from '../../src/sinks/postgres/index.js';
import { expectedRows, plainDecimal, tableRows } from '../helpers/postgres-rows.js';
import { samples } from '../helpers/postgres-samples.js';
import { PG_TEST_PASSWORD, PostgresTestServer } from '../helpers/postgres-server.js';

const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const MIN = 60_000_000_000n;

let server: PostgresTestServer;
let dbCount = 0;
/** A fresh database per test, so tests do not see each other's rows. */
const freshDb = async (): Promise<{ url: string; database: string }> => {
  const database = `t${++dbCount}`;
  return { url: await server.createDatabase(database), database };
};

beforeAll(async () => {
  server = await PostgresTestServer.start();
}, 30_000);
afterAll(async () => {
  await server?.close();
});

const spanOf = (kind: KindId): number | undefined => (KINDS[kind].span === 'required' ? 60 : undefined);

async function load<K extends KindId>(url: string, kind: K, records: readonly RecordOfKind<K>[], extra = {}) {
  const spanS = spanOf(kind);
  const sink = await PostgresSink.open({
    url,
    kind,
    exchange: 'binance-usdm',
    symbol: 'BTC/USDT:USDT',
    ...(spanS === undefined ? {} : { spanS }),
    ...extra,
  });
  for (const r of records) await sink.write(r);
  await sink.end();
  return sink;
}

describe('PostgresSink: tables and round trips', () => {
  it('creates one table per kind (live kinds too) with the documented columns and primary key', async () => {
    const { url, database } = await freshDb();
    await createPostgresTables({ url, schema: 'market' });
    const tables = await server.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'market' ORDER BY 1",
      [],
      database,
    );
    expect(tables.map((t) => t.table_name)).toEqual(KIND_IDS.map(pgTableName).sort());
    for (const kind of KIND_IDS) {
      const cols = await server.query<{ column_name: string; data_type: string; is_nullable: string }>(
        'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        ['market', pgTableName(kind)],
        database,
      );
      expect(cols.map((c) => c.column_name)).toEqual(pgColumns(kind).map((c) => c.name));
      expect(cols.filter((c) => c.is_nullable === 'YES').map((c) => c.column_name)).toEqual(
        pgColumns(kind)
          .filter((c) => !c.notNull)
          .map((c) => c.name),
      );
      const pk = await server.query<{ cols: string[] }>(
        `SELECT array_agg(a.attname::text ORDER BY k.ord) AS cols FROM pg_index i
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = $1::regclass AND i.indisprimary GROUP BY i.indexrelid`,
        [`market.${pgTableName(kind)}`],
        database,
      );
      expect(pk[0]?.cols).toEqual(pgKeyColumns(kind));
    }
    // Times: bigint ns plus timestamptz; prices numeric.
    expect(tableDdl('public', 'trades')).toContain('"ts_ns" bigint NOT NULL,\n  "time" timestamptz NOT NULL');
    expect(tableDdl('public', 'trades')).toContain('PRIMARY KEY ("exchange", "symbol", "id")');
    expect(tableDdl('public', 'ohlc')).toContain('PRIMARY KEY ("exchange", "symbol", "span_s", "ts_ns")');
    // Creating again is a no-op, and so is opening a sink on an existing table.
    await createPostgresTables({ url, schema: 'market' });
  });

  it('stores every kind cell for cell (numeric = shortest round-trip decimal, nulls for absent fields)', async () => {
    const { url, database } = await freshDb();
    const all = samples();
    for (const kind of KIND_IDS) {
      const records = all[kind] as RecordOfKind<typeof kind>[];
      const sink = await load(url, kind, records);
      expect(sink.insertedRows).toBe(records.length);
      const spanS = spanOf(kind);
      const scope = { exchange: 'binance-usdm', symbol: 'BTC/USDT:USDT', ...(spanS ? { spanS } : {}) };
      expect(await tableRows(server, kind, { database })).toEqual(expectedRows(kind, records, scope));
    }
    // The awkward values, spelled out once.
    const [odd] = await server.query<{ id: string; price: string; amount: string; time: Date }>(
      "SELECT id, price::text, amount::text, time FROM trades WHERE id LIKE 'id%'",
      [],
      database,
    );
    expect(odd).toMatchObject({ id: 'id\twith\\odd\nchars', price: '1500000000000000000000', amount: '3' });
    const [ohlc] = await server.query<{ close: string; low: string }>(
      'SELECT close::text, low::text FROM ohlc ORDER BY ts_ns LIMIT 1',
      [],
      database,
    );
    expect(ohlc).toEqual({ close: '0.30000000000000004', low: plainDecimal('1e-7') });
    expect(plainDecimal('1e-7')).toBe('0.0000001');
  });

  it('a rerun adds nothing and reports the rows as already present', async () => {
    const { url, database } = await freshDb();
    const trades = samples().trades;
    await load(url, 'trades', trades);
    const again = await load(url, 'trades', trades);
    expect(again.insertedRows).toBe(0);
    expect(again.duplicateRows).toBe(trades.length);
    const [{ n }] = (await server.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM trades',
      [],
      database,
    )) as [{ n: string }];
    expect(n).toBe(String(trades.length));
  });

  it('reads the resume point (latest time and the trade ids at it) within a range', async () => {
    const { url } = await freshDb();
    const trades = samples().trades.slice(0, 2); // two trades at the same nanosecond
    const sink = await load(url, 'trades', trades);
    const opened = await openSink({
      sink: url,
      kind: 'trades',
      exchange: 'binance-usdm',
      symbol: 'BTC/USDT:USDT',
      resumeWithin: { startNs: T0, endNs: T0 + MIN },
    });
    expect(opened.resume?.lastTsNs).toBe(T0 + 1n);
    expect([...(opened.resume?.idsAtLastTs ?? [])].sort()).toEqual(['1001', '1002']);
    expect(opened.label).toBe(`${sink.target} public.trades`);
    expect(opened.label).not.toContain(PG_TEST_PASSWORD);
    await opened.sink.end();
    // Rows outside the range do not count; another symbol has none.
    const later = await openSink({
      sink: url,
      kind: 'trades',
      exchange: 'binance-usdm',
      symbol: 'BTC/USDT:USDT',
      resumeWithin: { startNs: T0 + MIN, endNs: T0 + 2n * MIN },
    });
    expect(later.resume).toBeUndefined();
    await later.sink.end();
  });

  it('a download of candles and of trades from the simulator lands as the ground truth', async () => {
    const { url, database } = await freshDb();
    const sim = await startSimulator({ exchange: 'kraken', seed: 3, now: T0, rateLimits: 'off' });
    try {
      const start = T0 - 90n * MIN;
      const end = T0 - 60n * MIN;
      for (const kind of ['ohlc', 'trades'] as const) {
        const dl = download.records({
          kind,
          exchange: 'kraken',
          symbol: 'XBTUSD',
          start,
          end,
          baseUrl: sim.url,
          rateScale: 100,
          ...(kind === 'ohlc' ? { span: '1m' } : {}),
        });
        const sink = await PostgresSink.open({
          url,
          kind,
          exchange: 'kraken',
          symbol: 'BTC/USD',
          ...(kind === 'ohlc' ? { spanS: 60 } : {}),
          batchRows: 500,
        });
        for await (const r of dl) {
          const w = sink.write(r as never);
          if (w) await w;
        }
        await sink.end();
        expect((await dl.report).complete).toBe(true);
        const truth =
          kind === 'ohlc' ? sim.truth.bars('XBTUSD', 60, start, end) : sim.truth.trades('XBTUSD', start, end);
        expect(truth.length).toBeGreaterThan(kind === 'ohlc' ? 20 : 1000);
        const scope = { exchange: 'kraken', symbol: 'BTC/USD', ...(kind === 'ohlc' ? { spanS: 60 } : {}) };
        expect(await tableRows(server, kind, { database })).toEqual(
          expectedRows(kind, truth as never, scope),
        );
      }
    } finally {
      await sim.close();
    }
  });

  it('commits a partial batch after flushIntervalMs (a live recorder needs no end())', async () => {
    const { url, database } = await freshDb();
    const sink = await PostgresSink.open({
      url,
      kind: 'mark',
      exchange: 'binance-usdm',
      symbol: 'BTC/USDT:USDT',
      flushIntervalMs: 50,
    });
    sink.write(samples().mark[0] as MarkPrice);
    const count = async () =>
      Number(
        (
          (await server.query<{ n: string }>('SELECT count(*) AS n FROM mark', [], database))[0] as {
            n: string;
          }
        ).n,
      );
    const until = Date.now() + 5_000;
    while ((await count()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await count()).toBe(1);
    expect(sink.committedRows).toBe(1);
    await sink.end();
  });
});

describe('PostgresSink.open checks the right to insert', () => {
  it('a role that may read but not insert is refused at open, before any row, without its password', async () => {
    const { url, database } = await freshDb();
    await (await PostgresSink.open({ url, kind: 'trades', exchange: 'x', symbol: 'A/B' })).end();
    await (await PostgresSink.open({ url, kind: 'ohlc', exchange: 'x', symbol: 'A/B', spanS: 60 })).end();
    const password = 'r3ader-only-pw';
    await server.query(`CREATE ROLE reader_${database} LOGIN PASSWORD '${password}'`, [], database);
    await server.query(`GRANT SELECT ON trades, ohlc TO reader_${database}`, [], database);
    const readerUrl = url.replace(/\/\/[^@]*@/, `//reader_${database}:${password}@`);
    for (const kind of ['trades', 'ohlc'] as const) {
      const error = await PostgresSink.open({
        url: readerUrl,
        kind,
        exchange: 'x',
        symbol: 'A/B',
        ...(kind === 'ohlc' ? { spanS: 60 } : {}),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PostgresSinkError);
      expect((error as PostgresSinkError).sqlState).toBe('42501'); // insufficient_privilege
      expect(String((error as Error).message)).toMatch(/permission denied/);
      expect(String((error as Error).message)).not.toContain(password);
    }
  });
});

describe('openSinkLater: the table gets ready while the symbol is resolved', () => {
  const sessions = async (database: string): Promise<number> => {
    const rows = await server.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tickwire'",
      [database],
    );
    return Number(rows[0]?.n);
  };

  it('connects and creates the table before the symbol is known, then writes rows of that symbol', async () => {
    const { url, database } = await freshDb();
    let resolveSymbol: (s: string) => void = () => {};
    const symbol = new Promise<string>((r) => {
      resolveSymbol = r;
    });
    const opening = openSinkLater({ sink: url, kind: 'trades', exchange: 'binance' }, symbol);
    // The table exists (and the session is open) while the symbol is still pending.
    await expect
      .poll(
        async () =>
          (await server.query("SELECT to_regclass('public.trades')::text AS t", [], database))[0]?.t,
        {
          timeout: 10_000,
        },
      )
      .toBe('trades');
    expect(await sessions(database)).toBe(1);
    resolveSymbol('ETH/USDT');
    const opened = await opening;
    const t: Trade = { id: '7', tsNs: 1_767_225_600_000_000_000n, price: 2500.5, amount: 0.25, side: 'sell' };
    await opened.sink.write(t);
    await opened.sink.end();
    expect(await tableRows(server, 'trades', { database })).toEqual(
      expectedRows('trades', [t], { exchange: 'binance', symbol: 'ETH/USDT' }),
    );
  });

  it('a symbol that fails closes the connection and rethrows its reason', async () => {
    const { url, database } = await freshDb();
    const reason = new ValidationError('symbol', 'NOPE', 'a symbol the exchange lists');
    await expect(
      openSinkLater({ sink: url, kind: 'trades', exchange: 'binance' }, Promise.reject(reason)),
    ).rejects.toBe(reason);
    await expect.poll(() => sessions(database), { timeout: 10_000 }).toBe(0);
  });
});

describe('PostgresSink: backpressure and failures', () => {
  const trade = (i: number): Trade => ({
    id: String(i),
    tsNs: T0 + BigInt(i) * 1_000_000n,
    price: 42_000 + (i % 100) / 10,
    amount: 0.01,
    side: i % 2 ? 'buy' : 'sell',
  });

  it('a slow database holds the producer back: at most two batches are ever held', async () => {
    const { url, database } = await freshDb();
    const batchRows = 1000;
    const sink = await PostgresSink.open({ url, kind: 'trades', exchange: 'x', symbol: 'A/B', batchRows });
    // Another session locks the table: the sink's INSERT waits, like a database that stopped keeping up.
    const pg = (await import('pg')).default;
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE trades IN EXCLUSIVE MODE');
    let accepted = 0;
    let blockedOn: Promise<void> | undefined;
    for (let i = 0; i < 10 * batchRows && !blockedOn; i++) {
      const w = sink.write(trade(i));
      accepted++;
      // A promise that settles at once is the sink letting I/O run; one that does not is backpressure.
      if (w && !(await Promise.race([w.then(() => true), new Promise((r) => setTimeout(r, 300, false))]))) {
        blockedOn = w;
      }
    }
    expect(blockedOn).toBeDefined();
    // The first batch is in flight (stuck on the lock), the second is full: the producer must wait.
    expect(accepted).toBe(2 * batchRows);
    let settled = false;
    let committedWhenSettled = -1;
    void blockedOn?.then(() => {
      settled = true;
      committedWhenSettled = sink.committedRows;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(sink.committedRows).toBe(0);
    await blocker.query('COMMIT');
    await blocker.end();
    await blockedOn;
    // Room came back when the first batch was committed (the second one is loading now).
    expect(committedWhenSettled).toBe(batchRows);
    await sink.end();
    expect(sink.committedRows).toBe(2 * batchRows);
    const rows = await tableRows(server, 'trades', { database });
    expect(rows.length).toBe(2 * batchRows);
  });

  it('a server that goes away: whole batches only, an error naming the last committed record, a rerun completes', async () => {
    const own = await PostgresTestServer.start();
    try {
      const url = own.url();
      const batchRows = 2000;
      const total = 20 * batchRows;
      const sink = await PostgresSink.open({ url, kind: 'trades', exchange: 'x', symbol: 'A/B', batchRows });
      const pg = (await import('pg')).default;
      const blocker = new pg.Client({ connectionString: url });
      blocker.on('error', () => {});
      let failure: unknown;
      try {
        for (let i = 0; i < total; i++) {
          if (i === 3 * batchRows) {
            await sink.flush(); // three batches are committed
            // The fourth batch will be caught mid-load: its COPY (the fast path) waiting on a lock.
            await blocker.connect();
            await blocker.query('BEGIN');
            await blocker.query('LOCK TABLE trades IN EXCLUSIVE MODE');
          }
          if (i === 4 * batchRows + 1) {
            // (Asked on another connection: inside the blocker's transaction the activity view is a snapshot.)
            const waiting = async () =>
              (
                await own.query<{ n: number }>(
                  "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY %'",
                )
              )[0]?.n === 1;
            const until = Date.now() + 5_000;
            while (!(await waiting()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
            expect(await waiting()).toBe(true);
            await own.stop('immediate');
          }
          const w = sink.write(trade(i));
          if (w) await w;
        }
        await sink.end();
      } catch (error) {
        failure = error;
      }
      await blocker.end().catch(() => {});
      await sink.end().catch(() => {});
      expect(failure).toBeInstanceOf(PostgresSinkError);
      const err = failure as PostgresSinkError;
      expect(err).toMatchObject({ name: 'PostgresSinkError', code: 'ERR_POSTGRES', table: 'public.trades' });
      expect(err.lastCommitted).toEqual({
        tsNs: trade(3 * batchRows - 1).tsNs,
        key: String(3 * batchRows - 1),
      });
      expect(err.committedRows).toBe(3 * batchRows);
      expect(err.message).toContain(`key ${3 * batchRows - 1}`);
      expect(err.message).toContain('Rerun to resume');
      expect(`${err.message} ${String(err.cause)} ${err.target}`).not.toContain(PG_TEST_PASSWORD);
      // Later writes fail at once with the same error.
      expect(() => sink.write(trade(total))).toThrow();

      await own.restart();
      const [{ n, last }] = (await own.query<{ n: string; last: string }>(
        'SELECT count(*)::text AS n, max(ts_ns)::text AS last FROM trades',
      )) as [{ n: string; last: string }];
      expect(Number(n)).toBe(3 * batchRows);
      expect(BigInt(last)).toBe(err.lastCommitted?.tsNs);

      // The rerun: resume from what the table holds.
      const rerun = await PostgresSink.open({ url, kind: 'trades', exchange: 'x', symbol: 'A/B', batchRows });
      const point = await rerun.resumePoint();
      expect(point?.lastTsNs).toBe(err.lastCommitted?.tsNs);
      for (let i = 0; i < total; i++) {
        const t = trade(i);
        if (t.tsNs < (point?.lastTsNs ?? 0n)) continue;
        const w = rerun.write(t);
        if (w) await w;
      }
      await rerun.end();
      expect(rerun.duplicateRows).toBe(1); // the trade at the resume time, skipped by ON CONFLICT
      const all = await tableRows(own, 'trades');
      expect(all).toEqual(
        expectedRows(
          'trades',
          Array.from({ length: total }, (_, i) => trade(i)),
          { exchange: 'x', symbol: 'A/B' },
        ),
      );
    } finally {
      await own.close();
    }
  }, 40_000);

  it('refuses bad options, an unreachable server and a table that does not fit, without the password', async () => {
    const { url, database } = await freshDb();
    await expect(
      PostgresSink.open({ url: 'mysql://u:pw@h/db', kind: 'trades', exchange: 'x', symbol: 'A/B' }),
    ).rejects.toMatchObject({ code: 'ERR_VALIDATION', argument: 'options.url' });
    const bad = PostgresSink.open({ url: 'mysql://u:pw@h/db', kind: 'trades', exchange: 'x', symbol: 'A/B' });
    await expect(bad).rejects.not.toThrow(/pw@/);
    await expect(
      PostgresSink.open({ url, kind: 'ohlc', exchange: 'x', symbol: 'A/B' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      PostgresSink.open({ url, kind: 'trades', exchange: 'x', symbol: 'A/B', schema: 'bad-name' }),
    ).rejects.toMatchObject({ argument: 'options.schema' });
    // Nobody listens on port 1.
    const refused = await PostgresSink.open({
      url: `postgres://tickwire:${PG_TEST_PASSWORD}@127.0.0.1:1/db`,
      kind: 'trades',
      exchange: 'x',
      symbol: 'A/B',
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ERR_POSTGRES', target: 'postgres://tickwire:***@127.0.0.1:1/db' });
    expect((refused as Error).message).toMatch(/cannot connect.*ECONNREFUSED/);
    expect((refused as Error).message).not.toContain(PG_TEST_PASSWORD);
    // A wrong password: PostgreSQL's own message, no password.
    const denied = await PostgresSink.open({
      url: url.replace(PG_TEST_PASSWORD, 'wrong-password'),
      kind: 'trades',
      exchange: 'x',
      symbol: 'A/B',
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'ERR_POSTGRES', sqlState: '28P01' });
    expect((denied as Error).message).not.toContain('wrong-password');
    // A table of that name with other columns.
    await server.query(
      'CREATE SCHEMA odd; CREATE TABLE odd.trades (id text PRIMARY KEY, price float8)',
      [],
      database,
    );
    const mismatch = await PostgresSink.open({
      url,
      kind: 'trades',
      exchange: 'x',
      symbol: 'A/B',
      schema: 'odd',
    }).catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ code: 'ERR_POSTGRES', table: 'odd.trades' });
    expect((mismatch as Error).message).toMatch(
      /no column exchange.*column price is double precision, not numeric/,
    );
  });
});
