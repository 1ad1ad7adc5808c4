/**
 * The WebSocket fault kinds and the injection type, in a file of their own: they are public, and must not
 * pull the dialect contract (and with it the connection class and `ws`'s types) into the published
 * declarations.
 *
 * @module
 */

/** Kinds of WebSocket fault. */
export const WS_FAULT_KINDS = [
  'drop',
  'stall',
  'skip-update-id',
  'drop-messages',
  'bad-checksum',
  'replay-trades',
  'resnapshot',
  'book-restart',
  'stale-update',
] as const;

/**
 * One kind of WebSocket fault: `drop` terminates the connection (no close frame); `stall` keeps TCP open
 * but stops sending and answering pings; `skip-update-id` leaves out one Binance depth event;
 * `drop-messages` leaves out Coinbase `match`/`l2update` messages; `bad-checksum` corrupts the
 * `checksum` of a Kraken book update. Bybit: `replay-trades` makes the first trade message of a
 * connection repeat the trades of the second before it subscribed (the overlap a reconnect shows);
 * `resnapshot` sends a fresh book snapshot unasked; `book-restart` sends a snapshot with `u` = 1 (a
 * service restart; `u` counts from there); `stale-update` sends the previous book delta again (its `u`
 * does not increase).
 */
export type WsFaultKind = (typeof WS_FAULT_KINDS)[number];

/** A fault to inject through `sim.ws.inject`. */
export type WsInjection = {
  kind: WsFaultKind;
  /** Apply to every open connection now, or to the next connection that opens. @default 'current' */
  target?: 'current' | 'next';
  /** How many messages `skip-update-id`, `drop-messages` and `bad-checksum` affect. @default 1 */
  count?: number;
};
