import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dataFileName,
  dayOf,
  dayRange,
  daysOf,
  escapeValue,
  parsePartitionPath,
  partitionDir,
  unescapeValue,
} from '../../src/archive/layout.js';
import { covers, intersect, normalize, subtract, union } from '../../src/archive/ranges.js';
import { ns } from '../helpers/archive.js';

const r = (a: number, b: number) => ({ startNs: BigInt(a), endNs: BigInt(b) });

describe('archive layout', () => {
  it('Hive partition folders, symbols escaped, parsed back', () => {
    const key = {
      exchange: 'binance',
      kind: 'ohlc' as const,
      spanS: 60,
      symbol: 'BTCUSDT',
      date: '2024-01-01',
    };
    expect(partitionDir('/a', key)).toBe('/a/exchange=binance/kind=ohlc-1m/symbol=BTCUSDT/date=2024-01-01');
    expect(
      parsePartitionPath(['exchange=binance', 'kind=ohlc-1m', 'symbol=BTCUSDT', 'date=2024-01-01']),
    ).toEqual(key);
    expect(
      parsePartitionPath([
        'exchange=okx',
        'kind=open-interest-5m',
        'symbol=BTC-USDT-SWAP',
        'date=2024-01-01',
      ]),
    ).toMatchObject({
      kind: 'open-interest',
      spanS: 300,
      symbol: 'BTC-USDT-SWAP',
    });
    expect(
      parsePartitionPath(['exchange=x', 'kind=nonsense', 'symbol=A', 'date=2024-01-01']),
    ).toBeUndefined();
    expect(escapeValue('XBT/USD')).toBe('XBT%2FUSD');
    expect(unescapeValue(escapeValue('A B/C:é'))).toBe('A B/C:é');
  });

  it('UTC days and file names', () => {
    expect(dayOf(ns('2024-02-29T23:59:59.999999999Z') + 0n)).toBe('2024-02-29');
    expect(dayOf(ns('2024-03-01T00:00:00Z'))).toBe('2024-03-01');
    expect(dayRange('2024-03-01')).toEqual({ startNs: ns('2024-03-01'), endNs: ns('2024-03-02') });
    expect(() => dayRange('2024-02-30')).toThrow(/valid calendar day/);
    expect(
      daysOf({ startNs: ns('2024-01-01T22:00Z'), endNs: ns('2024-01-03T01:00Z') }).map((d) => d.date),
    ).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(
      dataFileName('2024-01-01', { startNs: ns('2024-01-01T13:30:00.5Z'), endNs: ns('2024-01-02') }),
    ).toBe('part-133000.500000000-240000.000000000.parquet');
    expect(() =>
      dataFileName('2024-01-01', { startNs: ns('2023-12-31T23:00Z'), endNs: ns('2024-01-01T01:00Z') }),
    ).toThrow(/inside 2024-01-01/);
  });
});

describe('range sets', () => {
  it('union, subtract, intersect', () => {
    expect(normalize([r(5, 7), r(1, 3), r(3, 4), r(9, 9)])).toEqual([r(1, 4), r(5, 7)]);
    expect(union([r(1, 2)], [r(2, 5), r(7, 8)])).toEqual([r(1, 5), r(7, 8)]);
    expect(subtract([r(0, 10)], [r(2, 3), r(5, 12)])).toEqual([r(0, 2), r(3, 5)]);
    expect(intersect([r(0, 5), r(8, 10)], [r(3, 9)])).toEqual([r(3, 5), r(8, 9)]);
    expect(covers([r(0, 5), r(5, 10)], r(1, 9))).toBe(true);
    expect(covers([r(0, 5), r(6, 10)], r(1, 9))).toBe(false);
  });

  it('subtract and union agree with a point-by-point model', () => {
    const ranges = fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
        .map(([a, b]) => r(Math.min(a, b), Math.max(a, b))),
      { maxLength: 6 },
    );
    const member = (set: { startNs: bigint; endNs: bigint }[], x: number) =>
      set.some((s) => s.startNs <= x && x < s.endNs);
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const d = subtract(a, b);
        const u = union(a, b);
        for (let x = 0; x <= 40; x++) {
          expect(member(d, x)).toBe(member(a, x) && !member(b, x));
          expect(member(u, x)).toBe(member(a, x) || member(b, x));
        }
        for (let i = 1; i < d.length; i++) expect(d[i - 1]!.endNs < d[i]!.startNs).toBe(true);
      }),
    );
  });
});
