/**
 * The WebSocket fault kinds and the injection type, in a file of their own: they are public, and must not
 * pull the dialect contract (and with it the connection class and `ws`'s types) into the published
 * declarations.
 *
 * @module
 */

/** Kinds of WebSocket fault. */
export const WS_FAULT_KINDS = ['drop', 'stall', 'skip-update-id', 'drop-messages', 'bad-checksum'] as const;

/**
 * One kind of WebSocket fault: `drop` terminates the connection (no close frame); `stall` keeps TCP open
 * but stops sending and answering pings; `skip-update-id` leaves out one Binance depth event;
 * `drop-messages` leaves out Coinbase `match`/`l2update` messages; `bad-checksum` corrupts the
 * `checksum` of a Kraken book update.
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
