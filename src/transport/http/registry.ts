/**
 * Shared, reference-counted {@link HttpClient}s: concurrent operations on one exchange use one
 * connection pool, and it closes only when the last holder releases it.
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import { HttpClient } from './client.js';
import type { HttpClientOptions } from './types.js';

/** A hold on a shared client. Release it (or `await using` it) when done. */
export type HttpClientLease = {
  /** The shared client. Do not `close()` it directly: release the lease instead. */
  readonly client: HttpClient;
  /** Gives the hold back; idempotent. The pool closes when the last holder releases. */
  release(): Promise<void>;
} & AsyncDisposable;

type Entry = { client: HttpClient; refs: number };

/**
 * Hands out one {@link HttpClient} per key (usually the exchange id), counting holders.
 *
 * The options of the **first** acquirer create the client; later acquirers of a live key get that
 * same client and their options are ignored. After the last release the client is closed and the next
 * `acquire` creates a fresh one with its own options.
 */
export class HttpClientRegistry {
  readonly #entries = new Map<string, Entry>();

  /**
   * Takes a hold on the client for `key`, creating it with `options` if none is live.
   *
   * @throws ValidationError for an empty key or bad options
   */
  acquire(key: string, options?: HttpClientOptions): HttpClientLease {
    if (typeof key !== 'string' || key === '') throw new ValidationError('key', key, 'a non-empty string');
    let entry = this.#entries.get(key);
    if (entry === undefined || entry.client.closed) {
      entry = { client: new HttpClient(options), refs: 0 };
      this.#entries.set(key, entry);
    }
    entry.refs++;
    const held = entry;
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => {
      if (released === undefined) {
        held.refs--;
        if (held.refs === 0) {
          if (this.#entries.get(key) === held) this.#entries.delete(key);
          released = held.client.close();
        } else {
          released = Promise.resolve();
        }
      }
      return released;
    };
    return { client: held.client, release, [Symbol.asyncDispose]: release };
  }

  /** Holders of `key`'s live client (0 when there is none). */
  holders(key: string): number {
    return this.#entries.get(key)?.refs ?? 0;
  }
}

/** The default registry, shared by the adapters. */
export const httpClients: HttpClientRegistry = new HttpClientRegistry();
