/**
 * Public exports of `src/transport/websocket`. Filled in by the issue that builds this part.
 *
 * @module
 */
export {};
