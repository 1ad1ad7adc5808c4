/** The PostgreSQL DDL, COPY encoding and URL handling, without a server. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { KIND_IDS } from '../../src/core/kinds.js';
import { copyPlan, encodeValue, timestampText } from '../../src/sinks/postgres/copy-text.js';
import { checkSchemaName, pgColumns, snakeCase, tableDdl } from '../../src/sinks/postgres/ddl.js';
import { checkPostgresUrl, redactPostgresUrl } from '../../src/sinks/postgres/url.js';
import { ROOT } from '../helpers/cli-run.js';

describe('PostgreSQL DDL', () => {
  it('docs/SINKS.md shows the DDL of every kind exactly as the sink creates it', async () => {
    const doc = await readFile(`${ROOT}/docs/SINKS.md`, 'utf8');
    for (const kind of KIND_IDS) expect(doc).toContain(tableDdl('public', kind));
  });

  it('derives snake-case columns and SQL types from the registry', () => {
    expect(snakeCase('nextFundingNs')).toBe('next_funding_ns');
    expect(pgColumns('open-interest').map((c) => `${c.name} ${c.sqlType}${c.notNull ? '' : '?'}`)).toEqual([
      'exchange text',
      'symbol text',
      'span_s integer',
      'ts_ns bigint',
      'time timestamptz',
      'amount numeric',
      'value numeric?',
    ]);
    expect(tableDdl('market', 'book')).toContain(
      'PRIMARY KEY ("exchange", "symbol", "update_id", "side", "price", "is_snapshot")',
    );
    expect(() => checkSchemaName('a"; drop')).toThrow(/schema/);
    expect(checkSchemaName('market_2')).toBe('market_2');
  });

  it('encodes COPY text: escapes, nulls, booleans, shortest round-trip numbers, times to the microsecond', () => {
    expect(encodeValue('string', 'a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(encodeValue('double', undefined)).toBe('\\N');
    expect(encodeValue('double', 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(encodeValue('bool', false)).toBe('f');
    expect(encodeValue('int64', -5n)).toBe('-5');
    // Microseconds kept, nanoseconds truncated toward zero (as ts_ns / 1000 in SQL).
    expect(timestampText(1_767_225_600_000_001_999n)).toBe('2026-01-01 00:00:00.000001+00');
    expect(timestampText(1_767_225_600_123_456_789n)).toBe('2026-01-01 00:00:00.123456+00');
    expect(timestampText(0n)).toBe('1970-01-01 00:00:00.000000+00');
    expect(timestampText(-1_500n)).toBe('1969-12-31 23:59:59.999999+00');
    expect(timestampText(-1_000_000_000n)).toBe('1969-12-31 23:59:59.000000+00');
    // Beyond 2^53 microseconds (bigint path) and the years PostgreSQL's ISO input takes.
    expect(timestampText(253_402_300_799_999_999_000n)).toBe('9999-12-31 23:59:59.999999+00');
    expect(timestampText(-62_135_596_800_000_000_000n)).toBe('0001-01-01 00:00:00.000000+00');
    expect(() => timestampText(253_402_300_800_000_000_000n)).toThrow(/record time/);
    const plan = copyPlan('public', 'funding', { exchange: 'okx', symbol: 'BTC/USDT:USDT' });
    expect(plan.encode({ tsNs: 1_000n, rate: -0.0001 })).toBe(
      'okx\tBTC/USDT:USDT\t1000\t1970-01-01 00:00:00.000001+00\t-0.0001\t\\N\n',
    );
    expect(plan.copyTable).toBe(
      'COPY "public"."funding" ("exchange", "symbol", "ts_ns", "time", "rate", "mark_price") FROM STDIN',
    );
    expect(plan.copyStage).toMatch(/^COPY "tickwire_copy_funding" \("exchange", .*\) FROM STDIN$/);
    expect(plan.insert).toContain('ON CONFLICT DO NOTHING');
    const ohlc = copyPlan('public', 'ohlc', { exchange: 'a\tb', symbol: 'X/Y', spanS: 60 });
    expect(ohlc.encode({ tsNs: 0n, open: 1, high: 2, low: 0.5, close: 1.5, volume: 0 })).toMatch(
      /^a\\tb\tX\/Y\t60\t0\t1970-01-01 00:00:00\.000000\+00\t1\t2\t0\.5\t1\.5\t0\n$/,
    );
    expect(ohlc.keyParams({ tsNs: 5n, open: 1, high: 1, low: 1, close: 1, volume: 1 })).toEqual([
      'a\tb',
      'X/Y',
      60,
      '5',
    ]);
  });

  it('checks URLs and never shows a password', () => {
    expect(redactPostgresUrl('postgres://u:s3cr%40t@h:5432/db?password=x&sslmode=require')).toBe(
      'postgres://u:***@h:5432/db?password=***&sslmode=require',
    );
    expect(redactPostgresUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(checkPostgresUrl('postgresql://u@h/db')).toBe('postgresql://u@h/db');
    let error: unknown;
    try {
      checkPostgresUrl('postgres://u:hunter2@:99999/db', '--sink');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_VALIDATION', argument: '--sink' });
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect(() => checkPostgresUrl('mysql://u@h/db')).toThrow(/PostgreSQL URL/);
  });
});
