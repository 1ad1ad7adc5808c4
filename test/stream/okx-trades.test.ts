/**
 * OKX live against the simulator's own `/ws/v5/*` with a running clock: `trades-all` over drops, stalls,
 * lost pushes and the 64008 upgrade notice equals the ground truth (REST repairs the holes); the local
 * pushes are checked by id against the truth.
 */
import { describe, expect, it } from 'vitest';
import {
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
  type WsInjection,
} from '../../src/sim/index.js';
import { streamTrades, type TradeStreamEvent } from '../../src/stream/index.js';
import {
  bare,
  collectTrades,
  FAST_WS,
  SECOND_NS,
  SIM_START_NS,
  truthBetween,
} from '../helpers/stream2-sim.js';

function liveSim(
  speed: number,
  extra: Omit<SimulatorOptions, 'exchange' | 'clock'> = {},
): Promise<RunningSimulator> {
  return startSimulator({
    exchange: 'okx',
    rateLimits: 'off',
    clock: { startNs: SIM_START_NS, speed },
    markets: { historyStart: SIM_START_NS - 86_400n * SECOND_NS },
    ...extra,
  });
}

describe('okx trades-all over the simulator', () => {
  it('trades-all: nine minutes with drops, a stall, lost pushes and an upgrade notice equal the truth', async () => {
    const sim = await liveSim(60, { ws: { upgradeNoticeMs: 2000, idleDisconnectMs: 3000 } });
    const timers: NodeJS.Timeout[] = [];
    const schedule: [number, WsInjection][] = [
      [3000, { kind: 'drop' }],
      [4000, { kind: 'drop-messages', count: 5 }],
      [5500, { kind: 'stall' }],
    ];
    try {
      const { trades, events } = await collectTrades(
        streamTrades({
          exchange: 'okx',
          symbols: ['BTC/USDT:USDT'],
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(40_000),
        }),
        (ts) => {
          if (ts.length === 1)
            for (const [ms, f] of schedule) timers.push(setTimeout(() => sim.ws.inject(f), ms));
          return (ts.at(-1)?.tsNs ?? 0n) - (ts[0]?.tsNs ?? 0n) >= 540n * SECOND_NS;
        },
      );
      const first = trades[0]!;
      const last = trades.at(-1)!;
      const truth = truthBetween(sim, 'BTC-USDT-SWAP', first, last);
      expect(truth.length).toBeGreaterThan(1000);
      const ids = trades.map((t) => Number(t.id));
      expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
      expect(trades.map(bare)).toEqual(truth);
      const kinds = (k: TradeStreamEvent['kind']) => events.filter((e) => e.kind === k);
      expect(kinds('gap')).toEqual([]);
      expect(kinds('repaired').length).toBeGreaterThanOrEqual(1);
      expect(events.some((e) => e.kind === 'repaired' && e.trigger === 'id-jump')).toBe(true);
      const causes = events.flatMap((e) => (e.kind === 'disconnected' ? [e.cause] : []));
      expect(causes).toContain('idle-timeout'); // the stall
      // The drop, the stall and the notices: the client closes (4000) before the server's upgrade
      // disconnect (1012) would strike.
      expect(causes.length).toBeGreaterThanOrEqual(3);
      const codes = events.flatMap((e) => (e.kind === 'disconnected' ? [e.code] : []));
      expect(codes).toContain(4000);
      expect(codes).not.toContain(1012);
      expect(sim.ws.stats().connections).toBeGreaterThanOrEqual(4);
    } finally {
      for (const t of timers) clearTimeout(t);
      await sim.close();
    }
  }, 45_000);
});
