import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import { classifyResponse, finalError, type RawResponse } from '../../../src/transport/http/outcome.js';

const url = 'http://127.0.0.1:1/x';
const rawOf = (status: number, body: string, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers,
  bytes: Buffer.from(body),
});

describe('classifyResponse (pure)', () => {
  it('parses a 2xx as JSON; an empty 2xx body is null', () => {
    expect(classifyResponse(rawOf(200, '{"a":1}'), url, undefined)).toMatchObject({
      done: true,
      response: { status: 200, body: { a: 1 }, url },
    });
    expect(classifyResponse(rawOf(204, ''), url, undefined)).toMatchObject({
      done: true,
      response: { body: null },
    });
  });

  it('turns truncated JSON into an invalid-json failure carrying a ProtocolError', () => {
    const c = classifyResponse(rawOf(200, '[1,2'), url, undefined);
    expect(c).toMatchObject({
      done: false,
      failure: { kind: 'invalid-json' },
      error: { name: 'ProtocolError' },
    });
  });

  it('carries Retry-After (seconds or date) on a status failure', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(classifyResponse(rawOf(503, 'x', { 'retry-after': '3' }), url, undefined, now)).toMatchObject({
      failure: { kind: 'status', status: 503, retryAfterMs: 3000 },
      bodyText: 'x',
    });
    expect(
      classifyResponse(
        rawOf(429, '', { 'retry-after': 'Mon, 01 Jan 2024 00:00:05 GMT' }),
        url,
        undefined,
        now,
      ),
    ).toMatchObject({ failure: { kind: 'status', status: 429, retryAfterMs: 5000 } });
  });

  it('lets inspect see the parsed body (also of an error status) and decide first', () => {
    const seen: unknown[] = [];
    const c = classifyResponse(rawOf(200, '{"error":["EGeneral:Too many requests"]}'), url, (r) => {
      seen.push(r.body);
      return { kind: 'retry', reason: 'throttled', rateLimited: true };
    });
    expect(seen).toEqual([{ error: ['EGeneral:Too many requests'] }]);
    expect(c).toMatchObject({ done: false, failure: { kind: 'verdict', rateLimited: true, status: 200 } });
    classifyResponse(rawOf(400, 'plain text'), url, (r) => {
      seen.push(r.body);
      return undefined;
    });
    expect(seen[1]).toBe('plain text');
  });
});

describe('finalError (pure)', () => {
  const base = { attempts: 1, safeUrl: url, bodyText: '', error: undefined, exchange: 'binance' } as const;

  it('a throttle becomes RateLimitedError; another status HTTPError with the body', () => {
    expect(
      finalError({
        ...base,
        failure: { kind: 'status', status: 429 },
        why: 'exhausted',
        status: 429,
        attempts: 6,
      }),
    ).toMatchObject({ name: 'RateLimitedError', status: 429, exchange: 'binance' });
    expect(
      finalError({
        ...base,
        failure: { kind: 'status', status: 404 },
        why: 'not-retryable',
        status: 404,
        bodyText: 'nf',
      }),
    ).toMatchObject({ name: 'HTTPError', status: 404, body: 'nf' });
  });

  it('a transport error is returned with the attempt count in its message', () => {
    const error = finalError({
      ...base,
      failure: { kind: 'timeout' },
      why: 'exhausted',
      status: undefined,
      attempts: 3,
      error: new TimeoutError(100, url),
    });
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ERR_TIMEOUT' });
    expect(error.message).toContain('gave up after 3 attempts');
  });
});
