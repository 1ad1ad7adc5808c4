/**
 * stream.book against scripted WebSocket servers: Kraken resubscribes after a bad checksum, Binance
 * refetches its REST snapshot after a skipped update id, Coinbase waits for a new snapshot after a
 * reconnect; in each case the book is right again afterwards.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krakenBookChecksum } from '../../src/adapters/kraken/checksum.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../src/stream/index.js';
import { startScriptedServer } from '../helpers/ws-scripted-server.js';

const FAST_WS = { initialDelayMs: 5, maxDelayMs: 20, pingIntervalMs: 0, idleTimeoutMs: 0 };

type Lv = [string, string];

function krakenBook(
  type: 'snapshot' | 'update',
  bids: Lv[],
  asks: Lv[],
  book: { bids: Lv[]; asks: Lv[] },
  bad = false,
) {
  const toCk = (l: Lv[]) => l.map(([p, q]) => ({ priceText: p, qtyText: q }));
  const sum = krakenBookChecksum(toCk(book.asks), toCk(book.bids));
  const lv = (l: Lv[]) => `[${l.map(([p, q]) => `{"price":${p},"qty":${q}}`).join(',')}]`;
  return `{"channel":"book","type":"${type}","data":[{"symbol":"BTC/USD","bids":${lv(bids)},"asks":${lv(asks)},"checksum":${bad ? sum ^ 1 : sum}${type === 'update' ? ',"timestamp":"2026-01-01T00:00:00.000001Z"' : ''}}]}`;
}

async function take(
  it: AsyncIterable<BookStreamItem>,
  until: (e: BookStreamItem, all: BookStreamItem[]) => boolean,
) {
  const out: BookStreamItem[] = [];
  for await (const e of it) {
    out.push(e);
    if (until(e, out)) break;
  }
  return out;
}

describe.each(['binance', 'coinbase', 'kraken'] as const)('stream.book (%s) scripted', (exchange) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ exchange, rateLimits: 'off' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('resyncs and is right again afterwards', async () => {
    if (exchange === 'kraken') {
      const snap1 = { bids: [['100.10', '1.00000000']] as Lv[], asks: [['100.20', '2.50000000']] as Lv[] };
      const after = {
        bids: [['100.10', '1.00000000']] as Lv[],
        asks: [
          ['100.20', '2.50000000'],
          ['100.30', '0.10000000'],
        ] as Lv[],
      };
      const server = await startScriptedServer({
        onConnection: (c) => {
          let subs = 0;
          c.ws.on('message', (data) => {
            const m = JSON.parse(String(data)) as { method: string };
            if (m.method !== 'subscribe') return;
            subs++;
            c.ws.send(krakenBook('snapshot', snap1.bids, snap1.asks, snap1));
            if (subs === 1) c.ws.send(krakenBook('update', [], [['100.30', '0.10000000']], after, true));
            else c.ws.send(krakenBook('update', [], [['100.30', '0.10000000']], after));
          });
        },
      });
      try {
        const events = await take(
          streamBook({
            exchange,
            symbol: 'BTC/USD',
            baseUrl: sim.url,
            wsUrl: server.url,
            websocket: FAST_WS,
          }),
          (_e, all) => all.filter((x) => x.kind === 'update').length === 1,
        );
        expect(events.map((e) => e.kind)).toEqual(['connected', 'snapshot', 'resync', 'snapshot', 'update']);
        expect(events[2]).toMatchObject({ kind: 'resync', reason: 'checksum-mismatch' });
        const last = events.at(-1);
        expect(last?.kind === 'update' && last.book.asks()).toEqual([
          { price: 100.2, amount: 2.5 },
          { price: 100.3, amount: 0.1 },
        ]);
        const sent = server.connections[0]!.received.map((r) => (JSON.parse(r) as { method: string }).method);
        expect(sent).toEqual(['subscribe', 'unsubscribe', 'subscribe']);
      } finally {
        await server.close();
      }
    } else if (exchange === 'binance') {
      const ev = (U: number, u: number, bid: Lv) =>
        JSON.stringify({
          stream: 'btcusdt@depth@100ms',
          data: { e: 'depthUpdate', E: 1, s: 'BTCUSDT', U, u, b: [bid], a: [] },
        });
      let depthCalls = 0;
      const rest = createServer((_req, res) => {
        depthCalls++;
        const body =
          depthCalls === 1
            ? { lastUpdateId: 10, bids: [['50.0', '1.0']], asks: [['51.0', '1.0']] }
            : { lastUpdateId: 20, bids: [['49.0', '3.0']], asks: [['51.0', '2.0']] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }).listen(0, '127.0.0.1');
      await new Promise((r) => rest.once('listening', r));
      const server = await startScriptedServer({
        onConnection: (c) => {
          c.ws.send(ev(9, 11, ['50.5', '2.0']));
          setTimeout(() => {
            c.ws.send(ev(12, 12, ['50.6', '1.0']));
            c.ws.send(ev(14, 15, ['50.7', '1.0'])); // 13 skipped
            setTimeout(() => c.ws.send(ev(16, 21, ['49.5', '4.0'])), 50);
          }, 50);
        },
      });
      const adapter = createAdapter('binance', { baseUrl: sim.url });
      try {
        const events = await take(
          streamBook({
            exchange,
            symbol: 'BTCUSDT',
            adapter,
            baseUrl: `http://127.0.0.1:${(rest.address() as AddressInfo).port}`,
            wsUrl: server.url,
            websocket: FAST_WS,
          }),
          (_e, all) => all.filter((x) => x.kind === 'snapshot').length === 2 && all.at(-1)?.kind === 'update',
        );
        expect(events.map((e) => e.kind)).toEqual([
          'connected',
          'snapshot',
          'update',
          'resync',
          'snapshot',
          'update',
        ]);
        expect(events[3]).toMatchObject({ reason: 'sequence-gap' });
        const last = events.at(-1);
        // The event (14,15) that revealed the gap is older than the second snapshot (20): dropped.
        expect(last?.kind === 'update' && last.book.bids()).toEqual([
          { price: 49.5, amount: 4 },
          { price: 49, amount: 3 },
        ]);
        expect(depthCalls).toBe(2);
      } finally {
        await adapter.close();
        await server.close();
        rest.close();
      }
    } else {
      const snap = (bid: string) =>
        JSON.stringify({
          type: 'snapshot',
          product_id: 'BTC-USD',
          bids: [[bid, '1.0']],
          asks: [['200.00', '1.0']],
        });
      const server = await startScriptedServer({
        onConnection: (c) => {
          c.ws.once('message', () => {
            c.ws.send(snap(c.index === 0 ? '100.00' : '150.00'));
            c.ws.send(
              JSON.stringify({
                type: 'l2update',
                product_id: 'BTC-USD',
                time: '2026-01-01T00:00:00Z',
                changes: [['sell', '199.00', '2.0']],
              }),
            );
            if (c.index === 0) setTimeout(() => c.ws.terminate(), 20);
          });
        },
      });
      try {
        const events = await take(
          streamBook({
            exchange,
            symbol: 'BTC-USD',
            baseUrl: sim.url,
            wsUrl: server.url,
            websocket: FAST_WS,
          }),
          (_e, all) => all.filter((x) => x.kind === 'update').length === 2,
        );
        expect(events.map((e) => e.kind)).toEqual([
          'connected',
          'snapshot',
          'update',
          'disconnected',
          'reconnected',
          'resync',
          'snapshot',
          'update',
        ]);
        expect(events[5]).toMatchObject({ reason: 'reconnect' });
        const last = events.at(-1);
        expect(last?.kind === 'update' && [last.book.bids(), last.book.asks()]).toEqual([
          [{ price: 150, amount: 1 }],
          [
            { price: 199, amount: 2 },
            { price: 200, amount: 1 },
          ],
        ]);
      } finally {
        await server.close();
      }
    }
  });
});
