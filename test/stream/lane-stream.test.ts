/**
 * The two-lane iterator behind `stream.trades`, end to end on real sockets: a frame of many trades comes
 * out whole and in id order, duplicates and an id jump mixed into a burst take the slow lane and come
 * back in order, and `return()` while a `next()` waits ends both at once and closes the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trade } from '../../src/core/records.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { isStreamEvent, type StreamTrade, streamTrades } from '../../src/stream/index.js';
import { krakenTrades } from '../helpers/stream-wire.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/ws-scripted-server.js';

const NOW = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const WS = { initialDelayMs: 5, maxDelayMs: 20, pingIntervalMs: 0, idleTimeoutMs: 0 };

describe('stream.trades lanes (Kraken frames of many trades)', () => {
  let sim: RunningSimulator;
  let truth: Trade[];
  let server: ScriptedServer;
  let script: (send: (frame: string) => void) => void = () => {};
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'kraken', rateLimits: 'off' });
    truth = sim.truth.trades('XBTUSD', NOW - 600n * S, NOW);
    expect(truth.length).toBeGreaterThan(600);
    server = await startScriptedServer({
      onConnection: (c) => {
        c.ws.once('message', () => script((f) => c.ws.send(f)));
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await sim.close();
  });

  const open = () =>
    streamTrades({
      exchange: 'kraken',
      symbols: 'BTC/USD',
      baseUrl: sim.url,
      wsUrl: server.url,
      websocket: WS,
    });

  it('a burst with duplicates, a shuffled frame and an id jump comes out once each, in id order', async () => {
    const t = truth.slice(0, 600);
    script = (send) => {
      send(krakenTrades('BTC/USD', t.slice(0, 200)));
      // Shuffled within the frame, and overlapping the last one: sorted, duplicates dropped.
      send(krakenTrades('BTC/USD', [...t.slice(150, 300)].reverse()));
      // Ids 300..399 never come live: repaired over REST between the two frames.
      send(krakenTrades('BTC/USD', t.slice(400, 600)));
    };
    const out: StreamTrade[] = [];
    const kinds: string[] = [];
    for await (const x of open()) {
      if (isStreamEvent(x)) {
        kinds.push(x.kind);
        continue;
      }
      out.push(x);
      if (out.length === 600) break;
    }
    expect(out.map((x) => x.id)).toEqual(t.map((x) => x.id));
    expect(out.map((x) => x.tsNs)).toEqual(t.map((x) => x.tsNs));
    expect(out.every((x) => x.symbol === 'BTC/USD')).toBe(true);
    expect(kinds).toContain('repaired');
    expect(kinds).not.toContain('gap');
  });

  it('return() while next() waits settles both at once and closes the socket', async () => {
    script = (send) => send(krakenTrades('BTC/USD', truth.slice(0, 3)));
    const it = open();
    const got: StreamTrade[] = [];
    for (;;) {
      const r = await it.next();
      if (r.done) throw new Error('ended early');
      if (!isStreamEvent(r.value)) got.push(r.value);
      if (got.length === 3) break;
    }
    const before = server.connections.length;
    const pending = it.next(); // nothing more will come
    const t0 = performance.now();
    await it.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(performance.now() - t0).toBeLessThan(2000);
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
    const closed = await server.connections[before - 1]?.closed;
    expect(closed?.code).toBe(1000);
  });
});
