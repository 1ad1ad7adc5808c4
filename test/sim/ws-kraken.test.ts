import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { crc32Bitwise, LocalBook } from '../helpers/simws-book.js';
import { RawClient } from '../helpers/simws-client.js';

const START_NS = 1_767_225_600_000_000_000n;
type KTrade = {
  symbol: string;
  side: string;
  price: number;
  qty: number;
  trade_id: number;
  timestamp: string;
};

/** Levels of a `bids`/`asks` array, read from the RAW text so trailing zeros survive. */
function rawLevels(text: string, side: 'bids' | 'asks'): [string, string][] {
  const m = new RegExp(`"${side}":\\[([^\\]]*)\\]`).exec(text);
  if (!m) return [];
  return [...m[1]!.matchAll(/\{"price":([0-9.]+),"qty":([0-9.]+)\}/g)].map((x) => [x[1]!, x[2]!]);
}

function checksumOf(book: LocalBook): number {
  const f = (s: string) => s.replace('.', '').replace(/^0+/, '');
  let t = '';
  for (const [p, q] of book.raw('asks').slice(0, 10)) t += f(p) + f(q);
  for (const [p, q] of book.raw('bids').slice(0, 10)) t += f(p) + f(q);
  return crc32Bitwise(t);
}

describe('Kraken WebSocket v2', () => {
  let sim: RunningSimulator;
  const clients: RawClient[] = [];
  const client = () => {
    const c = new RawClient(`${sim.wsUrl}/v2`);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    sim = await startSimulator({
      exchange: 'kraken',
      rateLimits: 'off',
      clock: { startNs: START_NS, speed: 2 },
      markets: { historyStart: START_NS - 2n * 86_400_000_000_000n },
      ws: { heartbeatMs: 200 },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  it('status on connect, ping/pong, one ack per symbol, errors', async () => {
    const c = client();
    const status = await c.next((m) => m.json.channel === 'status');
    expect(status.json).toMatchObject({ type: 'update', data: [{ system: 'online', api_version: 'v2' }] });
    c.send({ method: 'ping', req_id: 101 });
    expect((await c.next((m) => m.json.method === 'pong')).json).toMatchObject({ req_id: 101 });
    c.send({
      method: 'subscribe',
      params: { channel: 'trade', symbol: ['BTC/USD', 'ETH/USD'], snapshot: false },
      req_id: 7,
    });
    await c.until(() => c.messages.filter((m) => m.json.method === 'subscribe').length >= 2);
    const acks = c.messages.filter((m) => m.json.method === 'subscribe').map((m) => m.json);
    expect(acks.map((a) => (a.result as { symbol: string }).symbol)).toEqual(['BTC/USD', 'ETH/USD']);
    expect(acks.every((a) => a.success === true && a.req_id === 7)).toBe(true);
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['XBT/USD'] }, req_id: 8 });
    expect((await c.next((m) => m.json.req_id === 8)).json).toMatchObject({ success: false });
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 7 }, req_id: 9 });
    expect((await c.next((m) => m.json.req_id === 9)).json).toMatchObject({ success: false });
  });

  it('trade snapshot (last 50) and updates equal the ground-truth trades', async () => {
    const c = client();
    await c.opened;
    c.send({
      method: 'subscribe',
      params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: true },
      req_id: 1,
    });
    await c.until(() => c.messages.filter((m) => m.json.type === 'update').length >= 10, 15_000, 'updates');
    c.close();
    const snap = c.messages.find((m) => m.json.type === 'snapshot')!;
    expect((snap.json.data as unknown[]).length).toBe(50);
    const ts = c.messages.filter((m) => m.json.channel === 'trade').flatMap((m) => m.json.data as KTrade[]);
    for (let i = 1; i < ts.length; i++) expect(ts[i]!.trade_id).toBe(ts[i - 1]!.trade_id + 1);
    const first = ts[0]!;
    const last = ts[ts.length - 1]!;
    const truth = sim.truth
      .trades('XXBTZUSD', parseIsoNs(first.timestamp), parseIsoNs(last.timestamp) + 1000n)
      .filter((t) => Number(t.id) >= first.trade_id && Number(t.id) <= last.trade_id);
    expect(truth.length).toBe(ts.length);
    ts.forEach((t, i) => {
      const w = truth[i]!;
      expect(String(t.trade_id)).toBe(w.id);
      expect(t.price).toBe(w.price);
      expect(t.qty).toBe(w.amount);
      expect(t.side).toBe(w.side);
      expect(parseIsoNs(t.timestamp)).toBe(w.tsNs);
    });
  });

  it('book: checksums verified independently on the snapshot and every update; raw numbers keep trailing zeros', async () => {
    const c = client();
    await c.opened;
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 25 }, req_id: 2 });
    await c.until(
      () => c.messages.filter((m) => m.json.channel === 'book' && m.json.type === 'update').length >= 15,
      8000,
    );
    c.close();
    const book = new LocalBook();
    let n = 0;
    let lastTs = '';
    for (const m of c.messages.filter((x) => x.json.channel === 'book')) {
      const d = (m.json.data as { checksum: number; timestamp?: string }[])[0]!;
      for (const [p, q] of rawLevels(m.text, 'bids')) {
        expect(q).toMatch(/^\d+\.\d{8}$/);
        expect(p).toMatch(/^\d+\.\d$/);
        book.set('bids', p, q);
      }
      for (const [p, q] of rawLevels(m.text, 'asks')) book.set('asks', p, q);
      book.trim(25);
      expect(checksumOf(book)).toBe(d.checksum);
      if (d.timestamp) lastTs = d.timestamp;
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(16);
    expect(c.messages.some((m) => /"qty":\d+\.\d*0[,}]/.test(m.text))).toBe(true);
    const truth = sim.truth.book('XXBTZUSD', parseIsoNs(lastTs), 25);
    expect(book.levels('bids')).toEqual(truth.bids);
    expect(book.levels('asks')).toEqual(truth.asks);
  });

  it('heartbeats only once subscribed, after quiet spells', async () => {
    const c = client();
    await c.opened;
    await new Promise((r) => setTimeout(r, 500));
    expect(c.messages.some((m) => m.json.channel === 'heartbeat')).toBe(false);
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['ZEC/USD'], snapshot: false } });
    await c.next((m) => m.json.channel === 'heartbeat', 3000);
    c.close();
  });
});
