/**
 * The simulator's Binance USDⓈ-M WebSocket: the 2026 routed paths. `/public` serves depth (with `pu`
 * chaining each diff to the one before), `/market` serves aggTrade, markPrice and forceOrder; a stream
 * subscribed on the wrong route is acknowledged and never sends data; the unrouted `/ws` is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/sim/index.js';
import { RawClient } from '../helpers/simws-client.js';
import { startLiveSim } from '../helpers/stream2-sim.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startLiveSim('binance-usdm', 30);
});
afterAll(() => sim.close());

describe('binance-usdm simulator WebSocket routes', () => {
  it('/public depth diffs chain by pu; /market carries markPrice and aggTrade', async () => {
    const pub = new RawClient(`${sim.wsUrl}/public/stream?streams=btcusdt@depth@100ms`);
    const mkt = new RawClient(`${sim.wsUrl}/market/stream?streams=btcusdt@markPrice@1s/btcusdt@aggTrade`);
    try {
      await Promise.all([pub.opened, mkt.opened]);
      await pub.until(() => pub.messages.length >= 5, 15_000, 'depth diffs');
      const diffs = pub.messages.map((m) => m.json['data'] as { U: number; u: number; pu: number });
      for (let i = 1; i < diffs.length; i++) {
        expect(diffs[i]!.pu).toBe(diffs[i - 1]!.u);
        expect(diffs[i]!.U).toBe(diffs[i]!.pu + 1);
      }
      await mkt.next((m) => (m.json['data'] as { e?: string })?.e === 'markPriceUpdate');
      await mkt.next((m) => (m.json['data'] as { e?: string })?.e === 'aggTrade');
    } finally {
      pub.close();
      mkt.close();
    }
  });

  it('a stream on the wrong route is acknowledged but silent', async () => {
    const c = new RawClient(`${sim.wsUrl}/market/ws`);
    try {
      await c.opened;
      c.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'ethusdt@aggTrade'], id: 7 });
      await c.next((m) => m.json['id'] === 7 && m.json['result'] === null);
      // aggTrade (right route) flows; depth (wrong route) never does.
      await c.until(() => c.messages.filter((m) => m.json['e'] === 'aggTrade').length >= 3, 5000, 'trades');
      await new Promise((r) => setTimeout(r, 300));
      expect(c.messages.some((m) => m.json['e'] === 'depthUpdate')).toBe(false);
    } finally {
      c.close();
    }
  });

  it('the unrouted /ws and /stream paths are refused', async () => {
    for (const path of ['/ws/btcusdt@aggTrade', '/stream?streams=btcusdt@aggTrade']) {
      const c = new RawClient(`${sim.wsUrl}${path}`);
      await expect(c.opened).rejects.toThrow(/404/);
    }
  });
});
