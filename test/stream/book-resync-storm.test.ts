/**
 * Books that can never be synced, against real scripted servers on 127.0.0.1: a Kraken server whose
 * checksum never matches, a Binance diff stream that always skips an id, REST snapshots always behind the
 * stream, and a Coinbase server that drops every connection after its snapshot. In each case the
 * subscribes (or REST snapshot fetches, or connects) are paced by the capped, jittered backoff, and the
 * stream ends with `BookResyncExhaustedError` naming the symbol and the reason after `maxRetries`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/adapters/registry.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../src/stream/index.js';
import { krakenAlwaysBadChecksum } from '../helpers/kraken-bad-book.js';
import { startScriptedServer } from '../helpers/ws-scripted-server.js';

const NO_PING = { pingIntervalMs: 0, idleTimeoutMs: 0 };
const FAST_WS = { initialDelayMs: 5, maxDelayMs: 20, ...NO_PING };
/** Slower backoff for the rate checks: without it these servers see thousands of subscribes a second. */
const PACED = { initialDelayMs: 40, maxDelayMs: 160, factor: 2, stableAfterMs: 10_000 };

/** Drains `it` until it ends or throws; returns what it yielded and the error. */
async function drain(it: AsyncIterable<BookStreamItem>) {
  const items: BookStreamItem[] = [];
  try {
    for await (const e of it) items.push(e);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('stream.book: resync storms are paced and end with a typed error', () => {
  let krakenSim: RunningSimulator;
  let binanceSim: RunningSimulator;
  let coinbaseSim: RunningSimulator;
  beforeAll(async () => {
    [krakenSim, binanceSim, coinbaseSim] = await Promise.all([
      startSimulator({ exchange: 'kraken', rateLimits: 'off' }),
      startSimulator({ exchange: 'binance', rateLimits: 'off' }),
      startSimulator({ exchange: 'coinbase', rateLimits: 'off' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([krakenSim.close(), binanceSim.close(), coinbaseSim.close()]);
  });

  it('kraken, checksum never matches: subscribes are paced by the backoff', async () => {
    const { server, subscribes } = await krakenAlwaysBadChecksum();
    try {
      const signal = AbortSignal.timeout(1200);
      const t0 = performance.now();
      const { items, error } = await drain(
        streamBook({
          exchange: 'kraken',
          symbol: 'BTC/USD',
          baseUrl: krakenSim.url,
          wsUrl: server.url,
          websocket: NO_PING,
          resync: { ...PACED, maxRetries: Number.POSITIVE_INFINITY },
          signal,
        }),
      );
      const elapsed = performance.now() - t0;
      expect(error).toBeUndefined();
      // Expected waits 20, 40, 80, 80, ... ms: about 15 subscribes in 1.2 s (unpaced: thousands).
      expect(subscribes.length).toBeGreaterThanOrEqual(3);
      expect(subscribes.length).toBeLessThan(45);
      expect(elapsed / subscribes.length).toBeGreaterThan(25);
      const resyncs = items.filter((e) => e.kind === 'resync');
      expect(resyncs.length).toBeGreaterThanOrEqual(subscribes.length - 1);
      expect(resyncs.every((e) => e.kind === 'resync' && e.reason === 'checksum-mismatch')).toBe(true);
      expect(items.some((e) => e.kind === 'snapshot')).toBe(false);
      // Each resubscribe is preceded by an unsubscribe on the same connection (and the abort may have
      // come during the wait after the last one).
      const sent = server.connections[0]!.received.map((r) => (JSON.parse(r) as { method: string }).method);
      const unsubscribes = sent.filter((m) => m === 'unsubscribe').length;
      expect([subscribes.length - 1, subscribes.length]).toContain(unsubscribes);
    } finally {
      await server.close();
    }
  });

  it('kraken, checksum never matches: ends after maxRetries with BookResyncExhaustedError', async () => {
    const { server, subscribes } = await krakenAlwaysBadChecksum();
    try {
      const { items, error } = await drain(
        streamBook({
          exchange: 'kraken',
          symbol: 'XBTUSD',
          baseUrl: krakenSim.url,
          wsUrl: server.url,
          websocket: FAST_WS,
          resync: { maxRetries: 3 },
        }),
      );
      expect(error).toMatchObject({
        name: 'BookResyncExhaustedError',
        code: 'ERR_RESYNC_EXHAUSTED',
        exchange: 'kraken',
        symbol: 'BTC/USD',
        reason: 'checksum-mismatch',
        attempts: 4,
        neverValid: true,
      });
      expect((error as Error).message).toMatch(/kraken BTC\/USD order book never became valid/);
      expect(subscribes).toHaveLength(4);
      expect(items.filter((e) => e.kind === 'resync')).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it('binance, the diff stream always skips an id: snapshot fetches are bounded, then sequence-gap ends it', async () => {
    let id = 1000;
    let depthCalls = 0;
    const rest = createServer((_req, res) => {
      depthCalls++;
      // Lines up with everything sent so far: the book becomes valid, then the next event skips an id.
      const body = { lastUpdateId: id, bids: [['50.0', '1.0']], asks: [['51.0', '1.0']] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const restUrl = await listen(rest);
    const server = await startScriptedServer({
      onConnection: (c) => {
        const timer = setInterval(() => {
          const U = id + 2; // id + 1 never comes
          id = U;
          c.ws.send(
            JSON.stringify({
              stream: 'btcusdt@depth@100ms',
              data: { e: 'depthUpdate', E: 1, s: 'BTCUSDT', U, u: U, b: [['50.5', '1.0']], a: [] },
            }),
          );
        }, 5);
        c.ws.on('close', () => clearInterval(timer));
      },
    });
    const adapter = createAdapter('binance', { baseUrl: binanceSim.url });
    try {
      const { items, error } = await drain(
        streamBook({
          exchange: 'binance',
          symbol: 'BTCUSDT',
          adapter,
          baseUrl: restUrl,
          wsUrl: server.url,
          websocket: FAST_WS,
          snapshotDepth: 100,
          resync: { maxRetries: 4 },
        }),
      );
      expect(error).toMatchObject({
        name: 'BookResyncExhaustedError',
        code: 'ERR_RESYNC_EXHAUSTED',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        reason: 'sequence-gap',
        attempts: 5,
        neverValid: false,
      });
      expect(depthCalls).toBe(5);
      const kinds = items.filter((e) => e.kind === 'snapshot' || e.kind === 'resync').map((e) => e.kind);
      expect(kinds).toEqual([
        'snapshot',
        'resync',
        'snapshot',
        'resync',
        'snapshot',
        'resync',
        'snapshot',
        'resync',
        'snapshot',
        'resync',
      ]);
    } finally {
      await adapter.close();
      await server.close();
      rest.close();
    }
  });

  it('binance, REST snapshots always behind the stream: refetches are paced, then stale-snapshot ends it', async () => {
    const fetchedAt: number[] = [];
    const rest = createServer((_req, res) => {
      fetchedAt.push(performance.now());
      const body = { lastUpdateId: 1, bids: [['50.0', '1.0']], asks: [['51.0', '1.0']] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const restUrl = await listen(rest);
    const server = await startScriptedServer({
      onConnection: (c) => {
        let U = 100;
        const timer = setInterval(() => {
          c.ws.send(
            JSON.stringify({
              stream: 'btcusdt@depth@100ms',
              data: { e: 'depthUpdate', E: 1, s: 'BTCUSDT', U, u: U, b: [['50.5', '1.0']], a: [] },
            }),
          );
          U++;
        }, 5);
        c.ws.on('close', () => clearInterval(timer));
      },
    });
    const adapter = createAdapter('binance', { baseUrl: binanceSim.url });
    try {
      const t0 = performance.now();
      const { items, error } = await drain(
        streamBook({
          exchange: 'binance',
          symbol: 'BTCUSDT',
          adapter,
          baseUrl: restUrl,
          wsUrl: server.url,
          websocket: NO_PING,
          // Weight 5 per snapshot: the rate limiter stays out of the timing.
          snapshotDepth: 100,
          resync: { ...PACED, maxRetries: 6 },
        }),
      );
      const elapsed = performance.now() - t0;
      expect(error).toMatchObject({
        name: 'BookResyncExhaustedError',
        code: 'ERR_RESYNC_EXHAUSTED',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        reason: 'stale-snapshot',
        attempts: 7,
        neverValid: true,
      });
      expect((error as Error).message).toMatch(/snapshot lastUpdateId 1 < first buffered U 100/);
      expect(fetchedAt).toHaveLength(7);
      // Six waits drawn below 40, 80, 160, 160, 160, 160 ms: 380 ms expected, never a tight loop.
      expect(elapsed).toBeGreaterThan(60);
      expect(items.filter((e) => e.kind === 'resync')).toHaveLength(7);
      expect(items.some((e) => e.kind === 'snapshot')).toBe(false);
    } finally {
      await adapter.close();
      await server.close();
      rest.close();
    }
  });

  it('coinbase, every connection dropped after its snapshot: reconnects and resubscribes are paced', async () => {
    const snapshot = JSON.stringify({
      type: 'snapshot',
      product_id: 'BTC-USD',
      bids: [['100.00', '1.0']],
      asks: [['200.00', '1.0']],
    });
    const server = await startScriptedServer({
      onConnection: (c) => {
        c.ws.once('message', () => {
          c.ws.send(snapshot);
          setTimeout(() => c.ws.terminate(), 2);
        });
      },
    });
    try {
      const t0 = performance.now();
      const { items } = await drain(
        streamBook({
          exchange: 'coinbase',
          symbol: 'BTC-USD',
          baseUrl: coinbaseSim.url,
          wsUrl: server.url,
          websocket: { ...NO_PING, ...PACED },
          signal: AbortSignal.timeout(1000),
        }),
      );
      const elapsed = performance.now() - t0;
      const subscribes = server.connections.filter((c) => c.received.length > 0).length;
      expect(subscribes).toBeGreaterThanOrEqual(3);
      expect(subscribes).toBeLessThan(45);
      expect(elapsed / subscribes).toBeGreaterThan(20);
      expect(
        items.filter((e) => e.kind === 'resync' && e.reason === 'reconnect').length,
      ).toBeGreaterThanOrEqual(subscribes - 2);
    } finally {
      await server.close();
    }
  });
});
