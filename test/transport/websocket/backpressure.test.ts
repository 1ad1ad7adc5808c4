import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { isFeedEvent } from '../../../src/transport/websocket/index.js';
import { type ScriptedServer, startScriptedServer } from '../../helpers/ws-scripted-server.js';
import { TestFeed, type TestRecord } from '../../helpers/ws-test-feed.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends `total` frames of ~`size` bytes as fast as the socket takes them (honouring its buffer). */
function blast(ws: WebSocket, total: number, size: number): void {
  const pad = 'x'.repeat(size);
  let seq = 0;
  const pump = (): void => {
    while (seq < total && ws.readyState === ws.OPEN) {
      ws.send(`{"seq":${++seq},"p":"42000.5","pad":"${pad}"}`);
      if (ws.bufferedAmount > 1 << 20) {
        setTimeout(pump, 1);
        return;
      }
    }
  };
  pump();
}

describe('WebSocketBase backpressure', () => {
  it('a fast server and a slow consumer: bounded buffer, socket paused, every frame once and in order', async () => {
    const total = 20_000;
    const frameBytes = 150;
    server = await startScriptedServer({
      onConnection: (c) => c.ws.once('message', () => blast(c.ws, total, frameBytes - 40)),
    });
    const bound = 256;
    const feed = new TestFeed(server.url, { maxBufferedFrames: bound, idleTimeoutMs: 0 });
    const it = feed.stream();
    let expected = 1;
    let peakSeen = 0;
    for await (const item of it) {
      if (isFeedEvent(item)) {
        expect(item.kind).toBe('connected');
        continue;
      }
      expect((item as TestRecord).seq).toBe(expected);
      expected++;
      peakSeen = Math.max(peakSeen, it.stats.bufferedFrames);
      // The consumer is slower than the loopback: it yields to the event loop every 25 records.
      if (expected % 25 === 0) await new Promise((r) => setImmediate(r));
      if (expected > total) break;
    }
    expect(expected).toBe(total + 1);
    const stats = it.stats;
    expect(stats.pauses).toBeGreaterThan(0);
    // A paused socket still hands over the rest of the TCP chunk it is parsing (≤ 64 KiB of frames).
    const oneChunk = Math.ceil(65_536 / frameBytes);
    expect(stats.peakBufferedFrames).toBeGreaterThanOrEqual(bound);
    expect(stats.peakBufferedFrames).toBeLessThanOrEqual(bound + oneChunk);
    expect(peakSeen).toBeLessThanOrEqual(bound + oneChunk);
    expect(stats.connections).toBe(1);
  });

  it('a consumer that keeps up never pauses the socket', async () => {
    server = await startScriptedServer({
      onConnection: (c) =>
        c.ws.once('message', () => {
          let seq = 0;
          const timer = setInterval(() => c.ws.send(`{"seq":${++seq}}`), 1);
          c.ws.once('close', () => clearInterval(timer));
        }),
    });
    const feed = new TestFeed(server.url, { maxBufferedFrames: 64 });
    const it = feed.stream();
    let n = 0;
    for await (const item of it) {
      if (!isFeedEvent(item) && ++n === 200) break;
    }
    expect(it.stats.pauses).toBe(0);
    expect(it.stats.peakBufferedFrames).toBeLessThan(64);
  });
});
