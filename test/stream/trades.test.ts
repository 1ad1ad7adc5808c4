/**
 * stream.trades against a scripted WebSocket server replaying the REST simulator's ground truth with
 * messages left out and connections dropped: the stream must equal the truth (0 lost, 0 twice, in
 * order), refilling holes over the simulator's REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trade } from '../../src/core/records.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import {
  isStreamEvent,
  type StreamTrade,
  streamTrades,
  type TradeStreamEvent,
  type TradeStreamItem,
} from '../../src/stream/index.js';
import { binanceAggTrade, coinbaseHeartbeat, coinbaseMatch, krakenTrades } from '../helpers/stream-wire.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/ws-scripted-server.js';

const NOW = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const FAST_WS = { initialDelayMs: 5, maxDelayMs: 20, pingIntervalMs: 0, idleTimeoutMs: 0 };

type Ex = 'binance' | 'coinbase' | 'kraken';
const NATIVE: Record<Ex, string> = { binance: 'BTCUSDT', coinbase: 'BTC-USD', kraken: 'XBTUSD' };

async function collect(it: AsyncIterable<TradeStreamItem>, until: (trades: StreamTrade[]) => boolean) {
  const trades: StreamTrade[] = [];
  const events: TradeStreamEvent[] = [];
  for await (const item of it) {
    if (isStreamEvent(item)) events.push(item);
    else trades.push(item);
    if (until(trades)) break;
  }
  return { trades, events };
}

function strip(t: StreamTrade): Trade {
  return { id: t.id, tsNs: t.tsNs, price: t.price, amount: t.amount, side: t.side };
}

describe.each(['binance', 'coinbase', 'kraken'] as const)(
  'stream.trades (%s) repairs gaps over REST',
  (exchange) => {
    let sim: RunningSimulator;
    let truth: Trade[];
    beforeAll(async () => {
      sim = await startSimulator({ exchange, rateLimits: 'off' });
      truth = sim.truth.trades(NATIVE[exchange], NOW - 120n * S, NOW);
      expect(truth.length).toBeGreaterThan(300);
    });
    afterAll(async () => {
      await sim.close();
    });

    function frames(ts: readonly Trade[]): string[] {
      if (exchange === 'binance') return ts.map((t) => binanceAggTrade('BTCUSDT', t));
      if (exchange === 'coinbase') return ts.map((t) => coinbaseMatch('BTC-USD', t));
      return ts.map((t) => krakenTrades('BTC/USD', [t]));
    }

    it('loses nothing and repeats nothing across lost messages and a reconnect', async () => {
      // Connection 0: trades 0..199 with 10..19 and 150 left out, then a drop.
      // Connection 1: 195..199 again (duplicates), then 260.. with 300..309 left out.
      const lost0 = new Set([...Array.from({ length: 10 }, (_, i) => 10 + i), 150]);
      let server: ScriptedServer | undefined;
      server = await startScriptedServer({
        onConnection: (c) => {
          const send = (ts: Trade[]) => {
            for (const f of frames(ts)) c.ws.send(f);
          };
          if (c.index === 0) {
            send(truth.slice(0, 200).filter((_, i) => !lost0.has(i)));
            setTimeout(() => c.ws.terminate(), 20);
          } else {
            send(truth.slice(195, 200));
            send(truth.slice(260, 300));
            send(truth.slice(310, 400));
          }
        },
      });
      try {
        const { trades, events } = await collect(
          streamTrades({
            exchange,
            symbols: [exchange === 'kraken' ? 'BTC/USD' : NATIVE[exchange]],
            baseUrl: sim.url,
            wsUrl: server.url.replace(/\/$/, ''),
            websocket: FAST_WS,
          }),
          (t) => t.length >= 400,
        );
        expect(trades.map(strip)).toEqual(truth.slice(0, 400));
        const repairs = events.filter((e) => e.kind === 'repaired');
        expect(repairs.map((e) => e.kind === 'repaired' && [e.fromId, e.toId, e.trigger])).toEqual([
          [truth[10]!.id, truth[19]!.id, 'id-jump'],
          [truth[150]!.id, truth[150]!.id, 'id-jump'],
          [truth[200]!.id, truth[259]!.id, 'reconnect'],
          [truth[300]!.id, truth[309]!.id, 'id-jump'],
        ]);
        expect(events.some((e) => e.kind === 'gap')).toBe(false);
        expect(events.map((e) => e.kind)).toContain('reconnected');
      } finally {
        await server.close();
      }
    });

    it('reports what REST cannot supply as a gap with the exact ids, then goes on', async () => {
      // Ids past the simulator's "now" do not exist in REST: fake a jump to them.
      const last = truth.at(-1)!;
      const fake = (offset: number): Trade => ({
        ...last,
        id: String(Number(last.id) + offset),
        tsNs: last.tsNs + 1_000_000n,
      });
      const server = await startScriptedServer({
        onConnection: (c) => {
          for (const f of frames([...truth.slice(-3), fake(5)])) c.ws.send(f);
        },
      });
      try {
        const { trades, events } = await collect(
          streamTrades({
            exchange,
            symbols: NATIVE[exchange],
            baseUrl: sim.url,
            wsUrl: server.url,
            websocket: FAST_WS,
          }),
          (t) => t.length >= 4,
        );
        expect(trades.map((t) => t.id)).toEqual([...truth.slice(-3).map((t) => t.id), fake(5).id]);
        const gap = events.find((e) => e.kind === 'gap');
        expect(gap).toMatchObject({
          kind: 'gap',
          fromId: fake(1).id,
          toId: fake(4).id,
          count: 4,
          sinceNs: last.tsNs,
          untilNs: last.tsNs + 1_000_000n,
          reason: 'not-found',
          trigger: 'id-jump',
        });
      } finally {
        await server.close();
      }
    });
  },
);

describe('stream.trades (coinbase) heartbeat last_trade_id', () => {
  it('refills trades a heartbeat announces before the next match arrives', async () => {
    const sim = await startSimulator({ exchange: 'coinbase', rateLimits: 'off' });
    const truth = sim.truth.trades('BTC-USD', NOW - 30n * S, NOW);
    const server = await startScriptedServer({
      onConnection: (c) => {
        for (const t of truth.slice(0, 5)) c.ws.send(coinbaseMatch('BTC-USD', t));
        c.ws.send(coinbaseHeartbeat('BTC-USD', Number(truth[9]!.id), truth[9]!.tsNs));
      },
    });
    try {
      const { trades, events } = await collect(
        streamTrades({
          exchange: 'coinbase',
          symbols: 'BTC-USD',
          baseUrl: sim.url,
          wsUrl: server.url,
          websocket: FAST_WS,
        }),
        (t) => t.length >= 10,
      );
      expect(trades.map(strip)).toEqual(truth.slice(0, 10));
      expect(events.find((e) => e.kind === 'repaired')).toMatchObject({ trigger: 'heartbeat', count: 5 });
    } finally {
      await server.close();
      await sim.close();
    }
  });
});

describe('stream.trades options', () => {
  it('rejects an unknown exchange and empty symbols', async () => {
    await expect(streamTrades({ exchange: 'nope' as 'binance', symbols: 'X' }).next()).rejects.toMatchObject({
      name: 'UnknownExchangeError',
    });
    await expect(streamTrades({ exchange: 'binance', symbols: [] }).next()).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'ERR_VALIDATION',
    });
    await expect(
      streamTrades({ exchange: 'binance', symbols: 'X', wsUrl: 'http://x' }).next(),
    ).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });
});
