/**
 * The HTTP client's inspect hook for Kraken: a 200 answer whose envelope carries errors is either
 * retried (the public throttle pauses the whole exchange) or failed at once, to be mapped to a typed
 * error by the adapter, which knows the symbol and span.
 *
 * @module
 */
import { HTTPError } from '../../core/errors.js';
import type { HttpResponse, ResponseVerdict } from '../../transport/http/index.js';
import { classifyKrakenErrors } from './errors.js';

/** Classifies a Kraken response by its `error` array; `undefined` leaves it to the default rules. */
export function inspectKraken(response: HttpResponse): ResponseVerdict | undefined {
  const body = response.body as { error?: unknown } | null;
  if (response.status !== 200 || typeof body !== 'object' || body === null) return undefined;
  if (!Array.isArray(body.error) || body.error.length === 0) return undefined;
  const decision = classifyKrakenErrors(body.error.map(String));
  if (decision.kind === 'retry') {
    return { kind: 'retry', reason: decision.reason, rateLimited: decision.rateLimited };
  }
  return { kind: 'fail', error: new HTTPError(200, response.url, JSON.stringify(body)) };
}
