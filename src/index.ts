/**
 * tickwire: crypto market data over REST and WebSocket, without losing or duplicating a record.
 *
 * The public API is the union of the area barrels below; each barrel lists its exports by name, and
 * anything not listed there is private. `test/package-exports.test.ts` checks the built package.
 *
 * @packageDocumentation
 */
export * from './adapters/index.js';
export * from './archive/index.js';
export * from './core/index.js';
export * from './download/index.js';
export * from './fleet/index.js';
export * from './record/index.js';
export * from './sim/index.js';
export * from './sinks/index.js';
export * from './stream/index.js';
export * from './transport/index.js';
