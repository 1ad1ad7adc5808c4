/**
 * stream.trades on Bybit against the simulator's WebSocket and REST with a running clock: Bybit trade
 * ids are not contiguous, so a hole cannot be named by ids; after each reconnect the window since the
 * last trade is refilled by time from `recent-trade` (its newest 1000 trades). Over drops, a stall and
 * a reconnect that repeats trades already delivered, the stream equals the ground truth exactly; a
 * downtime longer than `recent-trade` reaches is a `gap` event bounded by times, never a silence.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { streamTrades, type TradeGapEvent } from '../../src/stream/index.js';
import { bare, collectTrades, FAST_WS, SECOND_NS, SIM_START_NS } from '../helpers/stream2-sim.js';

function liveSim(speed: number) {
  return startSimulator({
    exchange: 'bybit-linear',
    rateLimits: 'off',
    clock: { startNs: SIM_START_NS, speed },
    markets: { historyStart: SIM_START_NS - 86_400n * SECOND_NS },
  });
}

describe('stream.trades on bybit-linear', () => {
  it('equals the ground truth over drops, a stall and repeats across a reconnect', async () => {
    const sim = await liveSim(10); // 200 trades a second: recent-trade's 1000 reach back 5 s
    const timers: NodeJS.Timeout[] = [];
    try {
      const schedule = [
        [800, () => sim.ws.inject({ kind: 'drop' })],
        [2000, () => sim.ws.inject({ kind: 'stall' })],
        [4200, () => sim.ws.inject({ kind: 'replay-trades', target: 'next' })],
        [4200, () => sim.ws.inject({ kind: 'drop' })],
      ] as const;
      const { trades, events } = await collectTrades(
        streamTrades({
          exchange: 'bybit-linear',
          symbols: 'BTC/USDT:USDT',
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(25_000),
        }),
        (ts) => {
          if (ts.length === 1) for (const [ms, f] of schedule) timers.push(setTimeout(f, ms));
          return (ts.at(-1)?.tsNs ?? 0n) - (ts[0]?.tsNs ?? 0n) >= 60n * SECOND_NS;
        },
      );
      const first = trades[0]!;
      const last = trades.at(-1)!;
      const all = sim.truth.trades('BTCUSDT', first.tsNs, last.tsNs + 1_000_000n);
      const from = all.findIndex((t) => t.id === first.id);
      const to = all.findIndex((t) => t.id === last.id);
      const truth = all.slice(from, to + 1);
      expect(truth.length).toBeGreaterThan(500); // the market's intensity varies by minute
      expect(trades.length).toBe(truth.length);
      expect(trades.map(bare)).toEqual(truth);
      expect(events.filter((e) => e.kind === 'gap')).toEqual([]);
      const reconnects = events.filter((e) => e.kind === 'reconnected').length;
      expect(reconnects).toBeGreaterThanOrEqual(3);
      const repairs = events.flatMap((e) => (e.kind === 'repaired' ? [e] : []));
      expect(repairs.length).toBeGreaterThanOrEqual(1); // the stall loses trades for sure; a quick drop may not
      expect(repairs.every((r) => r.trigger === 'reconnect' && r.count > 0)).toBe(true);
      expect(sim.ws.stats().faults['replay-trades']).toBe(1);
    } finally {
      for (const t of timers) clearTimeout(t);
      await sim.close();
    }
  }, 30_000);

  it('a downtime longer than recent-trade reaches is a gap bounded by times, then live goes on', async () => {
    const sim = await liveSim(200); // 4000 trades a second: recent-trade's 1000 reach back 0.25 s
    try {
      let stalled = false;
      const { trades, events } = await collectTrades(
        streamTrades({
          exchange: 'bybit-linear',
          symbols: 'BTC/USDT:USDT',
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS, // a stall is noticed after 1 s
          signal: AbortSignal.timeout(25_000),
        }),
        (ts) => {
          if (ts.length === 200 && !stalled) {
            stalled = true;
            sim.ws.inject({ kind: 'stall' });
          }
          return ts.length > 2000 && stalled;
        },
      );
      const gaps = events.filter((e): e is TradeGapEvent => e.kind === 'gap');
      expect(gaps).toHaveLength(1);
      const g = gaps[0]!;
      expect(g).toMatchObject({
        reason: 'repair-failed',
        trigger: 'reconnect',
        fromId: '',
        toId: '',
        count: -1,
      });
      expect(g.error).toMatchObject({ name: 'IncompleteRangeError' });
      expect(String((g.error as Error & { cause?: Error }).cause?.message)).toMatch(/newest 1000/);
      // Before and after the gap the stream is exact; the gap's times bound what is missing.
      const i = trades.findIndex((t) => t.tsNs >= g.untilNs);
      expect(trades[i - 1]!.tsNs).toBe(g.sinceNs);
      const truth = sim.truth.trades('BTCUSDT', trades[0]!.tsNs, trades.at(-1)!.tsNs + 1_000_000n);
      const ids = new Map(truth.map((t, k) => [t.id, k]));
      const before = trades.slice(0, i).map((t) => ids.get(t.id)!);
      const after = trades.slice(i).map((t) => ids.get(t.id)!);
      expect(before.every((k, j) => j === 0 || k === before[j - 1]! + 1)).toBe(true);
      expect(after.every((k, j) => j === 0 || k === after[j - 1]! + 1)).toBe(true);
      expect(after[0]! - before.at(-1)!).toBeGreaterThan(1000);
    } finally {
      await sim.close();
    }
  }, 30_000);
});
