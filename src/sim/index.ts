/**
 * Public exports of `src/sim`: a loopback exchange simulator (Binance, Coinbase Exchange, Kraken REST)
 * over a deterministic market, with ground truth to check downloads against. Internals (market model,
 * dialects, limiters) stay private.
 *
 * @module
 */
export type { FaultOptions } from './faults.js';
export type { SimExchange, SymbolOverride } from './market/symbols.js';
export type { MarketOptions, SimulatorOptions } from './options.js';
export { type RunningSimulator, type SimStats, startSimulator } from './server.js';
export type { GroundTruth } from './truth.js';
