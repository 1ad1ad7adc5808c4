/**
 * A scripted {@link RestTransport} for adapter unit tests: each GET is answered by a handler from the
 * path and params, and recorded. Sockets add nothing to these tests (the page logic is what is tested);
 * the integration tests run the same adapters over loopback against the simulator.
 */
import type { RestCallOptions, RestParams, RestTransport } from '../../src/adapters/base.js';

/** One recorded call. */
export type FakeCall = { path: string; params: RestParams; cost: number | undefined };

/** Answers GETs from `handler(path, params)`. */
export class FakeRest implements RestTransport {
  readonly calls: FakeCall[] = [];
  readonly #handler: (path: string, params: RestParams) => unknown;

  constructor(handler: (path: string, params: RestParams) => unknown) {
    this.#handler = handler;
  }

  async get<T>(url: string, params: RestParams = {}, options: RestCallOptions = {}): Promise<T> {
    const path = new URL(url).pathname;
    this.calls.push({ path, params, cost: options.cost });
    return this.#handler(path, params) as T;
  }

  /** Calls whose path ends with `suffix`. */
  count(suffix: string): number {
    return this.calls.filter((c) => c.path.endsWith(suffix)).length;
  }
}
