/**
 * Bybit downloads of every REST kind against the simulator with faults on (5xx, resets, truncated
 * bodies) and the IP limit scaled alike on both sides: each equals the ground truth, ascending, none
 * lost or twice. Trades have no REST history: the newest range `recent-trade` covers is served exactly,
 * an older one refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/download/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import {
  all,
  ascendingUnique,
  clientOptions,
  faultySim,
  firstDifference,
  S,
  SIM_NOW,
} from '../helpers/adapters-sim.js';

const SCALE = 20;
const H = 3600n * S;
const DAY = 24n * H;
let linear: RunningSimulator;
let spot: RunningSimulator;

beforeAll(async () => {
  [linear, spot] = await Promise.all([faultySim('bybit-linear', SCALE), faultySim('bybit', SCALE)]);
});
afterAll(async () => {
  await Promise.all([linear.close(), spot.close()]);
});

const lin = () =>
  ({ exchange: 'bybit-linear', symbol: 'BTC/USDT:USDT', ...clientOptions(linear, SCALE) }) as const;

function ascending(records: readonly { tsNs: bigint }[]): boolean {
  return records.every((r, i) => i === 0 || r.tsNs > records[i - 1]!.tsNs);
}

describe('bybit-linear downloads under faults equal the ground truth', () => {
  it('1m candles over 2 days (newest-first pages reversed per window)', async () => {
    const start = SIM_NOW - 2n * DAY + 17n * S; // mid-bar start: the bar containing it comes first
    const dl = download.ohlc({ ...lin(), span: '1m', start, end: SIM_NOW });
    const bars = await all(dl);
    const truth = linear.truth.bars('BTCUSDT', 60, start - 17n * S, SIM_NOW);
    expect(bars.length).toBe(2 * 1440);
    expect(firstDifference(bars, truth)).toBe(-1);
    expect((await dl.report).complete).toBe(true);
  });

  it('4h candles over 400 days', async () => {
    const start = SIM_NOW - 400n * DAY;
    const bars = await all(download.ohlc({ ...lin(), span: '4h', start, end: SIM_NOW }));
    expect(firstDifference(bars, linear.truth.bars('BTCUSDT', 14_400, start, SIM_NOW))).toBe(-1);
    expect(bars.length).toBe(400 * 6);
  });

  it.each([
    ['mark-ohlc', 'mark'],
    ['index-ohlc', 'index'],
    ['premium-ohlc', 'premium'],
  ] as const)('%s: 5m bars over 5 days', async (kind, price) => {
    const start = SIM_NOW - 5n * DAY;
    const dl = download.records({ ...lin(), kind, span: '5m', start, end: SIM_NOW });
    const bars = await all(dl);
    expect(bars).toEqual(linear.truth.derivatives.priceBars(price, 'BTCUSDT', 300, start, SIM_NOW));
    expect(bars.length).toBe(5 * 288);
    expect((await dl.report).complete).toBe(true);
  });

  it('funding over 200 days (endTime always sent with startTime); Bybit reports no mark price', async () => {
    const start = SIM_NOW - 200n * DAY;
    const dl = download.records({ ...lin(), kind: 'funding', start, end: SIM_NOW });
    const rows = await all(dl);
    const truth = linear.truth.derivatives
      .funding('BTCUSDT', start, SIM_NOW)
      .map((f) => ({ tsNs: f.tsNs, rate: f.rate }));
    expect(rows).toEqual(truth);
    expect(rows.length).toBe(600);
    expect(ascending(rows)).toBe(true);
    expect((await dl.report).complete).toBe(true);
  });

  it('open interest every 5 min over 3 days and hourly over 30 days', async () => {
    for (const [span, periodS, days] of [
      ['5m', 300, 3n],
      ['1h', 3600, 30n],
    ] as const) {
      const start = SIM_NOW - days * DAY;
      const dl = download.records({ ...lin(), kind: 'open-interest', span, start, end: SIM_NOW });
      const rows = await all(dl);
      const truth = linear.truth.derivatives
        .openInterest('BTCUSDT', periodS, start, SIM_NOW)
        .map((o) => ({ tsNs: o.tsNs, amount: o.amount }));
      expect(rows).toEqual(truth);
      expect(ascending(rows)).toBe(true);
      expect((await dl.report).complete).toBe(true);
    }
  });

  it('the newest trades recent-trade covers are served exactly', async () => {
    const start = SIM_NOW - 20n * S; // ~400 trades of BTCUSDT: inside the newest 1000
    const dl = download.trades({ ...lin(), start, end: SIM_NOW });
    const trades = await all(dl);
    const truth = linear.truth.trades('BTCUSDT', start, SIM_NOW);
    expect(truth.length).toBeGreaterThan(200);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
    expect(trades[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await dl.report).complete).toBe(true);
  });

  it('refuses a trades range older than recent-trade reaches, naming the reason and the recorder', async () => {
    const start = SIM_NOW - 2n * H;
    const dl = download.trades({ ...lin(), start, end: SIM_NOW - H });
    await expect(all(dl)).rejects.toMatchObject({
      name: 'UnsupportedRangeError',
      code: 'ERR_UNSUPPORTED_RANGE',
      range: { startNs: start },
      message: expect.stringMatching(/no trade history over REST.*newest 1000.*tickwire record/),
    });
    const report = await dl.report;
    expect(report.complete).toBe(false);
    expect(report.delivered).toEqual([]);
  });

  it('a range reaching further back: the older part is missing with the reason, the rest exact', async () => {
    const start = SIM_NOW - 5n * 60n * S;
    const dl = download.trades({ ...lin(), start, end: SIM_NOW });
    const trades = await all(dl);
    const report = await dl.report;
    expect(report.complete).toBe(false);
    const gap = report.missing[0]!;
    expect(gap.range.startNs).toBe(start);
    expect(gap.reason).toMatch(/recent-trade returns only the newest 1000/);
    const truth = linear.truth.trades('BTCUSDT', gap.range.endNs, SIM_NOW);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(trades.length).toBeGreaterThan(950); // the newest 1000, minus those in their oldest ms
    expect(report.delivered).toEqual([{ startNs: gap.range.endNs, endNs: SIM_NOW }]);
  });

  it('the limit was never exceeded (no 403)', () => {
    expect(linear.stats().byStatus['403']).toBeUndefined();
    expect(linear.stats().faults.error).toBeGreaterThan(0);
  });
});

describe('bybit (spot) downloads under faults equal the ground truth', () => {
  const opts = () => ({ exchange: 'bybit', symbol: 'BTC/USDT', ...clientOptions(spot, SCALE) }) as const;

  it('1h candles over 60 days', async () => {
    const start = SIM_NOW - 60n * DAY;
    const bars = await all(download.ohlc({ ...opts(), span: '1h', start, end: SIM_NOW }));
    expect(firstDifference(bars, spot.truth.bars('BTCUSDT', 3600, start, SIM_NOW))).toBe(-1);
    expect(bars.length).toBe(1440);
  });

  it('recent trades (60 at most on spot): the newest second is exact, a minute is refused', async () => {
    const start = SIM_NOW - S;
    const trades = await all(download.trades({ ...opts(), start, end: SIM_NOW }));
    const truth = spot.truth.trades('BTCUSDT', start, SIM_NOW);
    expect(truth.length).toBeGreaterThan(5);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(trades[0]!.id).toMatch(/^21\d{17}$/);
    await expect(
      all(download.trades({ ...opts(), start: SIM_NOW - 60n * S, end: SIM_NOW - 30n * S })),
    ).rejects.toMatchObject({ name: 'UnsupportedRangeError', message: expect.stringContaining('newest 60') });
  });

  it('spot serves no derivatives kinds', async () => {
    const dl = download.records({ ...opts(), kind: 'funding', start: SIM_NOW - DAY, end: SIM_NOW });
    await expect(all(dl)).rejects.toMatchObject({ name: 'UnsupportedKindError', kind: 'funding' });
  });
});
