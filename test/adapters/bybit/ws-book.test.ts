/**
 * Bybit books against the simulator's WebSocket with a running clock (20× real time), through
 * `stream.book`: the local book equals the simulator's true top-N book after EVERY snapshot and
 * update (aligned by the message's `ts`, the book tick it brings the book to). An unasked snapshot, a
 * snapshot with `u` = 1 (service restart) and a dropped connection each rebuild the book from a
 * snapshot; a delta whose `u` does not rise is a resync (`sequence-regress`) answered by a resubscribe.
 */
import { describe, expect, it } from 'vitest';
import { BybitBookSync } from '../../../src/adapters/bybit/book.js';
import type { LiveBookMessage } from '../../../src/adapters/live.js';
import { startSimulator, type WsInjection } from '../../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../../src/stream/index.js';

const START = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const FAST = { idleTimeoutMs: 1500, pingIntervalMs: 300, initialDelayMs: 10, maxDelayMs: 100 } as const;

type Level = [number, number];

describe('bybit order book', () => {
  it.each([
    ['bybit-linear', 'BTC/USDT:USDT', 50],
    ['bybit', 'ETH/USDT', 200],
  ] as const)(
    '%s %s depth %d: equal to the truth at every event, through every reset',
    async (exchange, symbol, depth) => {
      const sim = await startSimulator({
        exchange,
        rateLimits: 'off',
        clock: { startNs: START, speed: 20 },
        markets: { historyStart: START - 86_400n * S },
      });
      const native = symbol.startsWith('BTC') ? 'BTCUSDT' : 'ETHUSDT';
      // Phases driven by what the stream shows (not by time): each fault is injected once the previous
      // one has visibly rebuilt the book, 20 events after it.
      const plan: WsInjection[] = [
        { kind: 'resnapshot' },
        { kind: 'book-restart' },
        { kind: 'stale-update' },
        { kind: 'drop' },
      ];
      const mismatches: string[] = [];
      const resyncs: string[] = [];
      let snapshots = 0;
      let updates = 0;
      let sawRestart = false;
      let sinceRebuild = 0;
      let waiting = false;
      try {
        const it = streamBook({
          exchange,
          symbol,
          depth,
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST,
          signal: AbortSignal.timeout(25_000),
        });
        for await (const ev of it as AsyncIterable<BookStreamItem>) {
          if (ev.kind === 'resync') {
            resyncs.push(ev.reason);
            continue;
          }
          if (ev.kind !== 'snapshot' && ev.kind !== 'update') continue;
          if (ev.kind === 'snapshot') {
            snapshots++;
            waiting = false;
            sinceRebuild = 0;
          } else updates++;
          sinceRebuild++;
          if (ev.updateId === 1) sawRestart = true;
          const truth = sim.truth.book(native, ev.tsNs, depth);
          const mine = {
            bids: ev.book.bids(1000).map((l): Level => [l.price, l.amount]),
            asks: ev.book.asks(1000).map((l): Level => [l.price, l.amount]),
          };
          if (JSON.stringify(mine) !== JSON.stringify({ bids: truth.bids, asks: truth.asks })) {
            mismatches.push(`${ev.kind} at ${ev.tsNs} u=${ev.updateId}`);
          }
          if (!waiting && sinceRebuild >= 20) {
            const next = plan.shift();
            if (next === undefined) break;
            sim.ws.inject(next);
            waiting = true;
          }
        }
      } finally {
        await sim.close();
      }
      expect(mismatches).toEqual([]);
      expect(plan).toEqual([]);
      expect(updates).toBeGreaterThan(60);
      expect(sawRestart).toBe(true);
      expect(resyncs).toContain('sequence-regress');
      expect(resyncs).toContain('reconnect');
      // The first, the unasked one, the restart, after the resubscribe, after the reconnect.
      expect(snapshots).toBeGreaterThanOrEqual(5);
      expect(sim.ws.stats().faults).toMatchObject({ resnapshot: 1, 'book-restart': 1, 'stale-update': 1 });
    },
    30_000,
  );
});

describe('bybit level-1 book', () => {
  it('sends snapshots only, each the true best bid and ask', async () => {
    const sim = await startSimulator({
      exchange: 'bybit-linear',
      rateLimits: 'off',
      clock: { startNs: START, speed: 10 },
      markets: { historyStart: START - 86_400n * S },
    });
    let snapshots = 0;
    try {
      for await (const ev of streamBook({
        exchange: 'bybit-linear',
        symbol: 'BTCUSDT',
        depth: 1,
        baseUrl: sim.url,
        wsUrl: sim.wsUrl,
        websocket: FAST,
        signal: AbortSignal.timeout(20_000),
      }) as AsyncIterable<BookStreamItem>) {
        if (ev.kind === 'update') throw new Error('level 1 sends no deltas');
        if (ev.kind !== 'snapshot') continue;
        snapshots++;
        const truth = sim.truth.book('BTCUSDT', ev.tsNs, 1);
        expect([ev.book.bids(5), ev.book.asks(5)]).toEqual([
          truth.bids.map(([price, amount]) => ({ price, amount })),
          truth.asks.map(([price, amount]) => ({ price, amount })),
        ]);
        if (snapshots >= 25) break;
      }
    } finally {
      await sim.close();
    }
    expect(snapshots).toBe(25);
  }, 30_000);
});

describe('BybitBookSync (pure)', () => {
  const snap = (u: number, bid: number): LiveBookMessage => ({
    kind: 'book-snapshot',
    market: 'X',
    changes: [
      { side: 'bid', price: bid, amount: 1 },
      { side: 'ask', price: bid + 1, amount: 2 },
    ],
    lastId: u,
  });
  const delta = (u: number, price: number, amount: number): LiveBookMessage => ({
    kind: 'book-update',
    market: 'X',
    changes: [{ side: 'bid', price, amount }],
    lastId: u,
  });

  it('waits for a snapshot, applies deltas, resets on any snapshot, resyncs on a u that does not rise', () => {
    const s = new BybitBookSync();
    expect(s.onMessage(delta(5, 9, 1))).toEqual({ type: 'none' });
    expect(s.onMessage(snap(10, 100))).toEqual({ type: 'snapshot' });
    expect(s.onMessage(delta(12, 99, 3)).type).toBe('update');
    expect(s.onMessage(delta(13, 100, 0)).type).toBe('update');
    expect(s.book.bids(10)).toEqual([{ price: 99, amount: 3 }]);
    // A later snapshot (here the restart one, u = 1) replaces everything.
    expect(s.onMessage(snap(1, 50))).toEqual({ type: 'snapshot' });
    expect(s.book.bids(10)).toEqual([{ price: 50, amount: 1 }]);
    expect(s.onMessage(delta(2, 49, 1)).type).toBe('update');
    const r = s.onMessage(delta(2, 48, 1));
    expect(r).toMatchObject({ type: 'resync', reason: 'sequence-regress' });
    expect(s.synced).toBe(false);
    expect(s.book.bids(10)).toEqual([]);
    expect(s.onMessage(delta(3, 47, 1))).toEqual({ type: 'none' });
  });
});
