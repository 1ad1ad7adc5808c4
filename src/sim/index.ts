/**
 * Public exports of `src/sim`. Filled in by the issue that builds this part.
 *
 * @module
 */
export {};
