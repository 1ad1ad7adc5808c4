/**
 * The reconnecting WebSocket base every live feed extends. The base owns the loop (connect, liveness,
 * backpressure, backoff, reconnect); a subclass supplies two hooks: `onConnect` sends the
 * subscriptions, `parseMessage` turns a frame into records.
 *
 * @module
 */
import { redactUrl, ValidationError } from '../../core/errors.js';
import type { FeedEvent } from './events.js';
import { FeedIterator, type FeedStream, type FrameContext } from './feed-iterator.js';
import { FeedSession, type SessionHooks } from './feed-session.js';
import { type ResolvedWebSocketOptions, resolveWebSocketOptions, type WebSocketOptions } from './options.js';
import type { FeedSocket } from './socket.js';

/**
 * Base of a live WebSocket feed on `ws` 8.
 *
 * - `stream()` yields parsed records and {@link FeedEvent}s (`connected`, `disconnected`,
 *   `reconnected` with the gap, `parse-error`) in one iterator; tell them apart with `isFeedEvent`.
 * - `streamRaw()` yields raw frames (text as `string`, binary as `Buffer`) and the same events, for
 *   parsing that spans frames (order books).
 * - Each call opens its own connection. A lost connection is reconnected with exponential backoff and
 *   full jitter; `onConnect` runs again on every new connection.
 * - A consumer slower than the feed pauses the socket once `maxBufferedFrames` are waiting.
 * - `break`, `return()`, `await using`, `stop()` and the `signal` option all close the socket with 1000
 *   and leave no timer behind.
 *
 * @typeParam T The record type `parseMessage` yields. It must not carry the `FEED_EVENT` brand.
 *
 * @example
 * class Trades extends WebSocketBase<Trade> {
 *   protected override onConnect(ws: FeedSocket) { ws.send(JSON.stringify({ op: 'subscribe', channel: 'trades' })); }
 *   protected override *parseMessage(raw: string | Buffer) { const m = JSON.parse(String(raw)); if (m.trade) yield toTrade(m); }
 * }
 * for await (const item of new Trades('wss://example.com/ws').stream()) {
 *   if (isFeedEvent(item)) continue; // or resync on item.kind === 'reconnected'
 *   console.log(item.price);
 * }
 */
export abstract class WebSocketBase<T> {
  /** The endpoint, as given (it may hold credentials: do not log it; use `redactUrl`). */
  readonly url: string;
  /** The options with defaults filled in. */
  protected readonly options: Readonly<ResolvedWebSocketOptions>;
  readonly #sessions = new Set<FeedSession>();
  readonly #hooks: SessionHooks;

  /**
   * @param url A `ws://` or `wss://` URL.
   * @param options See {@link WebSocketOptions}; validated here (throws `ValidationError`).
   */
  constructor(url: string, options?: WebSocketOptions) {
    if (typeof url !== 'string') throw new ValidationError('url', url, 'a ws:// or wss:// URL string');
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new ValidationError('url', redactUrl(url), 'a ws:// or wss:// URL');
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') {
      throw new ValidationError('url', redactUrl(url), 'a ws:// or wss:// URL');
    }
    this.url = url;
    this.options = resolveWebSocketOptions(options);
    this.#hooks = {
      onConnect: (ws) => this.onConnect(ws),
      sendHeartbeat: (ws) => this.sendHeartbeat(ws),
    };
  }

  /**
   * Called after every connect and reconnect, before any frame is read: send subscriptions here.
   * Frames that arrive while a returned promise is pending are buffered, not lost. If it throws while
   * the socket is open, the stream ends with that error (a bug would otherwise loop forever).
   */
  protected onConnect(_ws: FeedSocket): void | Promise<void> {}

  /**
   * Turns one frame (text as `string`, binary as `Buffer`) into zero or more records. Return an array
   * or write a sync generator (`*parseMessage`) when you can: it costs far less per frame than an async
   * generator, which is also accepted. Throwing applies the `parseErrors` policy.
   */
  protected abstract parseMessage(raw: string | Buffer, ctx: FrameContext): Iterable<T> | AsyncIterable<T>;

  /**
   * Sends a keep-alive every `pingIntervalMs`. The default is a protocol ping (`ws.ping()`); override
   * for exchanges that want an application-level ping (e.g. `ws.send('{"op":"ping"}')`). Any frame the
   * server sends back counts as life.
   */
  protected sendHeartbeat(ws: FeedSocket): void {
    ws.ping();
  }

  /** Parsed records and connection events from a new connection. */
  stream(): FeedStream<T | FeedEvent> {
    return this.#open<T>((raw, ctx) => this.parseMessage(raw, ctx));
  }

  /** Raw frames (text as `string`, binary as `Buffer`) and connection events from a new connection. */
  streamRaw(): FeedStream<string | Buffer | FeedEvent> {
    return this.#open<string | Buffer>(undefined);
  }

  /**
   * Ends every stream of this feed that is running: no more frames are read, sockets close with 1000,
   * a backoff wait or a pending handshake is cancelled. Frames already buffered are still delivered,
   * then each iterator completes. Resolves once every socket has closed. A later `stream()` starts anew.
   */
  async stop(): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.stop()));
  }

  #open<I>(parse: ((raw: string | Buffer, ctx: FrameContext) => Iterable<I> | AsyncIterable<I>) | undefined) {
    const session: FeedSession = new FeedSession(this.url, this.options, this.#hooks, () =>
      this.#sessions.delete(session),
    );
    this.#sessions.add(session);
    return new FeedIterator<I>(session, parse, {
      url: redactUrl(this.url),
      parseErrors: this.options.parseErrors,
      onParseError: this.options.onParseError,
    });
  }
}
