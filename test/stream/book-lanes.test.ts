/**
 * stream.book's two-lane iterator (`book-items.ts` over `lane-stream.ts`) against a scripted Kraken
 * server: updates of a burst come from the fast lane in order, a bad checksum, a reconnect and an error
 * message in the middle of a burst go through the slow lane at their place, and `break`, `return()`,
 * `throw()` and a slow consumer behave as with the async generator before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krakenBookChecksum } from '../../src/adapters/kraken/checksum.js';
import { ExchangeError } from '../../src/core/errors.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../src/stream/index.js';
import {
  type ScriptedServer,
  type ServerConnection,
  startScriptedServer,
} from '../helpers/ws-scripted-server.js';

const FAST_WS = { initialDelayMs: 5, maxDelayMs: 20, pingIntervalMs: 0, idleTimeoutMs: 0 };

/** A Kraken book script: the snapshot, then `n` one-level updates, each with its right checksum unless `bad(i)`. */
function krakenScript(n: number, bad: (i: number) => boolean = () => false): string[] {
  const bids = new Map<string, string>([['100.0', '1.00000000']]);
  const asks = new Map<string, string>([['101.0', '1.00000000']]);
  const sum = () => {
    const lv = (m: Map<string, string>, dir: number) =>
      [...m]
        .sort((a, b) => dir * (Number(a[0]) - Number(b[0])))
        .slice(0, 10)
        .map(([p, q]) => ({ priceText: p, qtyText: q }));
    return krakenBookChecksum(lv(asks, 1), lv(bids, -1));
  };
  const out = [
    `{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[{"price":100.0,"qty":1.00000000}],"asks":[{"price":101.0,"qty":1.00000000}],"checksum":${sum()}}]}`,
  ];
  for (let i = 1; i <= n; i++) {
    const q = (1 + i / 1000).toFixed(8);
    bids.set('100.0', q);
    out.push(
      `{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":100.0,"qty":${q}}],"asks":[],"checksum":${bad(i) ? sum() ^ 1 : sum()},"timestamp":"2026-01-01T00:00:00.000001Z"}]}`,
    );
  }
  return out;
}

/** The qty of the one bid level each update set: which update it was. */
const updateNo = (e: BookStreamItem): number =>
  e.kind === 'update' ? Math.round(((e.changes[0]?.amount ?? 0) - 1) * 1000) : -1;

describe('stream.book lanes (kraken, scripted)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'kraken', rateLimits: 'off' });
  });
  afterAll(async () => {
    await sim.close();
  });

  /** A server sending `frames(connection, subscription)` in one burst on every subscribe. */
  const server = (frames: (c: ServerConnection, sub: number) => string[]): Promise<ScriptedServer> =>
    startScriptedServer({
      onConnection: (c) => {
        let subs = 0;
        c.ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as { method: string };
          if (m.method !== 'subscribe') return;
          for (const f of frames(c, subs++)) c.ws.send(f);
        });
      },
    });
  const open = (s: ScriptedServer, extra: object = {}) =>
    streamBook({
      exchange: 'kraken',
      symbol: 'BTC/USD',
      baseUrl: sim.url,
      wsUrl: s.url,
      websocket: FAST_WS,
      resync: { initialDelayMs: 1, maxDelayMs: 2 },
      ...extra,
    });

  it('a burst: every update in order; a bad checksum mid-burst resyncs at its place', async () => {
    const s = await server((_c, sub) => (sub === 0 ? krakenScript(200, (i) => i === 120) : krakenScript(30)));
    try {
      const kinds: string[] = [];
      const nos: number[] = [];
      for await (const e of open(s)) {
        kinds.push(e.kind === 'resync' ? `resync:${e.reason}` : e.kind);
        if (e.kind === 'update') nos.push(updateNo(e));
        if (kinds.filter((k) => k === 'snapshot').length === 2 && nos.at(-1) === 30) break;
      }
      // Updates 1..119 of the first subscription, the mismatch, then the second one's 1..30.
      expect(kinds.slice(0, 2)).toEqual(['connected', 'snapshot']);
      expect(kinds[121]).toBe('resync:checksum-mismatch');
      expect(kinds[122]).toBe('snapshot');
      expect(kinds.length).toBe(123 + 30);
      expect(nos).toEqual([
        ...Array.from({ length: 119 }, (_, i) => i + 1),
        ...Array.from({ length: 30 }, (_, i) => i + 1),
      ]);
      // The snapshot after the resync came from a new subscribe, after an unsubscribe.
      const sent = s.connections[0]!.received.map((r) => (JSON.parse(r) as { method: string }).method);
      expect(sent).toEqual(['subscribe', 'unsubscribe', 'subscribe']);
    } finally {
      await s.close();
    }
  });

  it('break mid-burst closes the socket; return() and throw() end the stream', async () => {
    const s = await server(() => krakenScript(500));
    try {
      let n = 0;
      for await (const e of open(s)) if (e.kind === 'update' && ++n === 10) break;
      expect(await s.connections[0]!.closed).toMatchObject({ code: 1000 });

      const it = open(s);
      expect((await it.next()).value).toMatchObject({ kind: 'connected' });
      expect((await it.next()).value).toMatchObject({ kind: 'snapshot' });
      expect(updateNo((await it.next()).value as BookStreamItem)).toBe(1);
      expect(await it.return()).toEqual({ value: undefined, done: true });
      expect(await it.next()).toEqual({ value: undefined, done: true });
      expect(await s.connections[1]!.closed).toMatchObject({ code: 1000 });

      const it2 = open(s);
      await it2.next();
      await it2.next();
      const boom = new Error('consumer gave up');
      await expect(it2.throw(boom)).rejects.toBe(boom);
      expect(await it2.next()).toEqual({ value: undefined, done: true });
      expect(await s.connections[2]!.closed).toMatchObject({ code: 1000 });
    } finally {
      await s.close();
    }
  });

  it('a slow consumer behind a small buffer still gets every update in order', async () => {
    const s = await server(() => krakenScript(300));
    try {
      const nos: number[] = [];
      for await (const e of open(s, { websocket: { ...FAST_WS, maxBufferedFrames: 8 } })) {
        if (e.kind !== 'update') continue;
        nos.push(updateNo(e));
        if (nos.length % 25 === 0) await new Promise((r) => setTimeout(r, 5));
        if (nos.length === 300) break;
      }
      expect(nos).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    } finally {
      await s.close();
    }
  });

  it('a reconnect mid-stream yields the event then a resync; an error message ends it typed, in order', async () => {
    const s = await server((c, _sub) => {
      if (c.index === 0) {
        setTimeout(() => c.ws.terminate(), 30);
        return krakenScript(5);
      }
      return [
        ...krakenScript(3),
        '{"method":"subscribe","success":false,"error":"Currency pair not supported"}',
        ...krakenScript(3).slice(1),
      ];
    });
    try {
      const kinds: string[] = [];
      let error: unknown;
      try {
        for await (const e of open(s)) kinds.push(e.kind === 'resync' ? `resync:${e.reason}` : e.kind);
      } catch (err) {
        error = err;
      }
      expect(kinds).toEqual([
        'connected',
        'snapshot',
        'update',
        'update',
        'update',
        'update',
        'update',
        'disconnected',
        'reconnected',
        'resync:reconnect',
        'snapshot',
        'update',
        'update',
        'update',
      ]);
      expect(error).toBeInstanceOf(ExchangeError);
    } finally {
      await s.close();
    }
  });
});
