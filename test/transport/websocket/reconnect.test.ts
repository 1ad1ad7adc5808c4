import { afterEach, describe, expect, it } from 'vitest';
import {
  type FeedEvent,
  isFeedEvent,
  type ReconnectScheduled,
} from '../../../src/transport/websocket/index.js';
import { type ScriptedServer, startScriptedServer } from '../../helpers/ws-scripted-server.js';
import { TestFeed, type TestRecord, take } from '../../helpers/ws-test-feed.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const events = (items: unknown[]): FeedEvent[] => items.filter(isFeedEvent);
const records = (items: unknown[]): TestRecord[] => items.filter((i) => !isFeedEvent(i)) as TestRecord[];

describe('WebSocketBase reconnects', () => {
  it('emits connected first, then records, with the subscription sent', async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.send('{"seq":1}')),
    });
    const feed = new TestFeed(server.url, { subscribe: '{"op":"sub","ch":"trades"}' });
    const items = await take(feed.stream(), (i) => !isFeedEvent(i));
    expect(items[0]).toMatchObject({ kind: 'connected', connection: 1, attempt: 1, url: server.url });
    expect((items[0] as { atNs: unknown }).atNs).toBeTypeOf('bigint');
    expect(items[1]).toEqual({ seq: 1 });
    expect(server.connections[0]?.received).toEqual(['{"op":"sub","ch":"trades"}']);
  });

  it('a dropped connection is reconnected, re-subscribed and reported with its downtime', async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          const base = c.index * 3;
          for (let i = 1; i <= 3; i++) c.ws.send(JSON.stringify({ seq: base + i }));
          // The first connection is cut (no close frame) once its three records are out.
          if (c.index === 0) setTimeout(() => c.ws.terminate(), 20);
        }),
    });
    const feed = new TestFeed(server.url, { initialDelayMs: 50, maxDelayMs: 100 });
    const items = await take(feed.stream(), (i) => !isFeedEvent(i) && i.seq === 6);
    expect(records(items).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const kinds = items.map((i) => (isFeedEvent(i) ? i.kind : 'record'));
    expect(kinds).toEqual([
      'connected',
      'record',
      'record',
      'record',
      'disconnected',
      'reconnected',
      'record',
      'record',
      'record',
    ]);
    const [, dis, re] = events(items);
    expect(dis).toMatchObject({
      kind: 'disconnected',
      connection: 1,
      cause: 'remote-close',
      code: 1006,
      reason: 'connection lost without a close frame (1006)',
    });
    expect(re).toMatchObject({ kind: 'reconnected', connection: 2, attempt: 1 });
    if (re?.kind !== 'reconnected' || dis?.kind !== 'disconnected') throw new Error('unreachable');
    expect(re.sinceNs).toBe(dis.atNs);
    expect(re.untilNs).toBeGreaterThanOrEqual(re.sinceNs);
    expect(re.downtimeMs).toBeGreaterThanOrEqual(0);
    expect(re.downtimeMs).toBeLessThan(1000);
    // onConnect ran on both connections.
    expect(server.connections.map((c) => c.received)).toEqual([
      ['{"op":"subscribe"}'],
      ['{"op":"subscribe"}'],
    ]);
  });

  it('a server that refuses connections meets growing, jittered, capped delays, then is reached', async () => {
    server = await startScriptedServer();
    const s = server;
    const scheduled: ReconnectScheduled[] = [];
    let refusedAt = 0;
    const feed = new TestFeed(s.url, {
      initialDelayMs: 10,
      maxDelayMs: 80,
      factor: 2,
      onReconnectScheduled: (info) => {
        scheduled.push(info);
        // Come back after seven refused attempts.
        if (scheduled.length === 7) void s.listen();
      },
    });
    s.connection(0).then(async () => {
      refusedAt = performance.now();
      await s.stopListening();
    });
    const items = await take(feed.stream(), (i) => isFeedEvent(i) && i.kind === 'reconnected');
    const downFor = performance.now() - refusedAt;
    expect(scheduled.map((x) => x.failures)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(scheduled.map((x) => x.ceilingMs)).toEqual([10, 20, 40, 80, 80, 80, 80]);
    for (const x of scheduled) {
      expect(x.delayMs).toBeGreaterThanOrEqual(0);
      expect(x.delayMs).toBeLessThan(x.ceilingMs);
    }
    // Full jitter: the draws differ (seven equal uniform draws would be a broken random source).
    expect(new Set(scheduled.map((x) => x.delayMs / x.ceilingMs)).size).toBeGreaterThan(1);
    expect(scheduled[1]?.error).toMatchObject({ code: 'ECONNREFUSED' });
    const re = items.at(-1);
    expect(re).toMatchObject({ kind: 'reconnected', connection: 2, attempt: 7 });
    if (re?.kind !== 'reconnected') throw new Error('unreachable');
    expect(re.downtimeMs).toBeLessThanOrEqual(downFor + 5);
    expect(s.connections).toHaveLength(2);
  });

  it('accept-and-drop does not reset the attempt count: delays keep growing', async () => {
    server = await startScriptedServer({ onConnection: (c) => c.ws.terminate() });
    const scheduled: ReconnectScheduled[] = [];
    const feed = new TestFeed(server.url, {
      initialDelayMs: 5,
      maxDelayMs: 1000,
      stableAfterMs: 5_000,
      onReconnectScheduled: (info) => scheduled.push(info),
    });
    const items = await take(
      feed.stream(),
      (i) => isFeedEvent(i) && i.kind === 'reconnected' && i.connection === 5,
    );
    expect(scheduled.map((x) => x.failures)).toEqual([1, 2, 3, 4]);
    expect(scheduled.map((x) => x.ceilingMs)).toEqual([5, 10, 20, 40]);
    // Every drop is visible: 4 disconnects, 4 reconnects, no silence.
    expect(events(items).map((e) => e.kind)).toEqual([
      'connected',
      'disconnected',
      'reconnected',
      'disconnected',
      'reconnected',
      'disconnected',
      'reconnected',
      'disconnected',
      'reconnected',
    ]);
  });

  it('a connection that stayed up past stableAfterMs restarts the count', async () => {
    server = await startScriptedServer({
      onConnection: (c) => setTimeout(() => c.ws.terminate(), c.index === 2 ? 150 : 0),
    });
    const scheduled: ReconnectScheduled[] = [];
    const feed = new TestFeed(server.url, {
      initialDelayMs: 5,
      stableAfterMs: 100,
      onReconnectScheduled: (info) => scheduled.push(info),
    });
    await take(feed.stream(), (i) => isFeedEvent(i) && i.kind === 'reconnected' && i.connection === 4);
    expect(scheduled.map((x) => x.failures)).toEqual([1, 2, 1]);
  });

  it('maxReconnectAttempts: the iterator throws ReconnectExhaustedError after the buffered items', async () => {
    server = await startScriptedServer({ onConnection: (c) => c.ws.terminate() });
    await server.stopListening();
    const feed = new TestFeed(server.url, { initialDelayMs: 1, maxReconnectAttempts: 2 });
    const seen: unknown[] = [];
    const run = async () => {
      for await (const item of feed.stream()) seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({
      name: 'ReconnectExhaustedError',
      code: 'ERR_RECONNECT_EXHAUSTED',
      attempts: 3,
    });
    expect(seen).toEqual([]);
  });

  it('maxReconnectAttempts: 0 gives up at the first loss, after the disconnect event', async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.close(4000, 'bye')),
    });
    const feed = new TestFeed(server.url, { maxReconnectAttempts: 0 });
    const seen: unknown[] = [];
    const run = async () => {
      for await (const item of feed.stream()) seen.push(item);
    };
    await expect(run()).rejects.toMatchObject({ name: 'ReconnectExhaustedError', attempts: 1 });
    expect(seen.map((e) => (e as FeedEvent).kind)).toEqual(['connected', 'disconnected']);
    expect(seen[1]).toMatchObject({
      cause: 'remote-close',
      code: 4000,
      reason: 'closed by server with 4000: bye',
    });
  });
});
