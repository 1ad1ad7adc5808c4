/**
 * Live streams throughput: trades per second through `stream.trades` and book updates per second
 * through `stream.book`, against bare `ws` + `JSON.parse` reading the same frames, in the same run.
 *
 * The frames are the simulator's ground-truth trades written in each exchange's wire format (and, for
 * books, a random walk of level changes with Kraken checksums), replayed by a server in a worker thread
 * as fast as the socket takes them, so the client is the bottleneck. REST (symbol lookup) is the REST
 * simulator. Each variant runs ROUNDS times, alternating; the median is reported.
 *
 * Run: `npm run bench -- stream` (TRADES=100000 UPDATES=50000 ROUNDS=3 to change the load).
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { krakenBookChecksum } from '../src/adapters/kraken/checksum.js';
import { OrderBook } from '../src/adapters/order-book.js';
import { startSimulator } from '../src/sim/index.js';
import { isStreamEvent, streamBook, streamTrades } from '../src/stream/index.js';
import { binanceAggTrade, coinbaseMatch, krakenTrades } from '../test/helpers/stream-wire.js';

const TRADES = Number(process.env.TRADES ?? 100_000);
const UPDATES = Number(process.env.UPDATES ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const NOW = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;

const serverCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require(workerData.ws);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
const frames = workerData.frames.map((f) => {
  const p = Buffer.from(f);
  const head = p.length < 126 ? Buffer.from([0x81, p.length]) : Buffer.from([0x81, 126, p.length >> 8, p.length & 255]);
  return Buffer.concat([head, p]);
});
wss.on('listening', () => parentPort.postMessage(wss.address().port));
wss.on('connection', (ws) => {
  const socket = ws._socket;
  let i = 0;
  const pump = () => {
    while (i < frames.length && !socket.destroyed) {
      const batch = frames.slice(i, i + 512);
      i += batch.length;
      if (!socket.write(Buffer.concat(batch))) { socket.once('drain', pump); return; }
    }
  };
  setTimeout(pump, 20);
});
`;

async function server(frames: string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  const w = new Worker(serverCode, { eval: true, workerData: { ws: wsPath, frames } });
  const [port] = (await once(w, 'message')) as [number];
  return { url: `ws://127.0.0.1:${port}`, close: async () => void (await w.terminate()) };
}

/** Bare ws + JSON.parse: ms from the first message to the n-th. */
async function bare(url: string, path: string, n: number): Promise<number> {
  const ws = new WebSocket(url + path, { perMessageDeflate: false });
  let count = 0;
  let t0 = 0;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      if (count === 0) t0 = performance.now();
      JSON.parse(String(data));
      if (++count === n) resolve();
    });
  });
  const ms = performance.now() - t0;
  ws.terminate();
  return ms;
}

async function timeIt<T>(it: AsyncGenerator<T>, counts: (x: T) => boolean, n: number): Promise<number> {
  let count = 0;
  let t0 = 0;
  for await (const x of it) {
    if (!counts(x)) continue;
    if (count === 0) t0 = performance.now();
    if (++count === n) break;
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
const rows: string[] = [];

for (const exchange of ['binance', 'coinbase', 'kraken'] as const) {
  const sim = await startSimulator({ exchange, rateLimits: 'off' });
  const native = { binance: 'BTCUSDT', coinbase: 'BTC-USD', kraken: 'XBTUSD' }[exchange];
  let span = 600n;
  let truth = sim.truth.trades(native, NOW - span * S, NOW);
  while (truth.length < TRADES) {
    span *= 4n;
    truth = sim.truth.trades(native, NOW - span * S, NOW);
  }
  truth = truth.slice(0, TRADES);
  const frames =
    exchange === 'binance'
      ? truth.map((t) => binanceAggTrade('BTCUSDT', t))
      : exchange === 'coinbase'
        ? truth.map((t) => coinbaseMatch('BTC-USD', t))
        : truth.map((t) => krakenTrades('BTC/USD', [t]));
  const srv = await server(frames);
  const path =
    exchange === 'binance' ? '/stream?streams=btcusdt@aggTrade' : exchange === 'kraken' ? '/v2' : '/';
  const b: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await bare(srv.url, path, TRADES));
    s.push(
      await timeIt(
        streamTrades({
          exchange,
          symbols: native,
          baseUrl: sim.url,
          wsUrl: srv.url,
          websocket: { pingIntervalMs: 0 },
        }),
        (x) => !isStreamEvent(x),
        TRADES,
      ),
    );
  }
  rows.push(
    `| trades | ${exchange} | ${rate(TRADES, median(b))} | ${rate(TRADES, median(s))} | ${(median(b) / median(s)).toFixed(2)} |`,
  );
  await srv.close();
  await sim.close();
}

/** Kraken book frames: a snapshot of 10 levels a side, then UPDATES one-level changes with checksums. */
function krakenBookFrames(n: number): string[] {
  const book = new OrderBook();
  const fmt = (x: number, d: number) => x.toFixed(d);
  const lv = (side: 'bid' | 'ask', p: number, q: number) => {
    const pt = fmt(p, 1);
    const qt = fmt(q, 8);
    book.apply({ side, price: Number(pt), amount: Number(qt), priceText: pt, amountText: qt });
    return `{"price":${pt},"qty":${qt}}`;
  };
  const sum = () => krakenBookChecksum(book.askSide.stored(10), book.bidSide.stored(10));
  const bids = Array.from({ length: 10 }, (_, i) => lv('bid', 50_000 - i * 0.5, 1 + i / 10));
  const asks = Array.from({ length: 10 }, (_, i) => lv('ask', 50_000.5 + i * 0.5, 1 + i / 10));
  const out = [
    `{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[${bids}],"asks":[${asks}],"checksum":${sum()}}]}`,
  ];
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < n; i++) {
    const side = rnd() < 0.5 ? 'bid' : 'ask';
    const k = Math.floor(rnd() * 10);
    const p = side === 'bid' ? 50_000 - k * 0.5 : 50_000.5 + k * 0.5;
    const l = lv(side, p, Math.round(rnd() * 1e8) / 1e8 + 0.1);
    out.push(
      `{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[${side === 'bid' ? l : ''}],"asks":[${side === 'ask' ? l : ''}],"checksum":${sum()},"timestamp":"2026-01-01T00:00:00.000001Z"}]}`,
    );
  }
  return out;
}

function coinbaseBookFrames(n: number): string[] {
  const out = [
    JSON.stringify({
      type: 'snapshot',
      product_id: 'BTC-USD',
      bids: Array.from({ length: 500 }, (_, i) => [(50_000 - i * 0.01).toFixed(2), '1.00000000']),
      asks: Array.from({ length: 500 }, (_, i) => [(50_000.01 + i * 0.01).toFixed(2), '1.00000000']),
    }),
  ];
  for (let i = 0; i < n; i++) {
    const bid = i % 2 === 0;
    const p = bid ? 50_000 - (i % 50) * 0.01 : 50_000.01 + (i % 50) * 0.01;
    out.push(
      `{"type":"l2update","product_id":"BTC-USD","time":"2026-01-01T00:00:00.123456Z","changes":[["${bid ? 'buy' : 'sell'}","${p.toFixed(2)}","${((i % 7) / 3).toFixed(8)}"]]}`,
    );
  }
  return out;
}

for (const exchange of ['coinbase', 'kraken'] as const) {
  const sim = await startSimulator({ exchange, rateLimits: 'off' });
  const frames = exchange === 'kraken' ? krakenBookFrames(UPDATES) : coinbaseBookFrames(UPDATES);
  const srv = await server(frames);
  const path = exchange === 'kraken' ? '/v2' : '/';
  const b: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await bare(srv.url, path, UPDATES + 1));
    s.push(
      await timeIt(
        streamBook({
          exchange,
          symbol: exchange === 'kraken' ? 'BTC/USD' : 'BTC-USD',
          baseUrl: sim.url,
          wsUrl: srv.url,
          depth: 10,
          websocket: { pingIntervalMs: 0 },
        }),
        (x) => x.kind === 'update' || x.kind === 'snapshot',
        UPDATES + 1,
      ),
    );
  }
  rows.push(
    `| book updates | ${exchange}${exchange === 'kraken' ? ' (CRC32 verified each)' : ''} | ${rate(UPDATES, median(b))} | ${rate(UPDATES, median(s))} | ${(median(b) / median(s)).toFixed(2)} |`,
  );
  await srv.close();
  await sim.close();
}

console.log(
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; TRADES=${TRADES} UPDATES=${UPDATES} ROUNDS=${ROUNDS} (median)\n`,
);
console.log('| what | exchange | bare ws + JSON.parse (msg/s) | tickwire stream (items/s) | stream / bare |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) console.log(r);
