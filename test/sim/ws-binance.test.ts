import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { simGet } from '../helpers/sim-get.js';
import { LocalBook } from '../helpers/simws-book.js';
import { RawClient } from '../helpers/simws-client.js';

const START_NS = 1_767_225_600_000_000_000n;

type TradeEv = { e: string; t: number; p: string; q: string; T: number; m: boolean; E: number };
type DepthEv = { e: string; U: number; u: number; b: [string, string][]; a: [string, string][] };

describe('Binance WebSocket streams', () => {
  let sim: RunningSimulator;
  const clients: RawClient[] = [];
  const client = (path: string, o?: { autoPong?: boolean }) => {
    const c = new RawClient(`${sim.wsUrl}${path}`, o);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    sim = await startSimulator({
      exchange: 'binance',
      rateLimits: 'off',
      clock: { startNs: START_NS, speed: 2 },
      markets: { historyStart: START_NS - 2n * 86_400_000_000_000n },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  it('SUBSCRIBE / LIST_SUBSCRIPTIONS / UNSUBSCRIBE replies and errors', async () => {
    const c = client('/ws');
    await c.opened;
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'ethusdt@trade'], id: 1 });
    expect((await c.next((m) => m.json.id === 1)).json).toEqual({ result: null, id: 1 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 'abc' });
    expect((await c.next((m) => m.json.id === 'abc')).json).toEqual({
      result: ['btcusdt@aggTrade', 'ethusdt@trade'],
      id: 'abc',
    });
    c.send({ method: 'UNSUBSCRIBE', params: ['ethusdt@trade'], id: 2 });
    await c.next((m) => m.json.id === 2);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    expect((await c.next((m) => m.json.id === 3)).json.result).toEqual(['btcusdt@aggTrade']);
    c.send({ method: 'SUBSCRIBE', params: ['dogeusdt@trade'], id: 4 });
    expect((await c.next((m) => m.json.id === 4)).json).toMatchObject({ code: 2 });
    c.send({ method: 'NOPE', id: 5 });
    expect((await c.next((m) => m.json.id === 5)).json).toMatchObject({ code: 2 });
    c.send('{not json');
    expect((await c.next((m) => m.json.code === 3)).json.msg).toMatch(/^Invalid JSON/);
    const agg = await c.next((m) => m.json.e === 'aggTrade');
    expect(agg.json).toMatchObject({ s: 'BTCUSDT' });
  });

  it('trades on the wire are the ground-truth trades of their span (contiguous ids, same values)', async () => {
    const c = client('/ws/btcusdt@trade');
    await c.until(() => c.messages.length >= 60, 15_000, '60 trades');
    c.close();
    const evs = c.messages.map((m) => m.json as unknown as TradeEv);
    for (const e of evs) expect(e.e).toBe('trade');
    for (let i = 1; i < evs.length; i++) expect(evs[i]!.t).toBe(evs[i - 1]!.t + 1);
    const first = evs[0]!;
    const last = evs[evs.length - 1]!;
    const truth = sim.truth
      .trades('BTCUSDT', BigInt(first.T) * 1_000_000n, BigInt(last.T + 1) * 1_000_000n)
      .filter((t) => Number(t.id) >= first.t && Number(t.id) <= last.t);
    expect(truth.length).toBe(evs.length);
    evs.forEach((e, i) => {
      const w = truth[i]!;
      expect(String(e.t)).toBe(w.id);
      expect(Number(e.p)).toBe(w.price);
      expect(Number(e.q)).toBe(w.amount);
      expect(BigInt(e.T) * 1_000_000n).toBe(w.tsNs);
      expect(e.m ? 'sell' : 'buy').toBe(w.side);
      expect(e.E).toBeGreaterThanOrEqual(e.T);
    });
  });

  it('depth diffs are contiguous, align with the REST snapshot, and rebuild the true book', async () => {
    const c = client('/stream?streams=btcusdt@depth@100ms/btcusdt@depth');
    await c.until(
      () => c.messages.filter((m) => m.json.stream === 'btcusdt@depth@100ms').length >= 3,
      15_000,
    );
    const snap = (await simGet(`${sim.url}/api/v3/depth?symbol=BTCUSDT&limit=5000`)).body as {
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    await c.until(
      () => c.messages.filter((m) => m.json.stream === 'btcusdt@depth@100ms').length >= 10,
      15_000,
    );
    await c.until(() => c.messages.filter((m) => m.json.stream === 'btcusdt@depth').length >= 2, 15_000);
    c.close();
    const fast = c.messages
      .filter((m) => m.json.stream === 'btcusdt@depth@100ms')
      .map((m) => m.json.data as DepthEv);
    const slow = c.messages
      .filter((m) => m.json.stream === 'btcusdt@depth')
      .map((m) => m.json.data as DepthEv);
    for (const evs of [fast, slow]) {
      for (let i = 1; i < evs.length; i++) expect(evs[i]!.U).toBe(evs[i - 1]!.u + 1);
      for (const e of evs) expect(e.u).toBeGreaterThanOrEqual(e.U);
    }
    // The snapshot lies inside the stream's id range.
    expect(snap.lastUpdateId).toBeGreaterThanOrEqual(fast[0]!.U - 1);
    expect(snap.lastUpdateId).toBeLessThan(fast[fast.length - 1]!.u);
    // Binance's documented procedure, on both streams (a 1000 ms event spans ten book ticks, so the
    // snapshot usually falls inside one: the event must still correct every level touched since).
    for (const evs of [fast, slow]) {
      const book = new LocalBook();
      for (const [p, q] of snap.bids) book.set('bids', p, q);
      for (const [p, q] of snap.asks) book.set('asks', p, q);
      let id = snap.lastUpdateId;
      for (const e of evs) {
        if (e.u <= id) continue;
        expect(e.U).toBeLessThanOrEqual(id + 1);
        for (const [p, q] of e.b) book.set('bids', p, q);
        for (const [p, q] of e.a) book.set('asks', p, q);
        id = e.u;
      }
      const truth = sim.truth.book('BTCUSDT', { updateId: id });
      expect(truth.updateId).toBe(id);
      expect(book.levels('bids')).toEqual(truth.bids);
      expect(book.levels('asks')).toEqual(truth.asks);
      expect(truth.bids[0]![0]).toBeLessThan(truth.asks[0]![0]);
    }
  });

  it('kline_1m events carry the running bar of the truth', async () => {
    const c = client('/ws/btcusdt@kline_1m');
    const m = await c.next((x) => x.json.e === 'kline', 5000);
    c.close();
    const k = m.json.k as { t: number; o: string; n: number; x: boolean };
    const bar = sim.truth.bars('BTCUSDT', 60, BigInt(k.t) * 1_000_000n, BigInt(k.t + 60_000) * 1_000_000n)[0];
    expect(bar).toBeDefined();
    expect(Number(k.o)).toBe(bar!.open);
    expect(k.x).toBe(false);
  });
});

describe('Binance WebSocket keepalive and lifetime', () => {
  let sim: RunningSimulator;
  const clients: RawClient[] = [];
  const client = (path: string, o?: { autoPong?: boolean }) => {
    const c = new RawClient(`${sim.wsUrl}${path}`, o);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    sim = await startSimulator({
      exchange: 'binance',
      rateLimits: 'off',
      clock: { startNs: START_NS, speed: 2 },
      markets: { historyStart: START_NS - 2n * 86_400_000_000_000n },
      ws: { pingIntervalMs: 100, pongTimeoutMs: 1000, maxConnectionMs: 2500 },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  it('pings every pingIntervalMs; no pong within pongTimeoutMs disconnects; pongs keep it alive', async () => {
    const good = client('/ws/btcusdt@trade');
    const bad = client('/ws/btcusdt@trade', { autoPong: false });
    await Promise.all([good.opened, bad.opened]);
    await bad.until(() => bad.closed !== undefined, 8000, 'the pong-timeout close');
    expect(bad.pings.length).toBeGreaterThanOrEqual(3);
    expect(good.closed).toBeUndefined();
    expect(good.pings.length).toBeGreaterThanOrEqual(3);
  });

  it('serverShutdown, then close, at the end of the connection lifetime', async () => {
    const c = client('/ws/ethusdt@trade');
    await c.opened;
    await c.until(() => c.closed !== undefined, 10_000, 'the lifetime close');
    const shut = c.messages.findIndex((m) => m.json.e === 'serverShutdown');
    expect(shut).toBeGreaterThanOrEqual(0);
    expect(shut).toBe(c.messages.length - 1);
  });
});

describe('Binance WebSocket with a fixed clock', () => {
  it('sends no live trades: the market is frozen', async () => {
    const sim = await startSimulator({ exchange: 'binance', rateLimits: 'off' });
    const c = new RawClient(`${sim.wsUrl}/ws/btcusdt@trade`);
    await c.opened;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.messages.length).toBe(0);
    c.close();
    await sim.close();
  });
});
