/**
 * Helpers for the live stream tests against the simulator's WebSocket side: a running-clock simulator,
 * fast reconnect options, and collectors that split a stream into data and events.
 */
import type { Trade } from '../../src/core/records.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';
import {
  isStreamEvent,
  type StreamTrade,
  type TradeStreamEvent,
  type TradeStreamItem,
} from '../../src/stream/index.js';

/** The simulated clock's start, 2026-01-01T00:00:00Z, in ns. */
export const SIM_START_NS = 1_767_225_600_000_000_000n;
/** One second in ns. */
export const SECOND_NS = 1_000_000_000n;

/** Native ids of the BTC market per exchange (what `truth` takes). */
export const NATIVE = { binance: 'BTCUSDT', coinbase: 'BTC-USD', kraken: 'XBTUSD' } as const;

/**
 * WebSocket options for tests: a stall is noticed after 1 s of silence (pings every 250 ms keep a
 * healthy but quiet connection alive), reconnects are fast.
 */
export const FAST_WS = {
  idleTimeoutMs: 1000,
  pingIntervalMs: 250,
  initialDelayMs: 10,
  maxDelayMs: 100,
  stableAfterMs: 500,
} as const;

/** A simulator with a running clock at `speed`, history from a day before, rate limits off. */
export function startLiveSim(
  exchange: SimulatorOptions['exchange'],
  speed: number,
  extra: Omit<SimulatorOptions, 'exchange' | 'clock'> = {},
): Promise<RunningSimulator> {
  return startSimulator({
    exchange,
    rateLimits: 'off',
    clock: { startNs: SIM_START_NS, speed },
    markets: { historyStart: SIM_START_NS - 86_400n * SECOND_NS },
    ...extra,
  });
}

/** Trades and events of a trade stream, read until `until` says stop (then the stream is closed). */
export async function collectTrades(
  it: AsyncIterable<TradeStreamItem>,
  until: (trades: readonly StreamTrade[]) => boolean,
  onEvent?: (e: TradeStreamEvent) => void,
): Promise<{ trades: StreamTrade[]; events: TradeStreamEvent[] }> {
  const trades: StreamTrade[] = [];
  const events: TradeStreamEvent[] = [];
  for await (const item of it) {
    if (isStreamEvent(item)) {
      events.push(item);
      onEvent?.(item);
    } else {
      trades.push(item);
      if (until(trades)) break;
    }
  }
  return { trades, events };
}

/** A stream trade without its symbol (to compare with ground truth). */
export function bare(t: StreamTrade): Trade {
  return { id: t.id, tsNs: t.tsNs, price: t.price, amount: t.amount, side: t.side };
}

/** The ground-truth trades with ids `first.id..last.id` (the span a stream covered). */
export function truthBetween(sim: RunningSimulator, native: string, first: Trade, last: Trade): Trade[] {
  const lo = BigInt(first.id);
  const hi = BigInt(last.id);
  return sim.truth
    .trades(native, first.tsNs - SECOND_NS, last.tsNs + SECOND_NS)
    .filter((t) => BigInt(t.id) >= lo && BigInt(t.id) <= hi);
}
