/**
 * Abort plumbing for the paginators: one internal controller per iteration, linked to the caller's signal,
 * and a race that makes waiting on a page abortable.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { AbortError } from '../../core/errors.js';
import { abortErrorFrom } from '../sleep.js';

/** An internal controller that aborts when `parent` does; `dispose()` removes the link and aborts it. */
export type LinkedController = {
  readonly signal: AbortSignal;
  /** Ends the link and aborts the internal signal (idempotent): in-flight fetches are cancelled. */
  dispose(): void;
};

/** Creates a controller linked to `parent` (when given). */
export function linkedController(parent: AbortSignal | undefined): LinkedController {
  const controller = new AbortController();
  // Every page in flight (16 for Binance) and every limiter wait listens to this one signal: many
  // listeners here are by design, not a leak (each is removed when its request settles).
  setMaxListeners(256, controller.signal);
  const onAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose(): void {
      parent?.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) {
        controller.abort(new AbortError('The paginator stopped; this page is no longer needed.'));
      }
    },
  };
}

/**
 * Settles like `promise`, or rejects with an {@link AbortError} as soon as `signal` aborts. The listener is
 * removed when `promise` settles. `promise` is marked handled, so a rejection after the abort is not
 * reported as unhandled.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(abortErrorFrom(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortErrorFrom(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Calls `fn` so that a synchronous throw becomes a rejection. */
export function callAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}
