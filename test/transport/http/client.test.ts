import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/transport/http/client.js';
import type { HttpClientOptions, RetryInfo } from '../../../src/transport/http/types.js';
import { RateLimiter } from '../../../src/transport/rate-limit/limiter.js';
import { json, raw, type ScriptedServer, startScriptedServer } from '../../helpers/http-scripted-server.js';

const servers: ScriptedServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof startScriptedServer>): Promise<ScriptedServer> {
  const server = await startScriptedServer(...args);
  servers.push(server);
  return server;
}
function client(options: HttpClientOptions = {}): HttpClient {
  const c = new HttpClient({ backoffBase: 0.01, maxBackoff: 0.05, ...options });
  clients.push(c);
  return c;
}
const never = (): void => {}; // a handler that never answers

describe('HttpClient', () => {
  it('GETs JSON with query params (undefined skipped) and default + request headers', async () => {
    const server = await serve([json(200, { ok: 1 })]);
    const http = client({ headers: { 'x-a': '1', 'x-b': '1' } });
    const body = await http.get<{ ok: number }>(
      `${server.url}/api/v3/klines`,
      { symbol: 'BTCUSDT', limit: 1000, start: 10n, flag: true, skip: undefined },
      { headers: { 'x-b': '2' } },
    );
    expect(body).toEqual({ ok: 1 });
    expect(server.requests[0]!.url).toBe('/api/v3/klines?symbol=BTCUSDT&limit=1000&start=10&flag=true');
    expect(server.requests[0]!.headers['x-a']).toBe('1');
    expect(server.requests[0]!.headers['x-b']).toBe('2');
  });

  it('request() returns status, lower-case headers, body and the redacted url', async () => {
    const server = await serve([json(200, [1, 2], { 'CB-AFTER': '123' })]);
    const res = await client().request(`${server.url}/trades`, { params: { apiKey: 'SECRET1' } });
    expect(res.status).toBe(200);
    expect(res.headers['cb-after']).toBe('123');
    expect(res.body).toEqual([1, 2]);
    expect(res.url).not.toContain('SECRET1');
  });

  it('503, 503, 200 → success after two retries, onRetry called with the reasons', async () => {
    const server = await serve([raw(503, 'busy'), raw(503, 'busy'), json(200, { ok: true })]);
    const retries: RetryInfo[] = [];
    const body = await client({ onRetry: (i) => retries.push(i) }).get(`${server.url}/x`);
    expect(body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.reason, r.status, r.rateLimited])).toEqual([
      [1, 'HTTP 503', 503, false],
      [2, 'HTTP 503', 503, false],
    ]);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(10); // base 10 ms × 2, jittered to ≥ half
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(20);
  });

  it('429 with Retry-After: 1 → the retry waits at least 1 s', async () => {
    const server = await serve([raw(429, 'slow down', { 'retry-after': '1' }), json(200, 'ok')]);
    const retries: RetryInfo[] = [];
    const start = performance.now();
    await client({ onRetry: (i) => retries.push(i) }).get(`${server.url}/x`);
    expect(performance.now() - start).toBeGreaterThanOrEqual(1000);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(995);
    expect(retries[0]).toMatchObject({ reason: 'HTTP 429', status: 429, rateLimited: true });
  });

  it('retries a connection destroyed mid-body', async () => {
    const server = await serve([
      (_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 10);
      },
      json(200, { whole: true }),
    ]);
    const retries: RetryInfo[] = [];
    expect(await client({ onRetry: (i) => retries.push(i) }).get(`${server.url}/x`)).toEqual({ whole: true });
    expect(retries).toHaveLength(1);
    expect(retries[0]!.reason).toMatch(/^network: /);
  });

  it('decode: its value is the body; undefined falls back to JSON.parse (a truncated body still retried); never for errors', async () => {
    const seen: string[] = [];
    const decode = (body: Buffer): unknown => {
      const text = body.toString('utf8'); // the decoder gets the bytes
      seen.push(text);
      return text.startsWith('[1,') ? { decoded: text.length } : undefined;
    };
    const server = await serve([
      raw(200, '[1,2,3]'),
      raw(200, '{"plain":true}'),
      raw(200, '{"cut":'),
      raw(200, '{"whole":1}'),
      raw(400, '[1,"error"]'),
    ]);
    const http = client({ maxRetries: 3 });
    expect(await http.get(`${server.url}/a`, undefined, { decode })).toEqual({ decoded: 7 });
    expect(await http.get(`${server.url}/b`, undefined, { decode })).toEqual({ plain: true });
    expect(await http.get(`${server.url}/c`, undefined, { decode })).toEqual({ whole: 1 });
    await expect(http.get(`${server.url}/d`, undefined, { decode })).rejects.toMatchObject({ status: 400 });
    expect(seen).toEqual(['[1,2,3]', '{"plain":true}', '{"cut":', '{"whole":1}']);
  });

  it('retries truncated JSON, then fails with ProtocolError quoting the first bytes', async () => {
    const server = await serve([raw(200, '{"a":[1,2,')]);
    const retries: RetryInfo[] = [];
    const err = await client({ maxRetries: 2, onRetry: (i) => retries.push(i) })
      .get(`${server.url}/x`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ProtocolError', code: 'ERR_PROTOCOL', snippet: '{"a":[1,2,' });
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => r.reason)).toEqual(['invalid JSON', 'invalid JSON']);
  });

  it('recovers when a truncated JSON body is followed by a whole one', async () => {
    const server = await serve([raw(200, '[{"id":1'), json(200, [{ id: 1 }])]);
    expect(await client().get(`${server.url}/x`)).toEqual([{ id: 1 }]);
  });

  it('a response slower than the timeout → TimeoutError after the retries', async () => {
    const server = await serve([never]);
    const start = performance.now();
    const err = await client({ timeout: 0.1, maxRetries: 2 })
      .get(`${server.url}/slow`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'ERR_TIMEOUT', timeoutMs: 100 });
    expect(server.requests).toHaveLength(3);
    expect(performance.now() - start).toBeGreaterThanOrEqual(300);
  });

  it('the timeout covers the body too (headers sent, body stalls)', async () => {
    const server = await serve([
      (_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('[');
      },
    ]);
    const err = await client({ timeout: 0.15, maxRetries: 0 })
      .get(`${server.url}/x`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
  });

  it('404 → HTTPError at once with status, url and body (one request)', async () => {
    const server = await serve([json(404, { code: -1121, msg: 'Invalid symbol.' })]);
    const err = await client()
      .get(`${server.url}/api/v3/klines`, { symbol: 'NOPE' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'HTTPError',
      code: 'ERR_HTTP',
      status: 404,
      url: `${server.url}/api/v3/klines?symbol=NOPE`,
      body: '{"code":-1121,"msg":"Invalid symbol."}',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('never puts a secret from the URL or headers into an error', async () => {
    const server = await serve([raw(401, 'no')]);
    const err = (await client({ headers: { authorization: 'Bearer HDRSECRET' } })
      .get(`${server.url}/private?apiKey=KEYSECRET&signature=SIGSECRET&token=TOKSECRET&symbol=BTC`)
      .catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ name: 'HTTPError', status: 401 });
    const everything = JSON.stringify({ ...err, message: err.message, stack: err.stack });
    for (const secret of ['KEYSECRET', 'SIGSECRET', 'TOKSECRET', 'HDRSECRET']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain('symbol=BTC');
  });

  it('a response over the cap → ResponseTooLargeError (by content-length and while streaming)', async () => {
    const big = JSON.stringify('x'.repeat(5000));
    const server = await serve([
      raw(200, big),
      (_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 10; i++) res.write('x'.repeat(1000));
        res.end();
      },
    ]);
    const http = client({ maxResponseBytes: 2048 });
    await expect(http.get(`${server.url}/a`)).rejects.toMatchObject({
      name: 'ResponseTooLargeError',
      code: 'ERR_RESPONSE_TOO_LARGE',
      limitBytes: 2048,
    });
    await expect(http.get(`${server.url}/b`)).rejects.toMatchObject({ name: 'ResponseTooLargeError' });
    expect(server.requests).toHaveLength(2); // not retried
  });

  it('abort during an in-flight request → prompt AbortError', async () => {
    const server = await serve([never]);
    const controller = new AbortController();
    const start = performance.now();
    setTimeout(() => controller.abort(), 50);
    await expect(client().get(`${server.url}/x`, {}, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ERR_ABORTED',
    });
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('abort during the backoff wait → prompt AbortError', async () => {
    const server = await serve([raw(503, 'busy')]);
    const controller = new AbortController();
    const http = client({ backoffBase: 10, maxBackoff: 10 });
    const start = performance.now();
    const pending = http.get(`${server.url}/x`, undefined, { signal: controller.signal });
    const settled = expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(1);
    controller.abort();
    await settled;
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('Retry-After above maxRetryAfter → RateLimitedError at once with retryAfterMs', async () => {
    const server = await serve([raw(418, 'banned', { 'retry-after': '120' })]);
    const start = performance.now();
    const err = await client({ maxRetryAfter: 30 })
      .get(`${server.url}/x`)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'RateLimitedError',
      code: 'ERR_RATE_LIMITED',
      retryAfterMs: 120_000,
      status: 418,
    });
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('Retry-After as an HTTP date is honoured', async () => {
    const when = new Date(Date.now() + 2000).toUTCString(); // second precision: ≥ 1 s ahead
    const server = await serve([raw(503, '', { 'retry-after': when }), json(200, 1)]);
    const retries: RetryInfo[] = [];
    await client({ onRetry: (i) => retries.push(i) }).get(`${server.url}/x`);
    expect(retries[0]!.delayMs).toBeGreaterThan(900);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThan(900);
  });

  it('throttled on every attempt → RateLimitedError after the retries', async () => {
    const server = await serve([raw(429, 'slow')]);
    await expect(client({ maxRetries: 1 }).get(`${server.url}/x`)).rejects.toMatchObject({
      name: 'RateLimitedError',
      status: 429,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a refused connection, then fails with NetworkError', async () => {
    const server = await serve([json(200, 1)]);
    const url = server.url;
    await server.close();
    servers.splice(0);
    const retries: RetryInfo[] = [];
    await expect(client({ maxRetries: 2, onRetry: (i) => retries.push(i) }).get(url)).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'ERR_NETWORK',
    });
    expect(retries.map((r) => r.reason)).toEqual(['network: ECONNREFUSED', 'network: ECONNREFUSED']);
  });

  it('inspect hook: a rate-limited 200 (Kraken) is retried and pauses the limiter', async () => {
    const server = await serve([
      json(200, { error: ['EGeneral:Too many requests'] }),
      json(200, { error: [], result: { ok: 1 } }),
    ]);
    const limiter = new RateLimiter({ kraken: 100 });
    const pauses: number[] = [];
    const pause = limiter.pause.bind(limiter);
    limiter.pause = (exchange, ms, reason) => {
      pauses.push(ms);
      pause(exchange, ms, reason);
    };
    const http = client({
      limiter,
      exchange: 'kraken',
      inspect: (res) => {
        const body = res.body as { error?: string[] };
        return body.error?.includes('EGeneral:Too many requests')
          ? { kind: 'retry', reason: 'EGeneral:Too many requests', rateLimited: true, retryAfterMs: 300 }
          : undefined;
      },
    });
    const start = performance.now();
    const body = await http.get(`${server.url}/0/public/OHLC`);
    expect(body).toEqual({ error: [], result: { ok: 1 } });
    expect(pauses).toEqual([300]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(300);
    // other callers of the exchange see the pause too
    limiter.pause('kraken', 200);
    const t0 = performance.now();
    await limiter.acquire('kraken');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    limiter.close();
  });

  it('inspect hook: fail → that error at once', async () => {
    const server = await serve([json(200, { error: ['EQuery:Unknown asset pair'] })]);
    const boom = new Error('unknown pair');
    await expect(client({ inspect: () => ({ kind: 'fail', error: boom }) }).get(server.url)).rejects.toBe(
      boom,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('takes limiter tokens before every attempt, retries included, with the request cost', async () => {
    const server = await serve([raw(500, ''), json(200, 1)]);
    const limiter = new RateLimiter({ binance: { limit: 1, burst: 10 } }); // refills 1 token per second
    const http = client({ limiter, exchange: 'binance' });
    await http.get(server.url, undefined, { cost: 4 });
    const tokens = limiter.stats('binance').limits[0]!.tokens;
    expect(tokens).toBeGreaterThanOrEqual(2); // 10 - 2 attempts × 4
    expect(tokens).toBeLessThan(2.5);
    limiter.close();
  });

  it('429 without Retry-After pauses the limiter for the backoff delay', async () => {
    const server = await serve([raw(429, ''), json(200, 1)]);
    const limiter = new RateLimiter({ ex: 1000 });
    const seen: number[] = [];
    const pause = limiter.pause.bind(limiter);
    limiter.pause = (e, ms, r) => {
      seen.push(ms);
      pause(e, ms, r);
    };
    const retries: RetryInfo[] = [];
    await client({ limiter, exchange: 'ex', onRetry: (i) => retries.push(i) }).get(server.url);
    expect(seen).toEqual([retries[0]!.delayMs]);
    limiter.close();
  });

  it('reuses keep-alive connections for sequential requests', async () => {
    const server = await serve([json(200, { ok: 1 })]);
    const http = client();
    for (let i = 0; i < 20; i++) await http.get(`${server.url}/x`);
    expect(server.requests).toHaveLength(20);
    // undici's pool opens a second connection for the request that follows the very first one (the
    // fresh client is still marked "needs drain"); bare undici does the same. After that: reuse.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('use after close → ClosedError', async () => {
    const server = await serve([json(200, 1)]);
    const http = client();
    await http.get(server.url);
    await http.close();
    expect(http.closed).toBe(true);
    await expect(http.get(server.url)).rejects.toMatchObject({ name: 'ClosedError', code: 'ERR_CLOSED' });
  });

  it('close() ends a request waiting in a backoff with ClosedError at once', async () => {
    const server = await serve([raw(503, '')]);
    const http = client({ backoffBase: 10, maxBackoff: 10 });
    const start = performance.now();
    const pending = http.get(server.url).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await http.close();
    expect(await pending).toMatchObject({ name: 'ClosedError', code: 'ERR_CLOSED' });
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('validates options and arguments, naming them', async () => {
    expect(() => new HttpClient({ maxRetries: -1 })).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'options.maxRetries' }),
    );
    expect(() => new HttpClient({ timeout: 0 })).toThrow(
      expect.objectContaining({ argument: 'options.timeout' }),
    );
    expect(() => new HttpClient({ limiter: new RateLimiter({ a: 1 }) })).toThrow(
      expect.objectContaining({ argument: 'options.exchange' }),
    );
    expect(() => new HttpClient({ limiter: new RateLimiter({ a: 1 }), exchange: 'b' })).toThrow(
      expect.objectContaining({ argument: 'options.exchange' }),
    );
    const http = client();
    await expect(http.get('not a url?apiKey=SECRET')).rejects.toMatchObject({ argument: 'url' });
    await expect(http.get('ftp://127.0.0.1/x')).rejects.toMatchObject({ argument: 'url' });
    await expect(http.get('http://127.0.0.1:9/x', {}, { cost: 0 })).rejects.toMatchObject({
      argument: 'options.cost',
    });
  });
});
