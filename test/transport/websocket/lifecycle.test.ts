import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FeedEvent, isFeedEvent } from '../../../src/transport/websocket/index.js';
import { type ScriptedServer, startScriptedServer } from '../../helpers/ws-scripted-server.js';
import { TestFeed, take } from '../../helpers/ws-test-feed.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends `{seq}` every `everyMs` after the subscription, until the connection closes. */
function ticker(everyMs: number) {
  return (c: { ws: import('ws').WebSocket }) => {
    c.ws.once('message', () => {
      let seq = 0;
      const timer = setInterval(() => c.ws.send(JSON.stringify({ seq: ++seq })), everyMs);
      c.ws.once('close', () => clearInterval(timer));
    });
  };
}

/** Handles that would keep the process alive, by kind. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function drain(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('WebSocketBase lifecycle', () => {
  it('stop() while streaming: the iterator completes promptly, the server sees 1000, no handle stays', async () => {
    const before = handles();
    server = await startScriptedServer({ onConnection: ticker(5) });
    const feed = new TestFeed(server.url);
    const it = feed.stream();
    const first = await take(it, (i) => !isFeedEvent(i));
    expect(first.at(-1)).toEqual({ seq: 1 });
    const t0 = performance.now();
    await feed.stop();
    const rest = await drain(it);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(rest.every((x) => !isFeedEvent(x))).toBe(true);
    expect(await server.connections[0]?.closed).toEqual({ code: 1000, reason: '' });
    await server.close();
    server = undefined;
    await new Promise((r) => setImmediate(r));
    expect(handles()['TCPSocketWrap'] ?? 0).toBe(before['TCPSocketWrap'] ?? 0);
    expect(handles()['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
  });

  it('stop() during a backoff wait ends the stream at once', async () => {
    server = await startScriptedServer();
    await server.stopListening();
    let scheduled!: () => void;
    const waiting = new Promise<void>((r) => {
      scheduled = r;
    });
    // A ten-minute ceiling: the drawn wait is all but certainly far longer than the test.
    const feed = new TestFeed(server.url, {
      initialDelayMs: 600_000,
      maxDelayMs: 600_000,
      onReconnectScheduled: () => scheduled(),
    });
    const run = drain(feed.stream());
    await waiting;
    const t0 = performance.now();
    await feed.stop();
    expect(await run).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('stop() during a hanging handshake aborts it and closes the TCP connection', async () => {
    const sockets: Socket[] = [];
    const raw: Server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      const port = (raw.address() as AddressInfo).port;
      const feed = new TestFeed(`ws://127.0.0.1:${port}/`, { handshakeTimeoutMs: 20_000 });
      const run = drain(feed.stream());
      await once(raw, 'connection');
      const socket = sockets[0]!;
      const t0 = performance.now();
      await feed.stop();
      expect(await run).toEqual([]);
      expect(performance.now() - t0).toBeLessThan(1000);
      if (!socket.destroyed) await once(socket, 'close');
      expect(sockets).toHaveLength(1);
    } finally {
      for (const s of sockets) s.destroy();
      raw.close();
    }
  });

  it('a handshake that never completes times out, counts as a failed attempt, and is retried', async () => {
    const sockets: Socket[] = [];
    const raw: Server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      const port = (raw.address() as AddressInfo).port;
      const feed = new TestFeed(`ws://127.0.0.1:${port}/`, {
        handshakeTimeoutMs: 100,
        initialDelayMs: 1,
        maxReconnectAttempts: 1,
      });
      const t0 = performance.now();
      await expect(drain(feed.stream())).rejects.toMatchObject({
        name: 'ReconnectExhaustedError',
        attempts: 2,
        cause: { message: expect.stringMatching(/timed out/) },
      });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
      expect(sockets).toHaveLength(2);
    } finally {
      for (const s of sockets) s.destroy();
      raw.close();
    }
  });

  it('break closes the socket with 1000 and stops reading', async () => {
    server = await startScriptedServer({ onConnection: ticker(2) });
    const feed = new TestFeed(server.url);
    const items = await take(feed.stream(), (i) => !isFeedEvent(i) && i.seq === 3);
    expect(items.filter((i) => !isFeedEvent(i))).toHaveLength(3);
    expect(await server.connections[0]?.closed).toEqual({ code: 1000, reason: '' });
    expect(server.connections).toHaveLength(1);
  });

  it('return() is idempotent and unblocks a pending next(); await using disposes', async () => {
    server = await startScriptedServer(); // connects but never sends
    const feed = new TestFeed(server.url);
    const it = feed.stream();
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    const pending = it.next();
    const [r1, r2] = await Promise.all([it.return(), it.return()]);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(r1).toEqual({ value: undefined, done: true });
    expect(r2).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(await server.connections[0]?.closed).toMatchObject({ code: 1000 });

    {
      await using scoped = feed.stream();
      expect((await scoped.next()).value).toMatchObject({ kind: 'connected' });
    }
    expect(await server.connections[1]?.closed).toMatchObject({ code: 1000 });
  });

  it('an AbortSignal stops the stream; an already-aborted one never connects', async () => {
    server = await startScriptedServer({ onConnection: ticker(5) });
    const ac = new AbortController();
    const feed = new TestFeed(server.url, { signal: ac.signal });
    const seen: unknown[] = [];
    for await (const item of feed.stream()) {
      seen.push(item);
      if (seen.length === 3) ac.abort();
    }
    expect(seen[0]).toMatchObject({ kind: 'connected' });
    expect(await server.connections[0]?.closed).toMatchObject({ code: 1000 });

    const again = new TestFeed(server.url, { signal: ac.signal });
    expect(await drain(again.stream())).toEqual([]);
    expect(server.connections).toHaveLength(1);
  });

  it("parseErrors 'skip' (default): the bad frame becomes a parse-error event and the stream goes on", async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          c.ws.send('{"seq":1}');
          c.ws.send('not json');
          c.ws.send('{"seq":2}');
        }),
    });
    const reported: string[] = [];
    const feed = new TestFeed(server.url, { onParseError: (_e, raw) => reported.push(String(raw)) });
    const items = await take(feed.stream(), (i) => !isFeedEvent(i) && i.seq === 2);
    expect(items.map((i) => (isFeedEvent(i) ? i.kind : i.seq))).toEqual(['connected', 1, 'parse-error', 2]);
    const ev = items[2] as Extract<FeedEvent, { kind: 'parse-error' }>;
    expect(ev.error).toMatchObject({ name: 'ProtocolError', code: 'ERR_PROTOCOL', snippet: 'not json' });
    expect(ev.error.cause).toBeInstanceOf(SyntaxError);
    expect(ev.connection).toBe(1);
    expect(ev.atNs).toBeTypeOf('bigint');
    expect(reported).toEqual(['not json']);
  });

  it("parseErrors 'fail': next() rejects with ProtocolError and the socket closes with 1000", async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.send('not json')),
    });
    const feed = new TestFeed(server.url, { parseErrors: 'fail' });
    const it = feed.stream();
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    await expect(it.next()).rejects.toMatchObject({ name: 'ProtocolError', code: 'ERR_PROTOCOL' });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(await server.connections[0]?.closed).toMatchObject({ code: 1000 });
  });

  it('streamRaw yields text frames as strings, binary frames as Buffers, with events', async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          c.ws.send('hello');
          c.ws.send(Buffer.from([1, 2, 3]));
        }),
    });
    const feed = new TestFeed(server.url);
    const items = await take(feed.streamRaw(), (i) => Buffer.isBuffer(i));
    expect(items[0]).toMatchObject({ kind: 'connected' });
    expect(items[1]).toBe('hello');
    expect(items[2]).toEqual(Buffer.from([1, 2, 3]));
  });

  it('an onConnect that throws on an open socket ends the stream with its error', async () => {
    server = await startScriptedServer();
    class Broken extends TestFeed {
      protected override onConnect(): void {
        throw new RangeError('bad subscription');
      }
    }
    const feed = new Broken(server.url);
    const it = feed.stream();
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    await expect(it.next()).rejects.toBeInstanceOf(RangeError);
    expect(await server.connections[0]?.closed).toMatchObject({ code: 1000 });
  });

  it('rejects bad options and URLs with ValidationError naming them', () => {
    expect(() => new TestFeed('http://x')).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'url' }),
    );
    expect(() => new TestFeed('ws://127.0.0.1:1/', { maxBufferedFrames: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.maxBufferedFrames' }),
    );
  });
});
