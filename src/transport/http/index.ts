/**
 * Public exports of `src/transport/http`: the retrying JSON client, its shared registry, and the pure
 * helpers (`parseRetryAfter`, `decideRetry`) that are useful on their own.
 *
 * Private: option resolution (`options.ts`) and body reading (`body.ts`).
 *
 * @module
 */
export { buildUrl, HttpClient } from './client.js';
export { type HttpClientLease, HttpClientRegistry, httpClients } from './registry.js';
export { parseRetryAfter } from './retry-after.js';
export {
  type AttemptFailure,
  decideRetry,
  type RetryDecision,
  type RetryPolicyOptions,
} from './retry-policy.js';
export type {
  HttpClientOptions,
  HttpResponse,
  QueryParams,
  RequestOptions,
  ResponseVerdict,
  RetryInfo,
} from './types.js';
