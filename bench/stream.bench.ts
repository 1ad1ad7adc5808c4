/**
 * Live streams throughput, two ways, each against a baseline measured in the same run:
 *
 * 1. **The simulator's own WebSocket stream** (Binance, Coinbase, Kraken dialects) with its clock running
 *    at SPEED× real time, the simulator in a child process so its CPU is not the client's. Each round a
 *    fresh connection reads N trades (or book updates) through bare `ws` + `JSON.parse`, then through
 *    `stream.trades` / `stream.book`, alternating, after one unmeasured warm-up round of each and a full
 *    GC before every connection. Reported: items per wall second, the client process's CPU per item
 *    (user + system), from which the capacity of one core follows, and items per socket read (both
 *    sides' reads counted alike), since the CPU per item depends on how many frames one wake-up brings.
 *    By default the simulator writes each emission's frames in one TCP write (`ws.coalesce`), so both
 *    sides get the same reads whatever the timing between the processes; WRITES=per-frame (or both)
 *    measures one write per frame, where the frames per read are a race between the two processes.
 * 2. **Replay at socket speed**: pre-rendered frames (ground-truth trades in wire format; books with
 *    one-level changes) pushed by a worker thread as fast as the socket takes them.
 *
 * Run: `npm run bench -- stream` (SIM_TRADES=300000 COINBASE_SPEEDUP=1 SIM_BOOK=2000 BOOK_ROUNDS=3 SPEED=3000 BOOK_SPEED=20 TRADES=100000
 * UPDATES=50000 ROUNDS=5 WARMUP=1 WRITES=coalesced to change the load). PART=sim or PART=replay runs one
 * part only; KINDS=trades or KINDS=book and EXCHANGES=kraken,coinbase narrow the simulator part (handy
 * while iterating).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { krakenBookChecksum } from '../src/adapters/kraken/checksum.js';
import { OrderBook } from '../src/adapters/order-book.js';
import { startSimulator } from '../src/sim/index.js';
import { isStreamEvent, streamBook, streamTrades } from '../src/stream/index.js';
import { binanceAggTrade, coinbaseMatch, krakenTrades } from '../test/helpers/stream-wire.js';

type Ex = 'binance' | 'coinbase' | 'kraken';
const SIM_START = 1_767_225_600_000_000_000n;

const PART = process.env.PART ?? 'all';
const KINDS = (process.env.KINDS ?? 'trades,book').split(',');
const EXCHANGES = (process.env.EXCHANGES ?? 'binance,coinbase,kraken').split(',');

async function main(): Promise<void> {
  const simRows = PART === 'replay' ? [] : await simSection();
  const replayRows = PART === 'sim' ? [] : await replaySection();
  console.log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ROUNDS=${ROUNDS} (median)\n`,
  );
  console.log(
    `### Against the simulator's WebSocket stream (SPEED=${SPEED}x (Coinbase ${SPEED * COINBASE_SPEEDUP}x), BOOK_SPEED=${BOOK_SPEED}x, SIM_TRADES=${SIM_TRADES}, SIM_BOOK=${SIM_BOOK} updates × BOOK_ROUNDS=${BOOK_ROUNDS}, WARMUP=${WARMUP}, WRITES=${WRITES.join(',')})\n`,
  );
  console.log(
    '| what | exchange | bare ws + JSON.parse (items/s) | tickwire (items/s) | items per read, bare / tickwire | bare CPU µs/item | tickwire CPU µs/item | CPU bare / tickwire | per round |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of simRows) console.log(r);
  console.log(`\n### Replay at socket speed (TRADES=${TRADES}, UPDATES=${UPDATES})\n`);
  console.log(
    '| what | exchange | bare ws + JSON.parse (msg/s) | tickwire stream (items/s) | stream / bare |',
  );
  console.log('|---|---|---:|---:|---:|');
  for (const r of replayRows) console.log(r);
}

// ---------------------------------------------------------------------------------------------------
// 1. The simulator's WebSocket stream

/**
 * Trades per round: enough that each side goes through several young-generation GCs. After the GC
 * before every connection, a run of 60,000 trades let the bare client (less garbage per trade) finish
 * without a single scavenge while tickwire paid one or two, so short runs measured GC timing more than
 * work per trade (see docs/benchmarks.md).
 */
const SIM_TRADES = Number(process.env.SIM_TRADES ?? 300_000);
/**
 * Book updates per round, and rounds: as with trades, short rounds overstate tickwire's cost per update
 * (Kraken at 800 updates, ~8 s a round: 0.57–0.61; at 3200: 0.68, tickwire 556 → 419 µs an update, bare
 * 317 → 285; likely the same GC timing, not split per thread for books), so fewer, longer rounds (~20 s
 * each at ~98 updates/s; the books part takes ~8 minutes).
 */
const SIM_BOOK = Number(process.env.SIM_BOOK ?? 2000);
const BOOK_ROUNDS = Number(process.env.BOOK_ROUNDS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 1);
/** How the simulator writes an emission's frames: one TCP write for all (`coalesced`) or one each. */
const WRITES = (process.env.WRITES ?? 'coalesced')
  .split(',')
  .flatMap((w) => (w === 'both' ? ['coalesced', 'per-frame'] : [w]));
const SPEED = Number(process.env.SPEED ?? 3000);
/**
 * Coinbase's clock runs this many times SPEED (it has fewer trades per second). 1: at 3× (9000×) the
 * simulator saturated a core, so how it cut its output into socket reads depended on the client's own
 * CPU use (tickwire got ~105 trades a read against bare's ~135, at a slower pace): the two sides no
 * longer read the same input. COINBASE_SPEEDUP=3 measures that way.
 */
const COINBASE_SPEEDUP = Number(process.env.COINBASE_SPEEDUP ?? 1);
/** Book messages grow with the span they cover (Binance diffs list every level touched): a slower clock. */
const BOOK_SPEED = Number(process.env.BOOK_SPEED ?? 20);

type SimChild = { url: string; wsUrl: string; child: ChildProcess };

async function simChild(exchange: Ex, speed: number, batchMs: number, coalesce: boolean): Promise<SimChild> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--sim-child',
      exchange,
      String(speed),
      String(batchMs),
      String(coalesce),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let buf = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    buf += chunk.toString();
    if (buf.includes('\n')) break;
  }
  const { url, wsUrl } = JSON.parse(buf) as { url: string; wsUrl: string };
  return { url, wsUrl, child };
}

async function stopChild(c: SimChild): Promise<void> {
  c.child.stdin?.end();
  await once(c.child, 'exit');
}

/** Wall ms, client CPU µs and socket reads for the n items `run` counts. */
type Measure = { ms: number; cpuUs: number; reads: number };

/**
 * Socket reads ('data' events) on connections to `readsPort`, counted for both sides alike: `ws` reads
 * its socket by 'data' events, bare and tickwire the same way, so wrapping `emit` costs both the same.
 */
let readsPort = -1;
let reads = 0;
const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
  if (event === 'data' && this.remotePort === readsPort) reads++;
  return Reflect.apply(emit, this, [event, ...args]) as boolean;
} as typeof emit;

const gc = (globalThis as { gc?: () => void }).gc;

async function measure(run: (started: () => void) => Promise<void>): Promise<Measure> {
  // Neither side pays for the garbage of the run before it.
  gc?.();
  let t0 = 0;
  let r0 = reads;
  let c0: NodeJS.CpuUsage = process.cpuUsage();
  await run(() => {
    t0 = performance.now();
    r0 = reads;
    c0 = process.cpuUsage();
  });
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuUs: c.user + c.system, reads: reads - r0 };
}

/** A parsed message, as loosely as a bare client reads it. */
type Msg = {
  data?: { e?: string; length?: number } & unknown[];
  e?: string;
  type?: string;
  channel?: string;
};

/** How a bare client subscribes and counts trades (or book updates) in a parsed message. */
const BARE: Record<
  Ex,
  { path: string; sub?: (book: boolean) => unknown; count: (m: Msg, book: boolean) => number }
> = {
  binance: {
    path: '/stream?streams=',
    count: (m, book) => (book ? (m.data?.e === 'depthUpdate' ? 1 : 0) : m.data?.e === 'aggTrade' ? 1 : 0),
  },
  coinbase: {
    path: '/',
    sub: (book) => ({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: book ? ['level2_batch', 'heartbeat'] : ['matches', 'heartbeat'],
    }),
    count: (m, book) =>
      book ? (m.type === 'l2update' || m.type === 'snapshot' ? 1 : 0) : m.type === 'match' ? 1 : 0,
  },
  kraken: {
    path: '/v2',
    sub: (book) => ({
      method: 'subscribe',
      params: book
        ? { channel: 'book', symbol: ['BTC/USD'], depth: 10 }
        : { channel: 'trade', symbol: ['BTC/USD'], snapshot: false },
    }),
    count: (m, book) =>
      book
        ? m.channel === 'book'
          ? 1
          : 0
        : m.channel === 'trade' && m.type === 'update'
          ? (m.data?.length ?? 0)
          : 0,
  },
};

function bareSim(exchange: Ex, wsUrl: string, book: boolean, n: number): Promise<Measure> {
  const spec = BARE[exchange];
  const path =
    exchange === 'binance' ? `${spec.path}${book ? 'btcusdt@depth@100ms' : 'btcusdt@aggTrade'}` : spec.path;
  return measure(
    (started) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(wsUrl + path, { perMessageDeflate: false });
        let count = 0;
        ws.on('open', () => {
          if (spec.sub) ws.send(JSON.stringify(spec.sub(book)));
        });
        ws.on('error', reject);
        ws.on('message', (data) => {
          const k = spec.count(JSON.parse(String(data)), book);
          if (k === 0) return;
          if (count === 0) started();
          count += k;
          if (count >= n) {
            ws.terminate();
            resolve();
          }
        });
      }),
  );
}

const SYMBOL: Record<Ex, string> = { binance: 'BTC/USDT', coinbase: 'BTC/USD', kraken: 'BTC/USD' };

function tickwireSim(exchange: Ex, c: SimChild, book: boolean, n: number): Promise<Measure> {
  const common = { exchange, baseUrl: c.url, wsUrl: c.wsUrl, websocket: { pingIntervalMs: 0 } };
  return measure(async (started) => {
    let count = 0;
    if (book) {
      for await (const x of streamBook({ ...common, symbol: SYMBOL[exchange], depth: 10 })) {
        if (x.kind !== 'update' && x.kind !== 'snapshot') continue;
        if (count++ === 0) started();
        if (count >= n) break;
      }
    } else {
      for await (const x of streamTrades({ ...common, symbols: SYMBOL[exchange] })) {
        if (isStreamEvent(x)) continue;
        if (count++ === 0) started();
        if (count >= n) break;
      }
    }
  });
}

async function simSection(): Promise<string[]> {
  const rows: string[] = [];
  for (const book of [false, true]) {
    if (!KINDS.includes(book ? 'book' : 'trades')) continue;
    for (const writes of WRITES) {
      for (const exchange of ['binance', 'coinbase', 'kraken'] as const) {
        if (!EXCHANGES.includes(exchange)) continue;
        rows.push(await simRow(exchange, book, writes === 'coalesced'));
      }
    }
  }
  return rows;
}

async function simRow(exchange: Ex, book: boolean, coalesce: boolean): Promise<string> {
  const speed = book ? BOOK_SPEED : exchange === 'coinbase' ? SPEED * COINBASE_SPEEDUP : SPEED;
  const c = await simChild(exchange, speed, book ? 10 : 20, coalesce);
  readsPort = Number(new URL(c.wsUrl).port);
  const n = book ? SIM_BOOK : SIM_TRADES;
  const b: Measure[] = [];
  const s: Measure[] = [];
  const rounds = book ? BOOK_ROUNDS : ROUNDS;
  for (let r = 0; r < WARMUP + rounds; r++) {
    const x = await bareSim(exchange, c.wsUrl, book, n);
    const y = await tickwireSim(exchange, c, book, n);
    if (r < WARMUP) continue;
    b.push(x);
    s.push(y);
  }
  await stopChild(c);
  const ms = (xs: Measure[]) => median(xs.map((x) => x.ms));
  const cpu = (xs: Measure[]) => median(xs.map((x) => x.cpuUs)) / n;
  const perRead = (xs: Measure[]) => median(xs.map((x) => n / Math.max(1, x.reads))).toFixed(1);
  const ratios = b.map((x, i) => x.cpuUs / (s[i] as Measure).cpuUs);
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  const what = `${book ? 'book updates' : 'trades'}${coalesce ? '' : ' (per-frame writes)'}`;
  return `| ${what} | ${exchange}${book && exchange === 'kraken' ? ' (CRC32 verified)' : ''} | ${rate(n, ms(b))} | ${rate(n, ms(s))} | ${perRead(b)} / ${perRead(s)} | ${cpu(b).toFixed(1)} | ${cpu(s).toFixed(1)} | ${(cpu(b) / cpu(s)).toFixed(2)} | ${spread} |`;
}

// ---------------------------------------------------------------------------------------------------
// 2. Replay at socket speed

const TRADES = Number(process.env.TRADES ?? 100_000);
const UPDATES = Number(process.env.UPDATES ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
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
async function replaySection(): Promise<string[]> {
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

  return rows;
}

if (process.argv[2] === '--sim-child') {
  // The simulator, alone in this process: prints its URLs, runs until stdin closes.
  const sim = await startSimulator({
    exchange: process.argv[3] as Ex,
    rateLimits: 'off',
    clock: { startNs: SIM_START, speed: Number(process.argv[4]) },
    markets: { historyStart: SIM_START - 86_400_000_000_000n },
    ws: { batchMs: Number(process.argv[5]), coalesce: process.argv[6] === 'true' },
  });
  process.stdout.write(`${JSON.stringify({ url: sim.url, wsUrl: sim.wsUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
} else {
  await main();
}
