import { describe, expect, it } from 'vitest';
import { FaultPlan } from '../../src/sim/faults.js';
import { startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';

describe('fault injection', () => {
  it('a 5xx rate produces about that fraction, in the exchange error shape, reproducibly per seed', async () => {
    const run = async () => {
      const sim = await startSimulator({
        exchange: 'coinbase',
        rateLimits: 'off',
        faults: { errorRate: 0.3, seed: 42 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const r = await simGet(`${sim.url}/time`);
        statuses.push(r.status);
        if (r.status >= 500) expect(r.body).toEqual({ message: 'Internal server error' });
      }
      expect(sim.stats().faults.error).toBe(statuses.filter((s) => s >= 500).length);
      await sim.close();
      return statuses;
    };
    const a = await run();
    const errors = a.filter((s) => s >= 500).length;
    expect(errors).toBeGreaterThan(40);
    expect(errors).toBeLessThan(80);
    expect(await run()).toEqual(a);
  });

  it('resets, truncated bodies and stalls', async () => {
    const reset = await startSimulator({ exchange: 'binance', faults: { resetRate: 1 } });
    await expect(fetch(`${reset.url}/api/v3/exchangeInfo`).then((r) => r.text())).rejects.toThrow();
    await reset.close();

    const trunc = await startSimulator({ exchange: 'kraken', faults: { truncateRate: 1 } });
    const t = await simGet(`${trunc.url}/0/public/AssetPairs`);
    expect(t.status).toBe(200);
    expect(t.text.length).toBeGreaterThan(0);
    expect(t.body).toBeUndefined(); // not valid JSON
    expect(trunc.stats().faults.truncate).toBe(1);
    await trunc.close();

    const stall = await startSimulator({ exchange: 'coinbase', faults: { stallRate: 1 } });
    const t0 = Date.now();
    await expect(
      fetch(`${stall.url}/products`, { signal: AbortSignal.timeout(300) }).then((r) => r.text()),
    ).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    // close() does not wait for the stalled response.
    const c0 = Date.now();
    await stall.close();
    expect(Date.now() - c0).toBeLessThan(2000);
  });

  it('adds latency plus jitter', async () => {
    const sim = await startSimulator({ exchange: 'binance', faults: { latencyMs: 120, jitterMs: 50 } });
    const t0 = performance.now();
    expect((await simGet(`${sim.url}/api/v3/ping`)).status).toBe(200);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(115);
    expect(ms).toBeLessThan(2000);
    await sim.close();
  });

  it('validates its options', () => {
    expect(() => new FaultPlan({ errorRate: 1.5 }, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION' }),
    );
    expect(() => new FaultPlan({ errorRate: 0.6, resetRate: 0.6 }, 1)).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
  });
});

describe('startSimulator', () => {
  it('rejects bad options with ValidationError naming the option', async () => {
    await expect(startSimulator({ exchange: 'ftx' as 'binance' })).rejects.toMatchObject({
      name: 'ValidationError',
      argument: 'options.exchange',
    });
    await expect(startSimulator({ exchange: 'binance', rateLimits: { scale: 0 } })).rejects.toMatchObject({
      argument: 'options.rateLimits',
    });
  });

  it('close() frees the port promptly, even with keep-alive connections open', async () => {
    const sim = await startSimulator({ exchange: 'binance' });
    await simGet(`${sim.url}/api/v3/ping`); // leaves a keep-alive socket
    const port = Number(new URL(sim.url).port);
    const t0 = Date.now();
    await sim.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    const again = await startSimulator({ exchange: 'binance', port });
    expect(again.url).toBe(sim.url);
    await again.close();
  });

  it("now: 'real' follows the wall clock", async () => {
    const sim = await startSimulator({ exchange: 'binance', now: 'real' });
    const r = (await simGet(`${sim.url}/api/v3/time`)).body as { serverTime: number };
    expect(Math.abs(r.serverTime - Date.now())).toBeLessThan(5000);
    await sim.close();
  });
});
