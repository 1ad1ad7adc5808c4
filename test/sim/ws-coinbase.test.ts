import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { LocalBook } from '../helpers/simws-book.js';
import { RawClient } from '../helpers/simws-client.js';

const START_NS = 1_767_225_600_000_000_000n;
type Match = {
  type: string;
  trade_id: number;
  side: string;
  size: string;
  price: string;
  time: string;
  sequence: number;
};

describe('Coinbase Exchange WebSocket feed', () => {
  let sim: RunningSimulator;
  const clients: RawClient[] = [];
  const client = () => {
    const c = new RawClient(`${sim.wsUrl}/`);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    sim = await startSimulator({
      exchange: 'coinbase',
      rateLimits: 'off',
      clock: { startNs: START_NS, speed: 2 },
      markets: { historyStart: START_NS - 2n * 86_400_000_000_000n },
      ws: { subscribeTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  it('subscriptions reply (top-level and per-channel product ids); last_match then matches equal to truth', async () => {
    const c = client();
    await c.opened;
    c.send({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['matches', { name: 'heartbeat', product_ids: ['BTC-USD', 'ETH-USD'] }],
    });
    const sub = await c.next((m) => m.json.type === 'subscriptions');
    expect(sub.json.channels).toEqual([
      { name: 'matches', product_ids: ['BTC-USD'] },
      { name: 'heartbeat', product_ids: ['BTC-USD', 'ETH-USD'] },
    ]);
    await c.until(() => c.messages.filter((m) => m.json.type === 'match').length >= 40, 15_000, '40 matches');
    const beat = await c.next((m) => m.json.type === 'heartbeat' && m.json.product_id === 'BTC-USD', 3000);
    c.close();
    const all = c.messages.filter((m) => m.json.type === 'last_match' || m.json.type === 'match');
    expect(all[0]!.json.type).toBe('last_match');
    expect(all.slice(1).every((m) => m.json.type === 'match')).toBe(true);
    const ms = all.map((m) => m.json as unknown as Match);
    for (let i = 1; i < ms.length; i++) {
      expect(ms[i]!.trade_id).toBe(ms[i - 1]!.trade_id + 1);
      expect(ms[i]!.sequence).toBeGreaterThan(ms[i - 1]!.sequence);
    }
    const first = ms[0]!;
    const last = ms[ms.length - 1]!;
    const truth = sim.truth
      .trades('BTC-USD', parseIsoNs(first.time), parseIsoNs(last.time) + 1000n)
      .filter((t) => Number(t.id) >= first.trade_id && Number(t.id) <= last.trade_id);
    expect(truth.length).toBe(ms.length);
    ms.forEach((m, i) => {
      const w = truth[i]!;
      expect(String(m.trade_id)).toBe(w.id);
      expect(Number(m.price)).toBe(w.price);
      expect(Number(m.size)).toBe(w.amount);
      expect(parseIsoNs(m.time)).toBe(w.tsNs);
      // `side` is the maker's side.
      expect(m.side).toBe(w.side === 'buy' ? 'sell' : 'buy');
    });
    expect(typeof beat.json.last_trade_id).toBe('number');
    expect(beat.json.last_trade_id as number).toBeGreaterThanOrEqual(first.trade_id);
    expect(typeof beat.json.sequence).toBe('number');
  });

  it('level2_batch: snapshot then l2updates rebuild the true book', async () => {
    const c = client();
    await c.opened;
    c.send({ type: 'subscribe', product_ids: ['ETH-USD'], channels: ['level2_50'] });
    await c.until(
      () => c.messages.filter((m) => m.json.type === 'l2update').length >= 8,
      15_000,
      'l2updates',
    );
    c.close();
    const book = new LocalBook();
    const snap = c.messages.find((m) => m.json.type === 'snapshot')!.json as {
      bids: [string, string][];
      asks: [string, string][];
    };
    for (const [p, q] of snap.bids) book.set('bids', p, q);
    for (const [p, q] of snap.asks) book.set('asks', p, q);
    let time = '';
    for (const m of c.messages.filter((x) => x.json.type === 'l2update')) {
      for (const [side, p, q] of m.json.changes as [string, string, string][]) {
        book.set(side === 'buy' ? 'bids' : 'asks', p, q);
      }
      time = m.json.time as string;
    }
    const truth = sim.truth.book('ETH-USD', parseIsoNs(time));
    expect(book.levels('bids')).toEqual(truth.bids);
    expect(book.levels('asks')).toEqual(truth.asks);
  });

  it('level2, full and level3 without authentication fields are refused; with them level2 is served', async () => {
    const c = client();
    await c.opened;
    for (const ch of ['level2', 'full', 'level3']) {
      const from = c.messages.length;
      c.send({ type: 'subscribe', product_ids: ['BTC-USD'], channels: [ch] });
      const e = await c.next((m) => m.json.type === 'error', 3000, from);
      expect(e.json).toEqual({
        type: 'error',
        message: 'Failed to subscribe',
        reason: 'level2, level3, and full channels now require authentication',
      });
    }
    c.send({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['level2'],
      key: 'k',
      passphrase: 'p',
      timestamp: '1',
      signature: 's',
    });
    await c.next((m) => m.json.type === 'snapshot', 3000);
    c.send({ type: 'subscribe', product_ids: ['DOGE-USD'], channels: ['matches'] });
    expect(
      (await c.next((m) => m.json.type === 'error' && String(m.json.reason).includes('DOGE'))).json.message,
    ).toBe('Failed to subscribe');
  });

  it('closes a connection that sends no subscribe within the timeout', async () => {
    const c = client();
    await c.opened;
    const t0 = performance.now();
    await c.until(() => c.closed !== undefined, 3000, 'the close');
    expect(c.closed!.at - t0).toBeGreaterThanOrEqual(200);
  });
});
