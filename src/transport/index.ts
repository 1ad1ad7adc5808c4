/**
 * Transport: HTTP with retry, reconnecting WebSocket, rate limiting and paginators. Knows no exchange.
 *
 * @module
 */
export * from './http/index.js';
export * from './paginate/index.js';
export * from './rate-limit/index.js';
export { abortErrorFrom, linkSignals, sleep, throwIfAborted } from './sleep.js';
export * from './websocket/index.js';
