/**
 * OKX mark and liquidation feeds at feed level: `LIVE.okx.markFeed` (`funding-rate` + `mark-price`
 * merged) and `LIVE.okx.liquidationFeed` (`liquidation-orders`) against the simulator's `/ws/v5/public`
 * with a running clock; every record equals the derivatives ground truth.
 */
import { describe, expect, it } from 'vitest';
import type { LiveRecord } from '../../../src/adapters/live.js';
import { createAdapter } from '../../../src/adapters/registry.js';
import type { Liquidation } from '../../../src/core/records.js';
import { startSimulator } from '../../../src/sim/index.js';
import { LIVE } from '../../../src/stream/exchanges.js';
import { isFeedEvent } from '../../../src/transport/websocket/index.js';
import { FAST_WS, SECOND_NS, SIM_START_NS } from '../../helpers/stream2-sim.js';

async function setup(speed: number) {
  const sim = await startSimulator({
    exchange: 'okx',
    rateLimits: 'off',
    clock: { startNs: SIM_START_NS, speed },
    markets: { historyStart: SIM_START_NS - 86_400n * SECOND_NS },
  });
  const adapter = createAdapter('okx', { baseUrl: sim.url });
  const markets = await Promise.all(['BTC/USDT:USDT', 'ETH-USDT-SWAP'].map((s) => adapter.resolveSymbol(s)));
  return { sim, adapter, markets };
}

describe('okx derivatives feeds over the simulator', () => {
  it('markFeed: merged mark-price + funding-rate records equal the truth at their time', async () => {
    const { sim, adapter, markets } = await setup(600);
    const feed = LIVE.okx.markFeed!(sim.wsUrl, markets, { ...FAST_WS, signal: AbortSignal.timeout(20_000) });
    const got: Extract<LiveRecord, { kind: 'mark' }>[] = [];
    try {
      for await (const r of feed.stream()) {
        if (isFeedEvent(r)) continue;
        if (r.kind === 'error') throw new Error(r.message);
        if (r.kind === 'mark') got.push(r);
        if (got.length >= 60) break;
      }
    } finally {
      await adapter.close();
      await sim.close();
    }
    expect(new Set(got.map((r) => r.market))).toEqual(new Set(['BTC-USDT-SWAP', 'ETH-USDT-SWAP']));
    for (const r of got) {
      const t = sim.truth.derivatives.mark(r.market, r.mark.tsNs);
      expect({ market: r.market, ...r.mark }).toEqual({
        market: r.market,
        tsNs: r.mark.tsNs,
        markPrice: t.markPrice,
        fundingRate: t.fundingRate,
        nextFundingNs: t.nextFundingNs,
      });
    }
    // The mark moves: not one value repeated.
    expect(new Set(got.map((r) => r.mark.markPrice)).size).toBeGreaterThan(10);
  }, 30_000);

  it('liquidationFeed: sampled liquidations (position side, base units) equal the truth over the span', async () => {
    const { sim, adapter, markets } = await setup(600);
    const feed = LIVE.okx.liquidationFeed!(sim.wsUrl, markets, {
      ...FAST_WS,
      signal: AbortSignal.timeout(20_000),
    });
    const got = new Map<string, Liquidation[]>();
    let firstNs: bigint | undefined;
    let lastNs = 0n;
    try {
      for await (const r of feed.stream()) {
        if (isFeedEvent(r)) continue;
        if (r.kind === 'error') throw new Error(r.message);
        if (r.kind !== 'liquidation') continue;
        const list = got.get(r.market) ?? [];
        list.push(r.liquidation);
        got.set(r.market, list);
        firstNs ??= r.liquidation.tsNs;
        lastNs = r.liquidation.tsNs;
        if (lastNs - firstNs >= 3600n * SECOND_NS) break;
      }
    } finally {
      await adapter.close();
      await sim.close();
    }
    let total = 0;
    // Minutes are pushed whole once they end: compare the whole minutes from the first one seen to the one
    // before the last (the loop stopped inside the last).
    const MIN = 60n * SECOND_NS;
    const from = (firstNs as bigint) - ((firstNs as bigint) % MIN);
    const to = lastNs - (lastNs % MIN);
    for (const id of ['BTC-USDT-SWAP', 'ETH-USDT-SWAP']) {
      const mine = got.get(id) ?? [];
      expect(mine.every((l) => l.sampled === true)).toBe(true);
      const truth = sim.truth.derivatives.liquidations(id, from, to);
      expect(mine.filter((l) => l.tsNs < to).map(({ sampled: _s, ...l }) => l)).toEqual(truth);
      total += truth.length;
    }
    expect(total).toBeGreaterThan(10);
  }, 30_000);
});
