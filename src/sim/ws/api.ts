/**
 * The public shapes of the simulator's WebSocket side (`sim.ws` and its counters), in a file of their
 * own: they must not pull the hub, the dialect contract or the connection class (and with them `ws`'s
 * types, a dev dependency) into the published declarations.
 *
 * @module
 */
import type { WsFaultKind, WsInjection } from './fault-kinds.js';

/** Counters of the WebSocket side. */
export type WsStats = {
  /** Connections accepted. */
  connections: number;
  /** Text messages sent. */
  messagesSent: number;
  /** Text messages received. */
  messagesReceived: number;
  /** Faults applied, by kind. */
  faults: Record<WsFaultKind, number>;
};

/** The imperative test API of the WebSocket side (`sim.ws`). */
export type SimWs = {
  /**
   * Injects a fault into every open connection (`target: 'current'`) or the next one to open
   * (`'next'`). `drop` and `stall` strike at once on current connections and at the first data message
   * of a next one. Returns the number of connections affected now.
   */
  inject(fault: WsInjection): number;
  /** Open connections. */
  connections(): number;
  /** A snapshot of the WebSocket counters. */
  stats(): WsStats;
};
