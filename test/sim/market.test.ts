import { describe, expect, it } from 'vitest';
import { emptyAgg } from '../../src/sim/market/agg.js';
import { MarketModel } from '../../src/sim/market/model.js';
import { US_PER_MINUTE } from '../../src/sim/market/symbol-market.js';
import { createGroundTruth } from '../../src/sim/truth.js';

const NOW_US = 1_767_225_600_000_000;
const START_US = 1_483_228_800_000_000;
const model = (seed = 1, exchange: 'binance' | 'coinbase' | 'kraken' = 'coinbase') =>
  new MarketModel({ exchange, seed, historyStartUs: START_US, nowUs: () => NOW_US });
const NS = (ms: number) => BigInt(ms) * 1_000_000n;
const NOW_MS = NOW_US / 1000;

describe('market model', () => {
  it('is deterministic: same seed, same market; another seed, another market', () => {
    const a = createGroundTruth(model(7));
    const b = createGroundTruth(model(7));
    const c = createGroundTruth(model(8));
    const range = [NS(NOW_MS - 3 * 60_000), NS(NOW_MS)] as const;
    expect(a.trades('BTC-USD', ...range)).toEqual(b.trades('BTC-USD', ...range));
    expect(a.bars('BTC-USD', 3600, NS(NOW_MS - 86_400_000), NS(NOW_MS))).toEqual(
      b.bars('BTC-USD', 3600, NS(NOW_MS - 86_400_000), NS(NOW_MS)),
    );
    expect(c.trades('BTC-USD', ...range)).not.toEqual(a.trades('BTC-USD', ...range));
  });

  it("generates each minute's trades conditioned on its aggregate", () => {
    const s = model().find('BTC-USD')!;
    for (const m of [25_000_000, 27_000_001, NOW_US / US_PER_MINUTE - 1]) {
      const agg = s.path.minute(m, emptyAgg());
      const b = s.block(m);
      expect(b.length).toBe(agg.count);
      expect(agg.count).toBeGreaterThan(100);
      expect(b.price[0]).toBe(agg.open);
      expect(b.price[b.length - 1]).toBe(agg.close);
      expect(Math.max(...b.price)).toBe(agg.high);
      expect(Math.min(...b.price)).toBe(agg.low);
      expect(b.size.reduce((x, y) => x + y, 0)).toBe(agg.volume);
      let buyVol = 0;
      for (let i = 0; i < b.length; i++) {
        expect(Number.isInteger(b.us[i])).toBe(true);
        expect(b.us[i]).toBeGreaterThanOrEqual(m * US_PER_MINUTE);
        expect(b.us[i]).toBeLessThan((m + 1) * US_PER_MINUTE);
        if (i > 0) expect(b.us[i]).toBeGreaterThanOrEqual(b.us[i - 1]!);
        expect(b.size[i]).toBeGreaterThanOrEqual(1);
        if (b.buy[i]) buyVol += b.size[i]!;
      }
      expect(buyVol).toBe(agg.buyVolume);
      // Some trades share a microsecond (one taker order sweeping several makers).
      expect(new Set(b.us).size).toBeLessThan(b.length);
    }
  });

  it('numbers trades contiguously across minutes, hours and days', () => {
    const s = model().find('ETH-USD')!;
    const m = 26_000_000 - 1; // crosses a day boundary? pick a minute and its neighbours
    for (const x of [m, m + 1, 26_000_000 + 1439]) {
      const b0 = s.block(x);
      const b1 = s.block(x + 1);
      expect(b1.firstId).toBe(b0.firstId + b0.length);
      expect(s.minuteOfId(b1.firstId)).toBe(x + 1);
      if (b0.length > 0) expect(s.minuteOfId(b0.firstId + b0.length - 1)).toBe(x);
    }
  });

  it('candles are exactly the candles of its trades, at every span', () => {
    const t = createGroundTruth(model(3, 'kraken'));
    const end = NS(NOW_MS);
    const start = NS(NOW_MS - 2 * 3_600_000);
    const trades = t.trades('XBTUSD', start, end);
    for (const span of [60, 300, 3600]) {
      const bars = t.bars('XXBTZUSD', span, start, end);
      const byBucket = new Map<bigint, typeof trades>();
      for (const tr of trades) {
        const k = tr.tsNs - (tr.tsNs % BigInt(span * 1e9));
        const list = byBucket.get(k);
        if (list) list.push(tr);
        else byBucket.set(k, [tr]);
      }
      expect(bars.length).toBe(byBucket.size);
      for (const bar of bars) {
        const ts = byBucket.get(bar.tsNs)!;
        expect(bar.open).toBe(ts[0]!.price);
        expect(bar.close).toBe(ts[ts.length - 1]!.price);
        expect(bar.high).toBe(ts.reduce((x, y) => Math.max(x, y.price), 0));
        expect(bar.low).toBe(ts.reduce((x, y) => Math.min(x, y.price), Number.POSITIVE_INFINITY));
        const vol = ts.reduce((x, y) => x + Math.round(y.amount * 1e8), 0);
        expect(Math.round(bar.volume * 1e8)).toBe(vol);
      }
    }
  });

  it('the illiquid symbol has long empty stretches; nothing exists at or after now', () => {
    const t = createGroundTruth(model(1, 'binance'));
    const day = t.trades('ZECUSDT', NS(NOW_MS - 86_400_000), NS(NOW_MS));
    expect(day.length).toBeGreaterThan(0);
    let longest = 0n;
    for (let i = 1; i < day.length; i++) {
      const gap = day[i]!.tsNs - day[i - 1]!.tsNs;
      if (gap > longest) longest = gap;
    }
    expect(longest).toBeGreaterThan(NS(3_600_000)); // more than an hour without a trade
    expect(t.trades('BTCUSDT', NS(NOW_MS), NS(NOW_MS + 3_600_000))).toEqual([]);
    expect(t.bars('BTCUSDT', 60, NS(NOW_MS), NS(NOW_MS + 3_600_000))).toEqual([]);
    expect(() => t.trades('NOPE', 0n, 1n)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SYMBOL' }));
  });

  it('the minute holding "now" shows only the trades before now', () => {
    const nowUs = NOW_US + 30_000_000;
    const m = new MarketModel({
      exchange: 'coinbase',
      seed: 1,
      historyStartUs: START_US,
      nowUs: () => nowUs,
    });
    const t = createGroundTruth(m);
    const trades = t.trades('BTC-USD', NS(NOW_MS), NS(NOW_MS + 60_000));
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((x) => x.tsNs < BigInt(nowUs) * 1000n)).toBe(true);
    const bar = t.bars('BTC-USD', 60, NS(NOW_MS), NS(NOW_MS + 60_000))[0]!;
    expect(bar.close).toBe(trades[trades.length - 1]!.price);
  });
});
