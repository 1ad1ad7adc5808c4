/**
 * The Bybit trade feed against the simulator's `/v5/public/linear` (a running clock): messages carry
 * up to 1024 trades; the feed yields every trade the sim sent, equal to the ground truth, in order, each
 * once: a reconnect whose first message repeats trades already delivered (the overlap a reconnect
 * shows) has them dropped by id. Trades sent while disconnected are missing only at the reconnect.
 */
import { describe, expect, it } from 'vitest';
import { BybitFeed, bybitTopics } from '../../../src/adapters/bybit/ws.js';
import type { LiveTrade } from '../../../src/adapters/live.js';
import { startSimulator } from '../../../src/sim/index.js';
import { isFeedEvent } from '../../../src/transport/websocket/index.js';

const START = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const FAST = { idleTimeoutMs: 1500, pingIntervalMs: 300, initialDelayMs: 10, maxDelayMs: 100 } as const;

function liveSim(tradesPerSecond: number, speed: number, batchMs: number) {
  return startSimulator({
    exchange: 'bybit-linear',
    rateLimits: 'off',
    clock: { startNs: START, speed },
    markets: { historyStart: START - 86_400n * S, symbols: { BTCUSDT: { tradesPerSecond } } },
    ws: { batchMs },
  });
}

describe('bybit publicTrade feed', () => {
  it('splits a frame into messages of at most 1024 trades', async () => {
    const sim = await liveSim(6000, 1, 250); // ~1500 trades a frame
    const feed = new BybitFeed(sim.wsUrl, 'linear', [bybitTopics.trades('BTCUSDT')], FAST);
    const sizes: number[] = [];
    try {
      for await (const raw of feed.streamRaw()) {
        if (isFeedEvent(raw)) continue;
        const m = JSON.parse(String(raw)) as { topic?: string; data?: unknown[] };
        if (m.topic !== 'publicTrade.BTCUSDT') continue;
        sizes.push(m.data!.length);
        // The market's intensity varies by minute: read frames until one is split, or 40 frames.
        if (sizes.length >= 40 || (sizes.length >= 6 && sizes.includes(1024))) break;
      }
    } finally {
      await feed.stop();
      await sim.close();
    }
    expect(Math.max(...sizes)).toBe(1024);
    expect(sizes.every((n) => n >= 1 && n <= 1024)).toBe(true);
  });

  it('equals the ground truth over drops; repeats across a reconnect are dropped by id', async () => {
    const sim = await liveSim(3000, 1, 200);
    const feed = new BybitFeed(sim.wsUrl, 'linear', [bybitTopics.trades('BTCUSDT')], FAST);
    const got: LiveTrade[] = [];
    const reconnectAt: number[] = []; // index in `got` of the first trade after each reconnect
    // Phases driven by what the feed shows: a drop once 2500 trades followed the last reconnect.
    let drops = 0;
    let waiting = false;
    try {
      for await (const item of feed.stream()) {
        if (isFeedEvent(item)) {
          if (item.kind === 'reconnected') {
            reconnectAt.push(got.length);
            waiting = false;
          }
          continue;
        }
        if (item.kind !== 'trade') continue;
        got.push(item);
        const since = got.length - (reconnectAt.at(-1) ?? 0);
        if (!waiting && since >= 2500) {
          if (drops === 3) break;
          drops++;
          waiting = true;
          // The next connection replays the last second, then this one is cut.
          sim.ws.inject({ kind: 'replay-trades', target: 'next' });
          sim.ws.inject({ kind: 'drop' });
        }
      }
    } finally {
      await feed.stop();
    }
    try {
      expect(reconnectAt.length).toBeGreaterThanOrEqual(3);
      expect(feed.duplicatesDropped).toBeGreaterThan(0);
      // Local numbering: 1, 2, 3... whatever the ids.
      expect(got.every((t, i) => t.seq === i + 1)).toBe(true);
      const truth = sim.truth.trades('BTCUSDT', got[0]!.trade.tsNs, got.at(-1)!.trade.tsNs + 1_000_000n);
      const index = new Map(truth.map((t, i) => [t.id, i]));
      const at = got.map((t) => index.get(t.trade.id));
      expect(at.every((i) => i !== undefined)).toBe(true);
      // Every trade as the truth has it.
      for (const t of got) expect(t.trade).toEqual(truth[index.get(t.trade.id)!]);
      // In truth order, each once; jumps (lost while disconnected) only at a reconnect.
      for (let i = 1; i < at.length; i++) {
        expect(at[i]!).toBeGreaterThan(at[i - 1]!);
        if (at[i]! !== at[i - 1]! + 1) expect(reconnectAt).toContain(i);
      }
      const last = got.at(-1)!.trade;
      expect(at.at(-1)).toBe(index.get(last.id));
      expect(truth[at.at(-1)!]!.id).toBe(last.id);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('a quiet connection stays alive on JSON {"op":"ping"} answered by a pong', async () => {
    const sim = await startSimulator({ exchange: 'bybit', rateLimits: 'off' }); // frozen clock: no trades
    const feed = new BybitFeed(sim.wsUrl, 'spot', [bybitTopics.trades('BTCUSDT')], {
      idleTimeoutMs: 1000,
      pingIntervalMs: 150,
    });
    const events: string[] = [];
    try {
      const it = feed.stream();
      const stop = setTimeout(() => void feed.stop(), 2500); // well past the idle timeout
      for await (const item of it) if (isFeedEvent(item)) events.push(item.kind);
      clearTimeout(stop);
      expect(events).toEqual(['connected']);
      // The subscription and about 15 pings reached the server; without pongs it would have timed out.
      expect(sim.ws.stats().messagesReceived).toBeGreaterThanOrEqual(8);
    } finally {
      await feed.stop();
      await sim.close();
    }
  });
});
