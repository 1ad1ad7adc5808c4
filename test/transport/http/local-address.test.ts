/**
 * `localAddress`: the client binds its connections to a source address, which the server sees as the
 * client's IP (the simulator keys its weight windows by it, as Binance keys them per IP).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../../src/adapters/registry.js';
import { startSimulator } from '../../../src/sim/index.js';
import { HttpClient } from '../../../src/transport/http/client.js';
import { SIM_NOW } from '../../helpers/cli-run.js';

describe('HttpClient localAddress', () => {
  it('the server sees each client at its own source address', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.socket.remoteAddress ?? '');
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const a = new HttpClient({ localAddress: '127.0.0.2' });
    const b = new HttpClient({ localAddress: '127.0.0.3' });
    const c = new HttpClient();
    try {
      await a.get(url);
      await b.get(url);
      await c.get(url);
      expect(seen.map((s) => s.replace(/^::ffff:/, ''))).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.1']);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects a value that is not an IP address, naming the option', () => {
    for (const bad of ['localhost', '127.0.0.256', 42, '']) {
      expect(() => new HttpClient({ localAddress: bad as string })).toThrow(
        expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.localAddress' }),
      );
    }
  });

  it('through AdapterOptions.http: the simulator counts each address in its own window', async () => {
    const sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW });
    const adapters = ['127.0.0.2', '127.0.0.3'].map((localAddress) =>
      createAdapter('binance', { baseUrl: sim.url, http: { localAddress } }),
    );
    try {
      await adapters[0]?.serverTimeNs();
      await adapters[1]?.serverTimeNs();
      await adapters[1]?.serverTimeNs();
      const used = Object.fromEntries(
        ['127.0.0.2', '127.0.0.3'].map((ip) => [
          ip,
          sim
            .stats()
            .windows.filter((w) => w.ip.endsWith(ip))
            .reduce((s, w) => s + w.used, 0),
        ]),
      );
      expect(used).toEqual({ '127.0.0.2': 1, '127.0.0.3': 2 });
    } finally {
      for (const a of adapters) await a?.close();
      await sim.close();
    }
  });
});
