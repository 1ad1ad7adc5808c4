/**
 * `FeedIterator.whenReady()` (the wait `stream.trades` / `stream.book` use between `tryNext()` reads),
 * on a real `ws` server: it settles when a frame arrives or the stream ends, and says "use next()"
 * (undefined) whenever a synchronous read could not make progress, so a caller never spins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { type FeedIterator, NOTHING } from '../../../src/transport/websocket/feed-iterator.js';
import { WebSocketBase } from '../../../src/transport/websocket/index.js';
import { type ScriptedServer, startScriptedServer } from '../../helpers/ws-scripted-server.js';
import { TestFeed, type TestRecord } from '../../helpers/ws-test-feed.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const OPTS = { idleTimeoutMs: 0, pingIntervalMs: 0, initialDelayMs: 5, maxDelayMs: 10 };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A feed whose parser is async (each record after a timer): the iterator's slow path. */
class AsyncFeed extends WebSocketBase<TestRecord> {
  protected override onConnect(ws: WebSocket): void {
    ws.send('{"op":"subscribe"}');
  }
  protected override async *parseMessage(raw: string | Buffer): AsyncIterable<TestRecord> {
    await tick(20);
    yield JSON.parse(String(raw)) as TestRecord;
  }
}

/** A feed whose parser returns arrays (a frame `[...]` is several records): the index-walk path. */
class ArrayFeed extends WebSocketBase<TestRecord> {
  protected override onConnect(ws: WebSocket): void {
    ws.send('{"op":"subscribe"}');
  }
  protected override parseMessage(raw: string | Buffer): TestRecord[] {
    const v = JSON.parse(String(raw)) as TestRecord | TestRecord[];
    return Array.isArray(v) ? v : [v];
  }
}

describe('FeedIterator.whenReady', () => {
  it('undefined before the first next() and while one is pending; else settles on the next frame', async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          c.ws.send('{"seq":1}');
          setTimeout(() => c.ws.send('{"seq":2}'), 80);
        }),
    });
    const it = new TestFeed(server.url, OPTS).stream() as FeedIterator<TestRecord>;
    try {
      expect(it.whenReady()).toBeUndefined();
      const first = it.next();
      expect(it.whenReady()).toBeUndefined(); // a next() is in flight
      expect((await first).value).toMatchObject({ kind: 'connected' });
      // seq 1 arrives with or soon after the subscribe; then nothing for 80 ms.
      let r = it.tryNext();
      while (r === undefined) {
        await it.whenReady();
        r = it.tryNext();
      }
      expect(r.value).toEqual({ seq: 1 });
      expect(it.tryNext()).toBeUndefined();
      const ready = it.whenReady();
      expect(ready).toBeInstanceOf(Promise);
      let settled = false;
      void ready?.then(() => {
        settled = true;
      });
      await tick(20);
      expect(settled).toBe(false); // nothing queued yet: it waits, it does not spin
      await ready;
      expect(it.tryNext()?.value).toEqual({ seq: 2 });
    } finally {
      await it.return();
    }
    expect(it.whenReady()).toBeUndefined(); // closed
  });

  it('settles when the stream is closed under it, and the read then says done', async () => {
    server = await startScriptedServer();
    const it = new TestFeed(server.url, OPTS).stream() as FeedIterator<TestRecord>;
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    const ready = it.whenReady();
    expect(ready).toBeInstanceOf(Promise);
    const closing = it.return();
    await ready;
    expect(it.tryNext()).toEqual({ value: undefined, done: true });
    await closing;
  });

  it('settles when the stream fails, and the read then throws its error', async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.send('not json')),
    });
    const feed = new TestFeed(server.url, { ...OPTS, parseErrors: 'fail' });
    const it = feed.stream() as FeedIterator<TestRecord>;
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    let error: unknown;
    try {
      for (;;) {
        const r = it.tryNext();
        if (r !== undefined) break;
        await it.whenReady();
      }
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_PROTOCOL' });
    await it.return();
  });

  it('undefined while an async parser is mid-frame (next() must finish it)', async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.send('{"seq":7}')),
    });
    const it = new AsyncFeed(server.url, OPTS).stream() as FeedIterator<TestRecord>;
    try {
      expect((await it.next()).value).toMatchObject({ kind: 'connected' });
      await tick(50); // the frame is queued
      expect(it.tryNext()).toBeUndefined(); // the parser started on it and awaits
      expect(it.whenReady()).toBeUndefined();
      expect((await it.next()).value).toEqual({ seq: 7 });
    } finally {
      await it.return();
    }
  });
});

describe('FeedIterator.tryTake', () => {
  it('the items themselves in order, several records of one frame included; NOTHING when none is ready or after the end', async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          c.ws.send('[{"seq":1},{"seq":2},{"seq":3}]');
          c.ws.send('{"seq":4}');
        }),
    });
    const it = new ArrayFeed(server.url, OPTS).stream() as FeedIterator<TestRecord>;
    expect(it.tryTake()).toBe(NOTHING); // not started: next() first
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    const seen: unknown[] = [];
    while (seen.length < 4) {
      const item = it.tryTake();
      if (item === NOTHING) {
        await it.whenReady();
        continue;
      }
      seen.push(item);
    }
    expect(seen).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }, { seq: 4 }]);
    expect(it.tryTake()).toBe(NOTHING);
    await it.return();
    expect(it.tryTake()).toBe(NOTHING);
    expect(it.tryNext()).toEqual({ value: undefined, done: true }); // tryNext tells the end apart
  });

  it('throws the error that ended the stream, as tryNext does', async () => {
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => c.ws.send('not json')),
    });
    const it = new TestFeed(server.url, {
      ...OPTS,
      parseErrors: 'fail',
    }).stream() as FeedIterator<TestRecord>;
    expect((await it.next()).value).toMatchObject({ kind: 'connected' });
    let error: unknown;
    try {
      for (;;) {
        if (it.tryTake() !== NOTHING) break;
        await it.whenReady();
      }
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_PROTOCOL' });
    await it.return();
  });
});
