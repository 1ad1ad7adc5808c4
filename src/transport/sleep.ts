/**
 * The one abortable wait every part of tickwire uses.
 *
 * @module
 */
import { AbortError } from '../core/errors.js';

/** Throws an {@link AbortError} (with the signal's reason as `cause`) when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortErrorFrom(signal);
}

/** The {@link AbortError} for an aborted signal; its `cause` is the signal's reason. */
export function abortErrorFrom(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError) return reason;
  return new AbortError('The operation was aborted.', { cause: reason });
}

/**
 * Waits `ms` milliseconds. Rejects with an {@link AbortError} at once when `signal` aborts (before or
 * during the wait); the timer and the listener are always cleaned up.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortErrorFrom(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortErrorFrom(signal as AbortSignal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
