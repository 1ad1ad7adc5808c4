/**
 * stream.trades against the simulator's own WebSocket dialects with a running clock (60× real time):
 * ten simulated minutes with connection drops, silent stalls (found by the idle timeout) and lost
 * messages. The stream must equal the simulator's ground truth for the span it covered: every id once,
 * in order, with the same values.
 */
import { describe, expect, it } from 'vitest';
import type { WsInjection } from '../../src/sim/index.js';
import { streamTrades, type TradeStreamEvent } from '../../src/stream/index.js';
import {
  bare,
  collectTrades,
  FAST_WS,
  NATIVE,
  SECOND_NS,
  startLiveSim,
  truthBetween,
} from '../helpers/stream2-sim.js';

const SPEED = 60;
const SPAN_NS = 600n * SECOND_NS; // ten simulated minutes

type Ex = 'binance' | 'coinbase' | 'kraken';

/** Faults by real ms after the first trade. Coinbase can also lose single messages on a live connection. */
function schedule(exchange: Ex): (readonly [number, WsInjection])[] {
  return [
    [1500, { kind: 'drop' }],
    [3500, { kind: 'stall' }],
    ...(exchange === 'coinbase' ? ([[5000, { kind: 'drop-messages', count: 7 }]] as const) : []),
    // The next connection stalls at its first data message, then this one is cut.
    [6500, { kind: 'stall', target: 'next' }],
    [6500, { kind: 'drop' }],
    ...(exchange === 'coinbase' ? ([[8500, { kind: 'drop-messages', count: 1 }]] as const) : []),
  ];
}

describe.concurrent('stream.trades over the simulator: ten minutes with faults', () => {
  it.each(['binance', 'coinbase', 'kraken'] as const)(
    '%s: 0 lost, 0 twice, in order, equal to ground truth',
    async (exchange) => {
      const sim = await startLiveSim(exchange, SPEED, {
        // A few more lost Coinbase messages at random (seeded).
        ...(exchange === 'coinbase' ? { ws: { faults: { dropMessageRate: 0.002, seed: 9 } } } : {}),
      });
      const timers: NodeJS.Timeout[] = [];
      try {
        const injected: string[] = [];
        const armed = () => {
          for (const [ms, f] of schedule(exchange)) {
            timers.push(
              setTimeout(() => {
                sim.ws.inject(f);
                injected.push(f.kind);
              }, ms),
            );
          }
        };
        const { trades, events } = await collectTrades(
          streamTrades({
            exchange,
            symbols: [exchange === 'binance' ? 'BTC/USDT' : 'BTC/USD'],
            baseUrl: sim.url,
            wsUrl: sim.wsUrl,
            websocket: FAST_WS,
            signal: AbortSignal.timeout(40_000),
          }),
          (ts) => {
            if (ts.length === 1) armed();
            return (ts.at(-1)?.tsNs ?? 0n) - (ts[0]?.tsNs ?? 0n) >= SPAN_NS;
          },
        );
        const first = trades[0]!;
        const last = trades.at(-1)!;
        expect(last.tsNs - first.tsNs).toBeGreaterThanOrEqual(SPAN_NS);
        const truth = truthBetween(sim, NATIVE[exchange], first, last);
        expect(truth.length).toBeGreaterThan(1000);
        // Ids once each, ascending by one: nothing lost, nothing twice.
        const ids = trades.map((t) => Number(t.id));
        expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
        expect(trades.length).toBe(truth.length);
        expect(trades.map(bare)).toEqual(truth);
        // Live trades (built whole by the feed) and refilled ones (copied) have one shape and the
        // unified symbol.
        const symbol = exchange === 'binance' ? 'BTC/USDT' : 'BTC/USD';
        expect(new Set(trades.map((t) => `${Object.keys(t).join()}|${t.symbol}`))).toEqual(
          new Set([`id,tsNs,price,amount,side,symbol|${symbol}`]),
        );

        const kinds = (k: TradeStreamEvent['kind']) => events.filter((e) => e.kind === k);
        expect(kinds('gap')).toEqual([]);
        const disconnects = events.flatMap((e) => (e.kind === 'disconnected' ? [e.cause] : []));
        // Two stalls found by the idle timeout, two drops; more reconnects only if the machine is slow.
        expect(disconnects.filter((c) => c === 'idle-timeout').length).toBeGreaterThanOrEqual(2);
        expect(disconnects.length).toBeGreaterThanOrEqual(4);
        expect(kinds('reconnected').length).toBe(disconnects.length);
        expect(injected.filter((k) => k === 'stall')).toHaveLength(2);
        // Holes were refilled over REST (every reconnect at 60x loses trades; Kraken's 50-trade snapshot
        // covers short ones), and Coinbase's lost messages were found by the id jump.
        const repairs = events.flatMap((e) => (e.kind === 'repaired' ? [e] : []));
        expect(repairs.length).toBeGreaterThanOrEqual(1);
        if (exchange === 'coinbase') {
          expect(repairs.some((r) => r.trigger === 'id-jump' || r.trigger === 'heartbeat')).toBe(true);
        }
        for (const r of repairs) expect(r.symbol).toBe(first.symbol);
      } finally {
        for (const t of timers) clearTimeout(t);
        await sim.close();
      }
    },
    45_000,
  );
});
