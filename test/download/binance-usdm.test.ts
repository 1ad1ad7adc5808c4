/**
 * Binance USDⓈ-M downloads against the simulator with faults (5xx, resets, truncated bodies): every
 * history kind equals the ground truth exactly (no record lost, none twice, in order), and what the
 * exchange does not serve (open interest older than 30 days) is reported with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KindId } from '../../src/core/kinds.js';
import { download } from '../../src/download/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import { all, clientOptions, faultySim, S, SIM_NOW } from '../helpers/adapters-sim.js';

const SCALE = 20;
const DAY = 86_400n * S;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await faultySim('binance-usdm', SCALE);
});
afterAll(() => sim.close());

const opts = () => ({ exchange: 'binance-usdm', ...clientOptions(sim, SCALE) });

describe('binance-usdm downloads (faults on, limits scaled ×20 both sides)', () => {
  it('two years of funding equal the ground truth (unified and native symbols)', async () => {
    const start = SIM_NOW - 730n * DAY;
    const dl = download.records({ ...opts(), kind: 'funding', symbol: 'BTC/USDT:USDT', start, end: SIM_NOW });
    const got = await all(dl);
    const want = sim.truth.derivatives.funding('BTCUSDT', start, SIM_NOW);
    expect(want.length).toBe(730 * 3);
    expect(got).toEqual(want);
    expect(got.some((f) => f.rate < 0) || got.some((f) => f.rate !== 0.0001)).toBe(true);
    const report = await dl.report;
    expect(report).toMatchObject({ complete: true, missing: [], symbol: 'BTC/USDT:USDT' });
    const eth = await all(
      download.records({
        ...opts(),
        kind: 'funding',
        symbol: 'ETHUSDT',
        start: SIM_NOW - 30n * DAY,
        end: SIM_NOW,
      }),
    );
    expect(eth).toEqual(sim.truth.derivatives.funding('ETHUSDT', SIM_NOW - 30n * DAY, SIM_NOW));
  });

  it('open interest of the last 29 days at 5m and 1h equals the ground truth', async () => {
    for (const [span, periodS] of [
      ['5m', 300],
      ['1h', 3600],
    ] as const) {
      const start = SIM_NOW - 29n * DAY + 17n * S;
      const dl = download.records({
        ...opts(),
        kind: 'open-interest',
        span,
        symbol: 'BTCUSDT',
        start,
        end: SIM_NOW,
      });
      const got = await all(dl);
      // Like bars, the sample period holding `start` is the first (its sample is at the period's start).
      const first = start - (start % (BigInt(periodS) * S));
      const want = sim.truth.derivatives.openInterest('BTCUSDT', periodS, first, SIM_NOW);
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
      expect(got[0]?.value).toBeGreaterThan(0);
    }
  });

  it('open interest older than 30 days: the older part is reported missing with the reason', async () => {
    const start = SIM_NOW - 40n * DAY;
    const dl = download.records({
      ...opts(),
      kind: 'open-interest',
      span: '1h',
      symbol: 'BTCUSDT',
      start,
      end: SIM_NOW,
    });
    const got = await all(dl);
    const report = await dl.report;
    expect(report.complete).toBe(false);
    const older = report.missing.find((m) => m.range.startNs === start);
    expect(older?.reason).toMatch(/last 30 days/);
    const earliest = older!.range.endNs;
    expect(earliest).toBeGreaterThan(SIM_NOW - 30n * DAY);
    expect(earliest).toBeLessThan(SIM_NOW - 29n * DAY);
    expect(got).toEqual(sim.truth.derivatives.openInterest('BTCUSDT', 3600, earliest, SIM_NOW));
  });

  it('open interest entirely older than 30 days is refused with UnsupportedRangeError naming why', async () => {
    const dl = download.records({
      ...opts(),
      kind: 'open-interest',
      span: '5m',
      symbol: 'BTCUSDT',
      start: SIM_NOW - 60n * DAY,
      end: SIM_NOW - 45n * DAY,
    });
    await expect(all(dl)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_RANGE',
      message: expect.stringMatching(/30 days/),
    });
    const report = await dl.report;
    expect(report.missing[0]?.range).toEqual({ startNs: SIM_NOW - 60n * DAY, endNs: SIM_NOW - 45n * DAY });
  });

  it.each([
    ['mark-ohlc', 'mark'],
    ['index-ohlc', 'index'],
    ['premium-ohlc', 'premium'],
  ] as const)('five days of 1m %s (and 1h) equal the ground truth', async (kind, price) => {
    const start = SIM_NOW - 5n * DAY;
    const got = await all(
      download.records({
        ...opts(),
        kind: kind as KindId,
        span: '1m',
        symbol: 'BTCUSDT',
        start,
        end: SIM_NOW,
      }),
    );
    const want = sim.truth.derivatives.priceBars(price, 'BTCUSDT', 60, start, SIM_NOW);
    expect(want.length).toBe(5 * 1440);
    expect(got).toEqual(want);
    const hourly = await all(
      download.records({
        ...opts(),
        kind: kind as KindId,
        span: '1h',
        symbol: 'ZECUSDT',
        start,
        end: SIM_NOW,
      }),
    );
    expect(hourly).toEqual(sim.truth.derivatives.priceBars(price, 'ZECUSDT', 3600, start, SIM_NOW));
  });

  it('ten days of 1m last-price candles equal the ground truth', async () => {
    const start = SIM_NOW - 10n * DAY;
    const dl = download.ohlc({ ...opts(), symbol: 'BTC/USDT:USDT', span: '1m', start, end: SIM_NOW });
    const got = await all(dl);
    expect(got).toEqual(sim.truth.bars('BTCUSDT', 60, start, SIM_NOW));
    expect((await dl.report).complete).toBe(true);
  });

  it('trades over hours (the < 1 h window rule, then fromId) equal the ground truth, liquid and illiquid', async () => {
    const start = SIM_NOW - 2n * 3600n * S - 123_456_789n;
    const end = SIM_NOW - 1800n * S;
    const got = await all(download.trades({ ...opts(), symbol: 'BTCUSDT', start, end }));
    const want = sim.truth.trades('BTCUSDT', start, end);
    expect(want.length).toBeGreaterThan(50_000);
    expect(got).toEqual(want);
    // ZEC trades in few hours: most one-hour windows are empty and the time cursor steps over them.
    const zs = SIM_NOW - 3n * DAY;
    const zec = await all(download.trades({ ...opts(), symbol: 'ZECUSDT', start: zs, end: SIM_NOW }));
    expect(zec).toEqual(sim.truth.trades('ZECUSDT', zs, SIM_NOW));
    const stats = sim.stats();
    expect(stats.faults.error + stats.faults.reset + stats.faults.truncate).toBeGreaterThan(0);
    expect(stats.status418).toBe(0);
    // Every time-window request the adapter sent spans less than an hour (else the sim answers -1127).
    expect(stats.byStatus['400'] ?? 0).toBe(0);
  });
});

describe('binance-usdm downloads through 429s', () => {
  it('an exhausted fundingRate budget (429/418 + Retry-After) delays the download but loses nothing', {
    timeout: 60_000,
  }, async () => {
    // Limits ×30: the 500-request funding budget lasts 10 s.
    const s = await faultySim('binance-usdm', 30);
    try {
      // Spend the funding budget until the simulator throttles (the requests that keep coming after the
      // first 429 may get the "IP" banned: 418, for 4 s at this scale).
      const burn = async () => {
        for (let i = 0; i < 1000; i++) {
          const statuses = await Promise.all(
            Array.from(
              { length: 3 },
              () =>
                fetch(`${s.url}/fapi/v1/fundingRate?symbol=ETHUSDT&startTime=1767139200000&limit=1`)
                  .then(async (r) => {
                    await r.text();
                    return r.status;
                  })
                  .catch(() => 0), // an injected reset: the request still counted
            ),
          );
          if (statuses.includes(429) || statuses.includes(418)) return;
        }
        throw new Error('the funding budget never ran out');
      };
      await burn();
      const start = SIM_NOW - 1500n * DAY;
      const dl = download.records({
        exchange: 'binance-usdm',
        kind: 'funding',
        symbol: 'BTCUSDT',
        start,
        end: SIM_NOW,
        concurrency: 1,
        ...clientOptions(s, 30),
      });
      const got = await all(dl);
      expect(got).toEqual(s.truth.derivatives.funding('BTCUSDT', start, SIM_NOW));
      expect(s.stats().status429).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
