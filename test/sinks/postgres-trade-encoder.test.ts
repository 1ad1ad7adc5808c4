/**
 * Trades go into PostgreSQL in binary COPY form. These tests hold it to the text form (what `numeric_in`
 * and `timestamptz_in` make of the text encoder's rows, which the rest of the suite checks against the
 * ground truth): the arithmetic `numeric` path against the one through `String(x)`, and both forms loaded
 * into a real server, compared cell by cell.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import fc from 'fast-check';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { Trade } from '../../src/core/records.js';
import { BatchBytes } from '../../src/sinks/postgres/batch-bytes.js';
import { putNumeric, putNumericText } from '../../src/sinks/postgres/copy-binary.js';
import { copyPlan } from '../../src/sinks/postgres/copy-text.js';
import { PostgresTestServer } from '../helpers/postgres-server.js';

const double = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer().map((i) => i / 100),
  fc.integer({ min: 1, max: 99_999_999 }).map((i) => i / 1e8), // Binance sizes
  fc.integer({ min: 1, max: 1e9 }).map((i) => i / 10 ** (i % 13)),
  fc.constantFrom(0, -0, 1e-6, 9.99e-7, 1e-7, 1.5e-7, 1e15, 999_999_999_999_999, 1e21, 0.1 + 0.2, 5e-324),
);

const trade = fc.record({
  tsNs: fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), // what ts_ns (bigint) holds: 1677-2262
    fc.bigInt({ min: 1_767_225_600_000_000_000n, max: 1_767_225_660_000_000_000n }), // many in one minute
    fc.bigInt({ min: -2_000_000_000n, max: 2_000_000_000n }), // around 1970
    fc.bigInt({ min: 9_007_199_254_000_000_000n, max: 9_007_199_256_000_000_000n }), // around 2^53 µs
    fc.bigInt({ min: 946_684_799_000_000_000n, max: 946_684_801_000_000_000n }), // around PostgreSQL's epoch
  ),
  id: fc.oneof(
    fc.string({ minLength: 1 }).filter((s) => !s.includes('\0')),
    fc.string({ unit: 'grapheme', minLength: 1 }),
    fc.constantFrom('a\tb', 'x\\y', 'l\nm', 'c\rd', '5853617067', 'é1', '~ !'),
  ),
  price: double,
  amount: double,
  side: fc.constantFrom('buy', 'sell', 'unknown'),
}) as fc.Arbitrary<Trade>;

const bytesOf = (write: (buf: Uint8Array) => number): string => {
  const buf = new Uint8Array(512);
  return Buffer.from(buf.subarray(0, write(buf))).toString('hex');
};

describe('binary numeric', () => {
  it('the arithmetic path writes the bytes of the path through String(x), for any number', () => {
    fc.assert(
      fc.property(double, (x) => {
        expect(bytesOf((b) => putNumeric(b, 0, x))).toBe(bytesOf((b) => putNumericText(b, 0, String(x))));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('binary trades rows (real server)', () => {
  let server: PostgresTestServer;
  let client: pg.Client;
  beforeAll(async () => {
    server = await PostgresTestServer.start();
    client = new pg.Client({ connectionString: server.url() });
    await client.connect();
    await client.query("SET timezone = 'UTC'");
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await server?.close();
  });

  const copy = async (sql: string, bytes: Buffer): Promise<void> => {
    const stream = client.query(copyFrom(sql));
    if (!stream.write(bytes)) await once(stream, 'drain');
    stream.end();
    await finished(stream);
  };
  const cells = async (table: string): Promise<string[][]> =>
    (
      await client.query({
        text: `SELECT exchange, symbol, ts_ns::text, time::text, id, price::text, amount::text, side FROM ${table} ORDER BY ctid`,
        rowMode: 'array',
      })
    ).rows as string[][];

  it('hold cell for cell what the text rows hold, in batches', async () => {
    const scope = { exchange: 'bin\tancé', symbol: 'BTC/USDT' };
    const columns = `exchange text, symbol text, ts_ns bigint, time timestamptz, id text, price numeric,
      amount numeric, side text`;
    const list = 'exchange, symbol, ts_ns, time, id, price, amount, side';
    await client.query(`CREATE TABLE as_text (${columns})`);
    await client.query(`CREATE TABLE as_binary (${columns})`);
    const batches = fc.sample(fc.array(trade, { minLength: 1, maxLength: 400 }), { numRuns: 12, seed: 14 });
    const plan = copyPlan('public', 'trades', scope);
    const batch = new BatchBytes(64);
    let rows = 0;
    for (const trades of batches) {
      let text = '';
      for (const t of trades) {
        text += plan.encode(t);
        plan.append(batch, t);
      }
      plan.seal(batch);
      await copy(`COPY as_text (${list}) FROM STDIN`, Buffer.from(text, 'utf8'));
      await copy(`COPY as_binary (${list}) FROM STDIN (FORMAT binary)`, batch.take());
      rows += trades.length;
    }
    const expected = await cells('as_text');
    expect(expected.length).toBe(rows);
    expect(await cells('as_binary')).toEqual(expected);
  });

  it('refuses a time outside the years 0001-9999 as the text form does, and one ts_ns cannot hold', () => {
    const plan = copyPlan('public', 'trades', { exchange: 'x', symbol: 'A/B' });
    const t = { id: '1', tsNs: 253_402_300_800_000_000_000n, price: 1, amount: 1, side: 'buy' } as Trade;
    expect(() => plan.encode(t)).toThrow(ValidationError);
    expect(() => plan.append(new BatchBytes(64), t)).toThrow(ValidationError);
    // Past 2262 ts_ns (a bigint) cannot hold the time: refused before it reaches the server.
    const late = { ...t, tsNs: 2n ** 63n };
    expect(() => plan.append(new BatchBytes(64), late)).toThrow(/record time/);
  });
});
