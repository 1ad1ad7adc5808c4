/**
 * Turns an async generator into a {@link Paginator}: adds `Symbol.asyncDispose` where the runtime's
 * generators lack it (Node 20), so `await using` works everywhere.
 *
 * @module
 */
import type { Paginator } from './types.js';

/** Returns `generator` with a `[Symbol.asyncDispose]()` that calls `return()`. */
export function toPaginator<T>(generator: AsyncGenerator<T, void, undefined>): Paginator<T> {
  const g = generator as Paginator<T>;
  if (typeof g[Symbol.asyncDispose] !== 'function') {
    Object.defineProperty(g, Symbol.asyncDispose, {
      value: async (): Promise<void> => {
        await g.return(undefined);
      },
      configurable: true,
      writable: true,
    });
  }
  return g;
}
