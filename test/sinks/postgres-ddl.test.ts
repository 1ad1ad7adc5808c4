/** The PostgreSQL DDL, COPY encoding and URL handling, without a server. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { KIND_IDS } from '../../src/core/kinds.js';
import { encodeValue, stagePlan } from '../../src/sinks/postgres/copy-text.js';
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

  it('encodes COPY text: escapes, nulls, booleans, shortest round-trip numbers; time computed in SQL', () => {
    expect(encodeValue('string', 'a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(encodeValue('double', undefined)).toBe('\\N');
    expect(encodeValue('double', 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(encodeValue('bool', false)).toBe('f');
    expect(encodeValue('int64', -5n)).toBe('-5');
    const plan = stagePlan('public', 'funding');
    expect(plan.encode({ tsNs: 1n, rate: -0.0001 })).toBe('1\t-0.0001\t\\N\n');
    expect(plan.copy).toBe('COPY "tickwire_stage_funding" ("ts_ns", "rate", "mark_price") FROM STDIN');
    expect(plan.insert).toContain('ON CONFLICT DO NOTHING');
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
