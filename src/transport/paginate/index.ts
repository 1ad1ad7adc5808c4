/**
 * Public exports of `src/transport/paginate`. Filled in by the issue that builds this part.
 *
 * @module
 */
export {};
