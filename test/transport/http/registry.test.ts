import { afterEach, describe, expect, it } from 'vitest';
import { HttpClientRegistry } from '../../../src/transport/http/registry.js';
import { json, type ScriptedServer, startScriptedServer } from '../../helpers/http-scripted-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('HttpClientRegistry', () => {
  it('shares one client per key and closes it when the last holder releases', async () => {
    server = await startScriptedServer([json(200, { ok: 1 })]);
    const registry = new HttpClientRegistry();
    const a = registry.acquire('binance', { maxRetries: 1 });
    const b = registry.acquire('binance', { maxRetries: 9 }); // first acquirer's options win
    expect(b.client).toBe(a.client);
    expect(registry.holders('binance')).toBe(2);
    expect(registry.acquire('kraken').client).not.toBe(a.client);

    await a.release();
    await a.release(); // idempotent: does not drop b's hold
    expect(registry.holders('binance')).toBe(1);
    expect(await b.client.get(server.url)).toEqual({ ok: 1 });

    await b.release();
    expect(b.client.closed).toBe(true);
    expect(registry.holders('binance')).toBe(0);
    await expect(b.client.get(server.url)).rejects.toMatchObject({ name: 'ClosedError', code: 'ERR_CLOSED' });

    const c = registry.acquire('binance');
    expect(c.client).not.toBe(a.client); // a fresh pool after the last release
    expect(await c.client.get(server.url)).toEqual({ ok: 1 });
    await c.release();
  });

  it('works with await using', async () => {
    server = await startScriptedServer([json(200, 2)]);
    const registry = new HttpClientRegistry();
    let seen: { closed: boolean } | undefined;
    {
      await using lease = registry.acquire('x');
      seen = lease.client;
      expect(await lease.client.get(server.url)).toBe(2);
    }
    expect(seen?.closed).toBe(true);
  });

  it('concurrent operations on one exchange keep the pool open until the last one ends', async () => {
    server = await startScriptedServer([json(200, 1)]);
    const registry = new HttpClientRegistry();
    const url = server.url;
    const op = async (n: number) => {
      const lease = registry.acquire('ex');
      try {
        for (let i = 0; i < n; i++) await lease.client.get(url);
      } finally {
        await lease.release();
      }
    };
    await Promise.all([op(1), op(5), op(10)]);
    expect(server.requests).toHaveLength(16);
    expect(registry.holders('ex')).toBe(0);
  });

  it('rejects an empty key', () => {
    expect(() => new HttpClientRegistry().acquire('')).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'key' }),
    );
  });
});
