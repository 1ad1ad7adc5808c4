/**
 * OKX downloads of every kind against the simulator with faults on (5xx, resets, truncated bodies) and
 * the limits scaled alike on both sides: each equals the ground truth, ascending, none lost or twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FundingRate } from '../../src/core/records.js';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { all, ascendingUnique, FAULTS, firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';

const SCALE = 20;
const MIN = 60n * S;
const DAY = 86_400n * S;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    exchange: 'okx',
    faults: { ...FAULTS, seed: 7 },
    rateLimits: { scale: SCALE },
  });
});
afterAll(() => sim.close());

const opts = () => ({
  exchange: 'okx',
  baseUrl: sim.url,
  rateScale: SCALE,
  http: { backoffBase: 0.005, maxRetries: 8, timeout: 10 },
});

function ascending(xs: readonly { tsNs: bigint }[]): boolean {
  return xs.every((x, i) => i === 0 || x.tsNs > (xs[i - 1] as { tsNs: bigint }).tsNs);
}

describe('okx downloads against the simulator (faults on)', () => {
  it('1m candles of a swap across the candles/history-candles switch equal the truth', async () => {
    const before = sim.stats().byPath;
    const start = SIM_NOW - 3000n * MIN; // past the newest 1,440 bars of /market/candles
    const dl = download.ohlc({ ...opts(), symbol: 'BTC/USDT:USDT', span: '1m', start, end: SIM_NOW });
    const bars = await all(dl);
    const want = sim.truth.bars('BTC-USDT-SWAP', 60, start, SIM_NOW);
    expect(want.length).toBe(3000);
    expect(firstDifference(bars, want)).toBe(-1);
    expect(bars.length).toBe(want.length);
    expect((await dl.report).complete).toBe(true);
    const after = sim.stats().byPath;
    const used = (p: string) => (after[p] ?? 0) - (before[p] ?? 0);
    expect(used('/api/v5/market/history-candles')).toBeGreaterThan(0);
    expect(used('/api/v5/market/candles')).toBeGreaterThan(0);
  });

  it('daily (1Dutc) and weekly (1Wutc, Monday) spot candles equal the truth', async () => {
    // A Monday (SIM_NOW is a Thursday), so the first weekly bar opens at the start.
    const start = SIM_NOW - 3n * DAY - 56n * 7n * DAY;
    const daily = await all(
      download.ohlc({ ...opts(), symbol: 'ETH/USDT', span: '1d', start, end: SIM_NOW }),
    );
    expect(firstDifference(daily, sim.truth.bars('ETH-USDT', 86_400, start, SIM_NOW))).toBe(-1);
    // Up to the last Monday: the week in progress has not closed.
    const monday = SIM_NOW - 3n * DAY;
    const weekly = await all(
      download.ohlc({ ...opts(), symbol: 'ETH-USDT', span: '1w', start, end: monday }),
    );
    const want = sim.truth.bars('ETH-USDT', 604_800, start, monday);
    expect(want.length).toBe(56);
    expect(firstDifference(weekly, want)).toBe(-1);
    expect(weekly.length).toBe(56);
    // Mondays 00:00 UTC.
    for (const b of weekly) expect(new Date(Number(b.tsNs / 1_000_000n)).getUTCDay()).toBe(1);
  });

  it('trades of a swap come out in base units (contracts × ctVal), ascending, each once', async () => {
    const start = SIM_NOW - 10n * MIN;
    const dl = download.trades({ ...opts(), symbol: 'BTC-USDT-SWAP', start, end: SIM_NOW });
    const trades = await all(dl);
    const want = sim.truth.trades('BTC-USDT-SWAP', start, SIM_NOW);
    expect(want.length).toBeGreaterThan(5000);
    expect(firstDifference(trades, want)).toBe(-1);
    expect(trades.length).toBe(want.length);
    expect(ascendingUnique(trades)).toBe(true);
    expect((await dl.report).complete).toBe(true);
  });

  it('refuses trades older than three months and reports an older head as missing', async () => {
    const old = download.trades({
      ...opts(),
      symbol: 'BTC-USDT',
      start: SIM_NOW - 200n * DAY,
      end: SIM_NOW - 100n * DAY,
    });
    await expect(all(old)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_RANGE' });
    const start = SIM_NOW - 90n * DAY - 10n * MIN;
    const end = SIM_NOW - 90n * DAY + 2n * MIN;
    const dl = download.trades({ ...opts(), symbol: 'BTC-USDT', start, end });
    const trades = await all(dl);
    const report = await dl.report;
    expect(report.complete).toBe(false);
    const [head] = report.missing;
    expect(head?.range.startNs).toBe(start);
    expect(head?.reason).toMatch(/3 months/);
    const from = head?.range.endNs as bigint;
    expect(from).toBeGreaterThan(SIM_NOW - 90n * DAY);
    expect(firstDifference(trades, sim.truth.trades('BTC-USDT', from, end))).toBe(-1);
  });

  it('funding history (8 h) equals the truth; OKX reports no mark price with it', async () => {
    const start = SIM_NOW - 60n * DAY;
    const dl = download.records({ ...opts(), kind: 'funding', symbol: 'BTC/USDT:USDT', start, end: SIM_NOW });
    const got = await all(dl);
    const want = sim.truth.derivatives
      .funding('BTC-USDT-SWAP', start, SIM_NOW)
      .map(({ tsNs, rate }): FundingRate => ({ tsNs, rate }));
    expect(want.length).toBe(180);
    expect(got).toEqual(want);
    expect((await dl.report).complete).toBe(true);
    // Beyond three months: reported, not silently empty.
    const older = download.records({
      ...opts(),
      kind: 'funding',
      symbol: 'BTC-USDT-SWAP',
      start: SIM_NOW - 120n * DAY,
      end: SIM_NOW,
    });
    const rows = await all(older);
    const r = await older.report;
    expect(r.missing[0]?.reason).toMatch(/3 months of funding/);
    expect(rows).toEqual(
      sim.truth.derivatives
        .funding('BTC-USDT-SWAP', r.missing[0]!.range.endNs, SIM_NOW)
        .map(({ tsNs, rate }) => ({ tsNs, rate })),
    );
  });

  it('open interest (rubik) equals the truth; only the newest 1,440 periods exist', async () => {
    const start = SIM_NOW - 2n * DAY;
    const got = await all(
      download.records({
        ...opts(),
        kind: 'open-interest',
        span: '5m',
        symbol: 'ETH-USDT-SWAP',
        start,
        end: SIM_NOW,
      }),
    );
    const want = sim.truth.derivatives.openInterest('ETH-USDT-SWAP', 300, start, SIM_NOW);
    expect(want.length).toBe(576);
    expect(got).toEqual(want);
    const long = download.records({
      ...opts(),
      kind: 'open-interest',
      span: '5m',
      symbol: 'ETH-USDT-SWAP',
      start: SIM_NOW - 6n * DAY,
      end: SIM_NOW,
    });
    const rows = await all(long);
    const r = await long.report;
    expect(r.missing[0]?.reason).toMatch(/1,440/);
    const from = r.missing[0]!.range.endNs;
    expect(from).toBe(SIM_NOW - 1439n * 300n * S);
    expect(rows).toEqual(sim.truth.derivatives.openInterest('ETH-USDT-SWAP', 300, from, SIM_NOW));
  });

  it('mark candles across the recent/history switch and index candles (index instId) equal the truth', async () => {
    const start = SIM_NOW - 2000n * MIN;
    const mark = await all(
      download.records({
        ...opts(),
        kind: 'mark-ohlc',
        span: '1m',
        symbol: 'BTC-USDT-SWAP',
        start,
        end: SIM_NOW,
      }),
    );
    const wantMark = sim.truth.derivatives.priceBars('mark', 'BTC-USDT-SWAP', 60, start, SIM_NOW);
    expect(wantMark.length).toBe(2000);
    expect(mark).toEqual(wantMark);
    expect(ascending(mark)).toBe(true);
    const istart = SIM_NOW - 30n * DAY;
    const index = await all(
      download.records({
        ...opts(),
        kind: 'index-ohlc',
        span: '1h',
        symbol: 'BTC/USDT:USDT',
        start: istart,
        end: SIM_NOW,
      }),
    );
    expect(index).toEqual(sim.truth.derivatives.priceBars('index', 'BTC-USDT-SWAP', 3600, istart, SIM_NOW));
  });

  it('refuses derivatives kinds on a spot market with UnsupportedKindError', async () => {
    const dl = download.records({
      ...opts(),
      kind: 'funding',
      symbol: 'BTC/USDT',
      start: SIM_NOW - DAY,
      end: SIM_NOW,
    });
    await expect(all(dl)).rejects.toMatchObject({
      code: 'ERR_INCOMPLETE_RANGE',
      cause: { code: 'ERR_UNSUPPORTED_KIND', kind: 'funding' },
    });
    const unknown = download.trades({ ...opts(), symbol: 'DOGE/USDT', start: SIM_NOW - MIN, end: SIM_NOW });
    await expect(all(unknown)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_SYMBOL' });
  });
});

describe('okx trades that share a millisecond at page and slice edges', () => {
  let dense: RunningSimulator;
  beforeAll(async () => {
    dense = await startSimulator({
      exchange: 'okx',
      faults: { ...FAULTS, seed: 3 },
      rateLimits: { scale: SCALE },
      markets: { symbols: { 'ETH-USDT': { tradesPerSecond: 3000 } } },
    });
  });
  afterAll(() => dense.close());

  it('three trades a millisecond: none lost or twice, equal to the truth', async () => {
    const start = SIM_NOW - 20n * S;
    const want = dense.truth.trades('ETH-USDT', start, SIM_NOW);
    // Many neighbours share a millisecond, so page edges (every 100 ids) fall inside one.
    let shared = 0;
    for (let i = 100; i < want.length; i += 100) if (want[i]!.tsNs === want[i - 1]!.tsNs) shared++;
    expect(shared).toBeGreaterThan(50);
    const dl = download.trades({
      exchange: 'okx',
      symbol: 'ETH/USDT',
      start,
      end: SIM_NOW,
      baseUrl: dense.url,
      rateScale: SCALE,
      concurrency: 4,
      http: { backoffBase: 0.005, maxRetries: 8, timeout: 10 },
    });
    const trades = await all(dl);
    expect(trades.length).toBe(want.length);
    expect(firstDifference(trades, want)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
  });
});

describe('okx throttling', () => {
  it('HTTP 429 and HTTP 200 `50011` both pause and retry: the download still equals the truth', async () => {
    const strict = await startSimulator({ exchange: 'okx', rateLimits: 'on' });
    try {
      const start = SIM_NOW - 2n * MIN;
      // The client believes it may go 40× faster than the server allows.
      const o = {
        exchange: 'okx',
        baseUrl: strict.url,
        rateScale: 40,
        http: { backoffBase: 0.05, maxRetries: 20 },
      };
      const trades = await all(download.trades({ ...o, symbol: 'BTC-USDT', start, end: SIM_NOW }));
      expect(firstDifference(trades, strict.truth.trades('BTC-USDT', start, SIM_NOW))).toBe(-1);
      const ostart = SIM_NOW - 4n * DAY;
      const oi = await all(
        download.records({
          ...o,
          kind: 'open-interest',
          span: '5m',
          symbol: 'BTC-USDT-SWAP',
          start: ostart,
          end: SIM_NOW,
          concurrency: 4,
        }),
      );
      expect(oi).toEqual(strict.truth.derivatives.openInterest('BTC-USDT-SWAP', 300, ostart, SIM_NOW));
      const st = strict.stats();
      expect(st.status429).toBeGreaterThan(0); // /market/* answers 429
      expect(st.throttled).toBeGreaterThan(st.status429); // /public/* answers HTTP 200 with 50011
    } finally {
      await strict.close();
    }
  });
});
