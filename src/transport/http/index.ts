/**
 * Public exports of `src/transport/http`. Filled in by the issue that builds this part.
 *
 * @module
 */
export {};
