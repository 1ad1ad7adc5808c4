/**
 * The Bybit linear mark and liquidation feeds (`LIVE['bybit-linear'].markFeed` / `liquidationFeed`)
 * against the simulator's WebSocket with a running clock: every `tickers` message (a snapshot, then
 * deltas holding only the changed fields) yields the merged state, equal to the ground truth's mark
 * state at its time, also after a reconnect; `allLiquidation` yields every liquidation, equal to the
 * truth, with the liquidated position's side.
 */
import { describe, expect, it } from 'vitest';
import type { LiveLiquidation, LiveMark } from '../../../src/adapters/live.js';
import type { Market } from '../../../src/adapters/symbols.js';
import { startSimulator } from '../../../src/sim/index.js';
import { LIVE } from '../../../src/stream/exchanges.js';
import { isFeedEvent } from '../../../src/transport/websocket/index.js';

const START = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const FAST = { idleTimeoutMs: 1500, pingIntervalMs: 300, initialDelayMs: 10, maxDelayMs: 100 } as const;
const BTC: Market = {
  id: 'BTCUSDT',
  symbol: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  aliases: [],
  active: true,
  type: 'perpetual',
  settle: 'USDT',
};

function liveSim(speed: number) {
  return startSimulator({
    exchange: 'bybit-linear',
    rateLimits: 'off',
    clock: { startNs: START, speed },
    markets: { historyStart: START - 86_400n * S },
  });
}

describe('bybit-linear derivatives feeds', () => {
  it('tickers: merged deltas equal the truth mark state at every message, across a reconnect', async () => {
    const sim = await liveSim(600); // ten simulated minutes a second
    const feed = LIVE['bybit-linear'].markFeed!(sim.wsUrl, [BTC], FAST);
    const marks: LiveMark[] = [];
    let reconnects = 0;
    try {
      for await (const item of feed.stream()) {
        if (isFeedEvent(item)) {
          if (item.kind === 'reconnected') reconnects++;
          continue;
        }
        if (item.kind !== 'mark') continue;
        marks.push(item);
        if (marks.length === 15) sim.ws.inject({ kind: 'drop' });
        if (marks.length >= 40) break;
      }
    } finally {
      await feed.stop();
    }
    try {
      expect(reconnects).toBeGreaterThanOrEqual(1);
      for (const m of marks) {
        expect(m.market).toBe('BTCUSDT');
        expect(m.mark).toEqual(sim.truth.derivatives.mark('BTCUSDT', m.mark.tsNs));
      }
      // Deltas carry only what changed: the funding fields were carried over between funding hours.
      const rates = new Set(marks.map((m) => m.mark.fundingRate));
      expect(rates.size).toBeLessThan(marks.length);
      expect(sim.ws.stats().messagesSent).toBeGreaterThan(40);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('allLiquidation: every liquidation, equal to the truth, position side', async () => {
    const sim = await liveSim(1200);
    const feed = LIVE['bybit-linear'].liquidationFeed!(sim.wsUrl, [BTC], FAST);
    const got: LiveLiquidation[] = [];
    try {
      for await (const item of feed.stream()) {
        if (isFeedEvent(item) || item.kind !== 'liquidation') continue;
        got.push(item);
        if (got.length >= 12) break;
      }
    } finally {
      await feed.stop();
    }
    try {
      const first = got[0]!.liquidation.tsNs;
      const last = got.at(-1)!.liquidation.tsNs;
      const truth = sim.truth.derivatives
        .liquidations('BTCUSDT', first, last + 1n)
        .map((l) => ({ ...l, sampled: false }));
      expect(got.map((g) => g.liquidation)).toEqual(truth);
      expect(new Set(got.map((g) => g.liquidation.side)).size).toBe(2);
    } finally {
      await sim.close();
    }
  }, 30_000);
});
