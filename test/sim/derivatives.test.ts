import { describe, expect, it } from 'vitest';
import { MarketModel } from '../../src/sim/market/model.js';
import { createGroundTruth } from '../../src/sim/truth.js';

const H = 3_600_000_000_000n;
const NOW_US = Date.UTC(2024, 2, 1) * 1000;
const NOW = BigInt(NOW_US) * 1000n;

function truth(seed = 7) {
  const model = new MarketModel({
    exchange: 'binance',
    seed,
    historyStartUs: NOW_US - 10 * 86_400_000_000,
    nowUs: () => NOW_US,
  });
  return createGroundTruth(model);
}

describe('the derivatives model', () => {
  it('funds every 8 h on the UTC grid, rates bounded and in 8 decimals, deterministic per seed', () => {
    const t = truth();
    const f = t.derivatives.funding('BTCUSDT', NOW - 72n * H, NOW);
    expect(f).toHaveLength(9);
    for (const x of f) {
      expect(x.tsNs % (8n * H)).toBe(0n);
      expect(Math.abs(x.rate)).toBeLessThanOrEqual(0.0075);
      expect(Math.round(x.rate * 1e8) / 1e8).toBe(x.rate);
      expect(x.markPrice).toBeGreaterThan(0);
    }
    expect(new Set(f.map((x) => x.rate)).size).toBeGreaterThan(1);
    expect(truth().derivatives.funding('BTCUSDT', NOW - 72n * H, NOW)).toEqual(f);
    expect(truth(8).derivatives.funding('BTCUSDT', NOW - 72n * H, NOW)).not.toEqual(f);
  });

  it('has mark and index bars exactly where trade bars are, near the last price', () => {
    const t = truth();
    const trade = t.bars('BTCUSDT', 60, NOW - 2n * H, NOW);
    const mark = t.derivatives.priceBars('mark', 'BTCUSDT', 60, NOW - 2n * H, NOW);
    const index = t.derivatives.priceBars('index', 'BTCUSDT', 60, NOW - 2n * H, NOW);
    expect(mark.map((b) => b.tsNs)).toEqual(trade.map((b) => b.tsNs));
    expect(index.map((b) => b.tsNs)).toEqual(trade.map((b) => b.tsNs));
    trade.forEach((b, i) => {
      expect(Math.abs(mark[i]!.close / b.close - 1)).toBeLessThan(0.001);
      expect(mark[i]!.high).toBeGreaterThanOrEqual(mark[i]!.low);
    });
    // An hour bar of mark prices spans its minutes' range.
    const hour = t.derivatives.priceBars('mark', 'BTCUSDT', 3600, NOW - H, NOW)[0]!;
    const minutes = mark.filter((b) => b.tsNs >= NOW - H);
    expect(hour.high).toBe(Math.max(...minutes.map((b) => b.high)));
    expect(hour.low).toBe(Math.min(...minutes.map((b) => b.low)));
    expect(hour.open).toBe(minutes[0]!.open);
    expect(hour.close).toBe(minutes.at(-1)!.close);
  });

  it('samples open interest on the period grid and liquidates the side the move hurt', () => {
    const t = truth();
    const oi = t.derivatives.openInterest('BTCUSDT', 300, NOW - H, NOW);
    expect(oi).toHaveLength(12);
    for (const o of oi) {
      expect(o.tsNs % 300_000_000_000n).toBe(0n);
      expect(o.amount).toBeGreaterThan(0);
    }
    const liq = t.derivatives.liquidations('BTCUSDT', NOW - 24n * H, NOW);
    expect(liq.length).toBeGreaterThan(0);
    for (let i = 1; i < liq.length; i++) expect(liq[i]!.tsNs).toBeGreaterThan(liq[i - 1]!.tsNs);
    for (const l of liq) {
      const m = l.tsNs - (l.tsNs % 60_000_000_000n);
      // The move of the minute before the liquidation decides its side.
      const [bar] = t.bars('BTCUSDT', 60, m - 60_000_000_000n, m);
      expect(l.side).toBe(bar!.close < bar!.open ? 'long' : 'short');
    }
  });
});
