/**
 * A minimal WebSocketBase subclass for the WebSocket base's tests: sends one subscription on every
 * connect and parses each text frame as one JSON record (a frame that is not JSON throws).
 */
import type WebSocket from 'ws';
import { WebSocketBase, type WebSocketOptions } from '../../src/transport/websocket/index.js';

/** What the test server sends: a sequence number and anything else. */
export type TestRecord = { seq: number; [key: string]: unknown };

/** Test feed options: the base options plus the subscription to send and an optional app-level ping. */
export type TestFeedOptions = WebSocketOptions & {
  subscribe?: string;
  appPing?: string;
};

/** Sends `subscribe` on connect; yields `JSON.parse(frame)`. */
export class TestFeed extends WebSocketBase<TestRecord> {
  readonly #subscribe: string;
  readonly #appPing: string | undefined;

  constructor(url: string, options: TestFeedOptions = {}) {
    const { subscribe, appPing, ...base } = options;
    super(url, base);
    this.#subscribe = subscribe ?? '{"op":"subscribe"}';
    this.#appPing = appPing;
  }

  protected override onConnect(ws: WebSocket): void {
    ws.send(this.#subscribe);
  }

  protected override *parseMessage(raw: string | Buffer): Iterable<TestRecord> {
    yield JSON.parse(String(raw)) as TestRecord;
  }

  protected override sendHeartbeat(ws: WebSocket): void {
    if (this.#appPing === undefined) super.sendHeartbeat(ws);
    else ws.send(this.#appPing);
  }
}

/** Collects items of an async iterable until `until` says stop (bounded by `max` items). */
export async function take<I>(
  it: AsyncIterable<I>,
  until: (item: I, all: I[]) => boolean,
  max = 100_000,
): Promise<I[]> {
  const out: I[] = [];
  for await (const item of it) {
    out.push(item);
    if (until(item, out) || out.length >= max) break;
  }
  return out;
}
