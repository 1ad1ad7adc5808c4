/**
 * OKX v5 WebSocket dialect (placeholder until the live side lands in this branch): accepts no path.
 *
 * @module
 */
import type { WsDialect } from './types.js';

/** Builds the OKX WebSocket dialect. */
export function createOkxWs(): WsDialect {
  return {
    accepts: () => false,
    open: () => {
      throw new Error('no OKX WebSocket yet');
    },
  };
}
