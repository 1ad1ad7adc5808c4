import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type FeedEvent, isFeedEvent } from '../../../src/transport/websocket/index.js';
import { type ScriptedServer, startScriptedServer } from '../../helpers/ws-scripted-server.js';
import { TestFeed, type TestRecord, take } from '../../helpers/ws-test-feed.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('WebSocketBase liveness', () => {
  it('a server that goes silent (no data, no pongs) is detected within the idle timeout and reconnected', async () => {
    server = await startScriptedServer({ autoPong: false });
    const feed = new TestFeed(server.url, { pingIntervalMs: 50, idleTimeoutMs: 300, initialDelayMs: 10 });
    const stamps: number[] = [];
    const items = await take(feed.stream(), (i) => {
      stamps.push(performance.now());
      return isFeedEvent(i) && i.kind === 'reconnected';
    });
    expect(items.map((i) => (i as FeedEvent).kind)).toEqual(['connected', 'disconnected', 'reconnected']);
    expect(items[1]).toMatchObject({ cause: 'idle-timeout', code: 1006 });
    const detectedAfter = stamps[1]! - stamps[0]!;
    expect(detectedAfter).toBeGreaterThanOrEqual(290);
    expect(detectedAfter).toBeLessThan(1500); // 300 ms + one 12 ms tick, with room for a loaded machine
    // The client pinged while waiting: the server saw pings it did not answer.
    expect(server.connections).toHaveLength(2);
  });

  it('data frames count as life even when pings go unanswered', async () => {
    server = await startScriptedServer({
      autoPong: false,
      onConnection: (c) => {
        let seq = 0;
        const timer = setInterval(() => c.ws.send(JSON.stringify({ seq: ++seq })), 20);
        c.ws.once('close', () => clearInterval(timer));
      },
    });
    const feed = new TestFeed(server.url, { pingIntervalMs: 30, idleTimeoutMs: 150 });
    const items = await take(feed.stream(), (i) => !isFeedEvent(i) && i.seq === 30); // ~600 ms
    expect(items.filter(isFeedEvent).map((e) => e.kind)).toEqual(['connected']);
  });

  it('server pings are answered with pongs (ws autoPong)', async () => {
    server = await startScriptedServer();
    const feed = new TestFeed(server.url, { pingIntervalMs: 0 });
    const it = feed.stream();
    await it.next();
    const conn = await server.connection(0);
    conn.ws.ping(Buffer.from('hi'));
    const [payload] = await once(conn.ws, 'pong');
    expect(String(payload)).toBe('hi');
    await it.return();
  });

  it('an application-level ping hook keeps a connection alive whose peer ignores protocol pings', async () => {
    server = await startScriptedServer({
      autoPong: false,
      onConnection: (c) =>
        c.ws.on('message', (data) => {
          if (String(data) === '{"op":"ping"}') c.ws.send('{"seq":0,"op":"pong"}');
        }),
    });
    const feed = new TestFeed(server.url, {
      appPing: '{"op":"ping"}',
      pingIntervalMs: 40,
      idleTimeoutMs: 200,
    });
    const items = await take(feed.stream(), (_i, all) => all.filter((x) => !isFeedEvent(x)).length === 12);
    expect(items.filter(isFeedEvent).map((e) => e.kind)).toEqual(['connected']);
    expect(server.connections).toHaveLength(1);
    expect(
      server.connections[0]?.received.filter((m) => m === '{"op":"ping"}').length,
    ).toBeGreaterThanOrEqual(12);
  });

  it('a socket paused by a slow consumer is not killed by the idle check', async () => {
    const total = 4000;
    server = await startScriptedServer({
      autoPong: false,
      onConnection: (c) =>
        c.ws.once('message', () => {
          const pad = 'x'.repeat(200);
          for (let seq = 1; seq <= total; seq++) c.ws.send(JSON.stringify({ seq, pad }));
        }),
    });
    const feed = new TestFeed(server.url, { pingIntervalMs: 20, idleTimeoutMs: 150, maxBufferedFrames: 16 });
    const it = feed.stream();
    const seqs: number[] = [];
    const kinds: string[] = [];
    for await (const item of it) {
      if (isFeedEvent(item)) {
        kinds.push(item.kind);
        if (item.kind === 'disconnected') break;
        continue;
      }
      seqs.push((item as TestRecord).seq);
      // Stall well past the idle timeout while the socket is paused.
      if (item.seq === 20) await new Promise((r) => setTimeout(r, 500));
      if (item.seq === total) break;
    }
    expect(it.stats.pauses).toBeGreaterThan(0);
    expect(kinds).toEqual(['connected']);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
