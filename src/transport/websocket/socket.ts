/**
 * The socket the feed hooks see: the few members of a `ws` WebSocket that a subclass needs to subscribe
 * and to send keep-alives. Declared here, not imported from `ws`, so tickwire's public type declarations
 * do not depend on `@types/ws` (a dev dependency): a TypeScript user with `skipLibCheck: false` needs
 * nothing beyond tickwire itself. A `ws` `WebSocket` satisfies it, so hooks written against `ws`'s own
 * type still compile.
 *
 * @module
 */

/** The open connection handed to `WebSocketBase`'s hooks (`onConnect`, `sendHeartbeat`); a `ws` `WebSocket` at run time. */
export interface FeedSocket {
  /** `0` connecting, `1` open, `2` closing, `3` closed (compare with {@link FeedSocket.OPEN}). */
  readonly readyState: number;
  /** The `readyState` of an open connection (`1`). */
  readonly OPEN: number;
  /** Sends one text (or binary) frame. */
  send(data: string | Buffer): void;
  /** Sends a protocol-level ping frame. */
  ping(): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}
