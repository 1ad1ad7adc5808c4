/**
 * Binance USDⓈ-M WebSocket streams, on the spot session's machinery (`binance.ts`) with the futures
 * profile: the 2026 routed paths (`/public/ws|stream` for `depth*` and `trade`, `/market/ws|stream` for
 * `aggTrade`, `markPrice`, `forceOrder`; the unrouted `/ws` and `/stream` are gone), a stream subscribed
 * on the wrong route acknowledged but silent (as on the exchange), `depthUpdate` with `pu`,
 * `markPriceUpdate` once per (sim) second (`@markPrice@1s`) or every three (`@markPrice`), and
 * `forceOrder` for every liquidation of the derivatives model.
 *
 * @module
 */
import { type BinanceWsProfile, createBinanceWsWith } from './binance.js';
import type { WsDialect } from './types.js';

const ROUTE_RE = /^\/(public|market)(\/ws(\/.*)?|\/stream\/?)$/;

/** The route a stream belongs to on USDⓈ-M (`/public`: depth, book ticker, raw trades). */
export function usdmStreamRoute(kind: string): 'public' | 'market' {
  return kind.startsWith('depth') || kind === 'trade' || kind === 'bookTicker' ? 'public' : 'market';
}

/** The USDⓈ-M profile of the Binance WebSocket session. */
export const USDM_WS_PROFILE: BinanceWsProfile = {
  streamRe:
    /^([a-z0-9]+)@(trade|aggTrade|depth|depth@100ms|depth@500ms|kline_1m|markPrice|markPrice@1s|forceOrder)$/,
  accepts: (path) => ROUTE_RE.test(path),
  prefix: (path) => {
    const m = ROUTE_RE.exec(path);
    return m ? `/${m[1]}` : '';
  },
  servesOn: (route, kind) => route === `/${usdmStreamRoute(kind)}`,
  chained: true,
};

/** Builds the Binance USDⓈ-M WebSocket dialect. */
export function createBinanceUsdmWs(): WsDialect {
  return createBinanceWsWith(USDM_WS_PROFILE);
}
