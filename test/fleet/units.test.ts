/** The fleet's pure parts: job ids, unit data, ban detection, rates, status lines. */
import { describe, expect, it } from 'vitest';
import { describeStatus, drained } from '../../src/cli/fleet-output.js';
import { banIn } from '../../src/fleet/ban.js';
import { scaledRates, withLimit } from '../../src/fleet/rates.js';
import { rateOf } from '../../src/fleet/status.js';
import { type FleetUnit, parseUnit, unitJobId, unitLabel } from '../../src/fleet/units.js';

const unit: FleetUnit = { exchange: 'binance', kind: 'trades', symbol: 'BTCUSDT', date: '2025-12-31' };

describe('fleet units', () => {
  it('job ids are deterministic, distinct per partition, and never contain ":"', () => {
    expect(unitJobId(unit)).toBe('binance~trades~BTCUSDT~2025-12-31');
    expect(unitJobId({ ...unit })).toBe(unitJobId(unit));
    const ids = new Set([
      unitJobId(unit),
      unitJobId({ ...unit, date: '2025-12-30' }),
      unitJobId({ ...unit, symbol: 'ETHUSDT' }),
      unitJobId({ ...unit, kind: 'ohlc', spanS: 60 }),
      unitJobId({ ...unit, kind: 'ohlc', spanS: 3600 }),
      unitJobId({ ...unit, exchange: 'kraken' }),
      unitJobId({ ...unit, symbol: 'A~B:C' }),
    ]);
    expect(ids.size).toBe(7);
    expect(unitJobId({ ...unit, symbol: 'A~B:C' })).not.toMatch(/:/);
    expect(unitJobId({ ...unit, kind: 'ohlc', spanS: 60 })).toBe('binance~ohlc-1m~BTCUSDT~2025-12-31');
    expect(unitLabel(unit)).toBe('binance trades BTCUSDT 2025-12-31');
  });

  it('parseUnit accepts what the queue carries and names the bad field otherwise', () => {
    expect(parseUnit(JSON.parse(JSON.stringify(unit)))).toEqual(unit);
    expect(parseUnit({ ...unit, kind: 'ohlc', spanS: 60 })).toEqual({ ...unit, kind: 'ohlc', spanS: 60 });
    const bad: [unknown, string][] = [
      [null, 'job.data'],
      [{ ...unit, exchange: 'Bin ance' }, 'job.data.exchange'],
      [{ ...unit, kind: 'candles' }, 'job.data.kind'],
      [{ ...unit, kind: 'ohlc' }, 'job.data.spanS'],
      [{ ...unit, spanS: 60 }, 'job.data.spanS'],
      [{ ...unit, kind: 'ohlc', spanS: -1 }, 'job.data.spanS'],
      [{ ...unit, symbol: '' }, 'job.data.symbol'],
      [{ ...unit, date: '2025-02-30' }, 'job.data.date'],
      [{ ...unit, date: '20251231' }, 'job.data.date'],
    ];
    for (const [data, argument] of bad) {
      expect(() => parseUnit(data)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION', argument }));
    }
  });

  it('banIn finds a 403 or 418 among the reasons, nothing else', () => {
    expect(banIn(['HTTP 500 from http://x', 'network: ECONNRESET'])).toBeUndefined();
    expect(banIn(['HTTP 4030 from x'])).toBeUndefined();
    expect(banIn(['timeout', 'HTTP 403 from http://x/api/v3/aggTrades: WAF'])).toEqual({
      status: 403,
      reason: 'HTTP 403 from http://x/api/v3/aggTrades: WAF',
    });
    expect(banIn(['Binance rate limit hit (HTTP 418: banned)'])?.status).toBe(418);
  });

  it('rates: scaled as the simulator scales them, with another limit per window on request', () => {
    const r = scaledRates(15);
    expect(r.binance).toMatchObject({ kind: 'fixed-window', limit: 6000, windowMs: 4000, margin: 60 });
    expect(scaledRates(15, 80).binance).toMatchObject({ limit: 80, windowMs: 4000, margin: 1 });
    expect(withLimit({ limit: 10, intervalMs: 1000, burst: 15 }, 4)).toEqual({
      limit: 4,
      intervalMs: 1000,
      burst: 15,
    });
    expect(withLimit({ kind: 'fixed-window', limit: 6000, windowMs: 1000, margin: 60 }, 1)).toMatchObject({
      limit: 1,
      margin: 0,
    });
  });

  it('rateOf: units per minute and rows per second from the first start to the last finish', () => {
    expect(rateOf([])).toEqual({ unitsPerMinute: 0, rowsPerSecond: 0 });
    expect(rateOf([{ processedOn: 0, finishedOn: 10, rows: 5 }])).toEqual({
      unitsPerMinute: 0,
      rowsPerSecond: 0,
    });
    const r = rateOf([
      { processedOn: 0, finishedOn: 30_000, rows: 1000 },
      { processedOn: 10_000, finishedOn: 60_000, rows: 2000 },
    ]);
    expect(r.unitsPerMinute).toBeCloseTo(2);
    expect(r.rowsPerSecond).toBeCloseTo(50);
  });

  it('the status table names every failed unit with its reason', () => {
    const s = {
      queue: 'q',
      done: 4,
      running: 1,
      waiting: 2,
      retrying: 0,
      failed: 3,
      failures: [
        { id: 'a', unit, label: unitLabel(unit), reason: 'HTTP 500 from x', attempts: 5, failedAt: 1 },
      ],
      unitsPerMinute: 3,
      rowsPerSecond: 100,
      etaMs: 60_000,
      workers: 2,
    };
    const text = describeStatus(s).join('\n');
    expect(text).toContain('done      4');
    expect(text).toContain('ETA       1 min 0 s');
    expect(text).toContain('binance trades BTCUSDT 2025-12-31 after 5 attempt(s): HTTP 500 from x');
    expect(text).toContain('... and 2 more');
    expect(drained(s)).toBe(false);
    expect(drained({ ...s, running: 0, waiting: 0 })).toBe(true);
  });
});
