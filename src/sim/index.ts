/**
 * Public exports of `src/sim`: a loopback exchange simulator (Binance, Coinbase Exchange, Kraken; REST and WebSocket)
 * over a deterministic market, with ground truth to check downloads against. Internals (market model,
 * dialects, limiters) stay private.
 *
 * @module
 */
export type { RunningClockOptions } from './clock.js';
export type { FaultOptions } from './faults.js';
export type { WindowUsage } from './limits.js';
export type { DerivedPrice } from './market/derivatives.js';
export type { SimExchange, SymbolOverride } from './market/symbols.js';
export type { MarketOptions, PrerenderRange, SimulatorOptions } from './options.js';
export { type RunningSimulator, type SimStats, startSimulator } from './server.js';
export type { GroundTruth, TrueBook } from './truth.js';
export type { DerivativesTruth } from './truth-derivatives.js';
export type { SimWs, WsStats } from './ws/api.js';
export type { WsFaultKind, WsInjection } from './ws/fault-kinds.js';
export type { WsFaultRates, WsOptions } from './ws/options.js';
