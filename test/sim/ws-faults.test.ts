import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';
import { crc32Bitwise, LocalBook } from '../helpers/simws-book.js';
import { RawClient } from '../helpers/simws-client.js';

const START_NS = 1_767_225_600_000_000_000n;
const base = {
  rateLimits: 'off',
  clock: { startNs: START_NS, speed: 2 },
  markets: { historyStart: START_NS - 86_400_000_000_000n },
} as const;

describe('WebSocket faults', () => {
  let sim: RunningSimulator | undefined;
  const clients: RawClient[] = [];
  const start = async (o: SimulatorOptions) => {
    sim = await startSimulator(o);
    return sim;
  };
  const client = (url: string) => {
    const c = new RawClient(url);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim?.close();
    sim = undefined;
  });

  it('drop: the connection is cut without a close frame (1006)', async () => {
    const s = await start({ exchange: 'binance', ...base });
    const c = client(`${s.wsUrl}/ws/btcusdt@trade`);
    await c.next(() => true);
    expect(s.ws.inject({ kind: 'drop' })).toBe(1);
    await c.until(() => c.closed !== undefined, 3000);
    expect(c.closed!.code).toBe(1006);
    expect(s.ws.stats().faults.drop).toBe(1);
  });

  it('stall: nothing more is sent and pings go unanswered, but TCP stays open', async () => {
    const s = await start({ exchange: 'binance', ...base });
    const c = client(`${s.wsUrl}/ws/btcusdt@trade`);
    await c.next(() => true);
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    c.ws.ping();
    await c.until(() => pongs === 1, 2000, 'a pong before the stall');
    s.ws.inject({ kind: 'stall' });
    await new Promise((r) => setTimeout(r, 100));
    const n = c.messages.length;
    c.ws.ping();
    await new Promise((r) => setTimeout(r, 600));
    expect(c.messages.length).toBe(n);
    expect(pongs).toBe(1);
    expect(c.closed).toBeUndefined();
    expect(s.ws.connections()).toBe(1);
  });

  it('skip-update-id: a depth event goes missing, so U jumps past the previous u + 1', async () => {
    const s = await start({ exchange: 'binance', ...base });
    const c = client(`${s.wsUrl}/ws/btcusdt@depth@100ms`);
    await c.until(() => c.messages.length >= 2, 5000);
    s.ws.inject({ kind: 'skip-update-id' });
    await c.until(() => c.messages.length >= 8, 5000);
    const evs = c.messages.map((m) => m.json as { U: number; u: number });
    const gaps = evs.slice(1).filter((e, i) => e.U !== evs[i]!.u + 1);
    expect(gaps.length).toBe(1);
    expect(gaps[0]!.U).toBeGreaterThan(1);
  });

  it("drop-messages: a Coinbase match goes missing (a trade_id gap); 'next' arms the next connection", async () => {
    const s = await start({ exchange: 'coinbase', ...base });
    s.ws.inject({ kind: 'drop-messages', target: 'next', count: 3 });
    const c = client(`${s.wsUrl}/`);
    await c.opened;
    c.send({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches'] });
    await c.until(() => c.messages.filter((m) => m.json.type === 'match').length >= 20, 15_000);
    const ids = c.messages
      .filter((m) => m.json.type === 'match' || m.json.type === 'last_match')
      .map((m) => m.json.trade_id as number);
    const missing = ids.slice(1).reduce((acc, id, i) => acc + (id - ids[i]! - 1), 0);
    expect(missing).toBe(3);
    expect(s.ws.stats().faults['drop-messages']).toBe(3);
  });

  it('bad-checksum: one Kraken book update carries a checksum that does not match the book', async () => {
    const s = await start({ exchange: 'kraken', ...base });
    const c = client(`${s.wsUrl}/v2`);
    await c.opened;
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 } });
    await c.until(() => c.messages.some((m) => m.json.type === 'snapshot'), 5000);
    s.ws.inject({ kind: 'bad-checksum' });
    await c.until(() => c.messages.filter((m) => m.json.type === 'update').length >= 6, 5000);
    const book = new LocalBook();
    let bad = 0;
    for (const m of c.messages.filter((x) => x.json.channel === 'book')) {
      type Lv = { price: number; qty: number };
      const d = (m.json.data as { bids: Lv[]; asks: Lv[]; checksum: number }[])[0]!;
      // Kraken BTC/USD: 1 price decimal, 8 qty decimals (reformatted, as a client using AssetPairs would).
      for (const l of d.bids) book.set('bids', l.price.toFixed(1), l.qty.toFixed(8));
      for (const l of d.asks) book.set('asks', l.price.toFixed(1), l.qty.toFixed(8));
      book.trim(10);
      const f = (x: string) => x.replace('.', '').replace(/^0+/, '');
      let t = '';
      for (const [p, q] of book.raw('asks')) t += f(p) + f(q);
      for (const [p, q] of book.raw('bids')) t += f(p) + f(q);
      if (crc32Bitwise(t) !== d.checksum) bad++;
    }
    expect(bad).toBe(1);
  });

  it('seeded rates: dropRate 1 drops every connection at its first data message', async () => {
    const s = await start({ exchange: 'kraken', ...base, ws: { faults: { dropRate: 1 } } });
    const c = client(`${s.wsUrl}/v2`);
    await c.opened;
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false } });
    await c.until(() => c.closed !== undefined, 5000);
    expect(c.closed!.code).toBe(1006);
    expect(c.messages.some((m) => m.json.channel === 'trade')).toBe(false);
    expect(c.messages.some((m) => m.json.method === 'subscribe')).toBe(true);
  });

  it('rejects unknown fault kinds and bad counts with ValidationError', async () => {
    const s = await start({ exchange: 'binance', ...base });
    expect(() => s.ws.inject({ kind: 'nope' as 'drop' })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(() => s.ws.inject({ kind: 'drop', count: 0 })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    await expect(
      startSimulator({ exchange: 'binance', ws: { faults: { dropRate: 2 } } }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(
      startSimulator({ exchange: 'binance', now: START_NS, clock: { startNs: START_NS } }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
