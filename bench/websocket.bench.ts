/**
 * WebSocket base throughput: frames per second through `WebSocketBase.stream()` (a trivial JSON
 * `parseMessage`) against bare `ws` + `JSON.parse`, from the same loopback server in the same run.
 *
 * The server runs in a worker thread (so its sending does not share the client's event loop) and, on
 * each `go:N` message, sends N small trade-like frames as fast as the socket takes them. Variants
 * alternate round by round; the median of each is reported, with its ratio to bare `ws`.
 *
 * Run: `npm run bench -- websocket` (FRAMES=200000 ROUNDS=3 to change the load).
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { isFeedEvent, WebSocketBase } from '../src/transport/websocket/index.js';

const FRAMES = Number(process.env.FRAMES ?? 500_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

type Trade = { e: string; E: number; s: string; t: number; p: string; q: string; T: number; m: boolean };

// The server writes pre-framed batches straight to the TCP socket (unmasked text frames, as a server
// sends them): it costs a fraction of what the client spends per frame, so the client is the bottleneck.
const serverCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require(workerData.ws);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => parentPort.postMessage(wss.address().port));
const frame = (t) => {
  const payload = Buffer.from('{"e":"trade","E":1700000000123,"s":"BTCUSDT","t":' + t +
    ',"p":"42123.45","q":"0.0123","T":1700000000123,"m":' + (t % 2 === 0) + '}');
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
};
wss.on('connection', (ws) => {
  const socket = ws._socket;
  ws.on('message', (data) => {
    const total = Number(String(data).slice(3));
    let t = 0;
    const pump = () => {
      while (t < total && !socket.destroyed) {
        const batch = [];
        for (let i = 0; i < 512 && t < total; i++) batch.push(frame(++t));
        if (!socket.write(Buffer.concat(batch))) { socket.once('drain', pump); return; }
      }
    };
    pump();
  });
});
`;

class SyncGenFeed extends WebSocketBase<Trade> {
  protected override *parseMessage(raw: string | Buffer): Iterable<Trade> {
    yield JSON.parse(raw as string) as Trade;
  }
}
class ArrayFeed extends WebSocketBase<Trade> {
  protected override parseMessage(raw: string | Buffer): Iterable<Trade> {
    return [JSON.parse(raw as string) as Trade];
  }
}
class AsyncGenFeed extends WebSocketBase<Trade> {
  protected override async *parseMessage(raw: string | Buffer): AsyncIterable<Trade> {
    yield JSON.parse(raw as string) as Trade;
  }
}

/** Bare ws: parse every frame in the message handler. Returns elapsed ms for `n` frames. */
async function bare(url: string, n: number): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  let count = 0;
  let sum = 0;
  const t0 = performance.now();
  const done = new Promise<number>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const r = JSON.parse(data.toString()) as Trade;
      sum += r.t;
      if (++count === n) resolve(performance.now() - t0);
    });
  });
  ws.send(`go:${n}`);
  const ms = await done;
  ws.terminate();
  if (sum <= 0) throw new Error('nothing parsed');
  return ms;
}

/** A tickwire feed: `go` is sent from onConnect; time from then to the n-th record. */
async function viaFeed(make: (url: string) => WebSocketBase<Trade>, url: string, n: number): Promise<number> {
  const feed = make(url);
  let t0 = 0;
  (feed as unknown as { onConnect: (ws: WebSocket) => void }).onConnect = (ws) => {
    t0 = performance.now();
    ws.send(`go:${n}`);
  };
  let count = 0;
  let sum = 0;
  let ms = 0;
  for await (const item of feed.stream()) {
    if (isFeedEvent(item)) continue;
    sum += item.t;
    if (++count === n) {
      ms = performance.now() - t0;
      break;
    }
  }
  if (sum <= 0) throw new Error('nothing parsed');
  return ms;
}

async function viaRaw(url: string, n: number): Promise<number> {
  const feed = new SyncGenFeed(url);
  let t0 = 0;
  (feed as unknown as { onConnect: (ws: WebSocket) => void }).onConnect = (ws) => {
    t0 = performance.now();
    ws.send(`go:${n}`);
  };
  let count = 0;
  let sum = 0;
  let ms = 0;
  for await (const item of feed.streamRaw()) {
    if (isFeedEvent(item)) continue;
    sum += (JSON.parse(item as string) as Trade).t;
    if (++count === n) {
      ms = performance.now() - t0;
      break;
    }
  }
  if (sum <= 0) throw new Error('nothing parsed');
  return ms;
}

const allVariants: [string, (url: string, n: number) => Promise<number>][] = [
  ['bare `ws` + JSON.parse (baseline)', bare],
  ['stream(), sync generator parse', (u, n) => viaFeed((x) => new SyncGenFeed(x), u, n)],
  ['stream(), array parse', (u, n) => viaFeed((x) => new ArrayFeed(x), u, n)],
  ['stream(), async generator parse', (u, n) => viaFeed((x) => new AsyncGenFeed(x), u, n)],
  ['streamRaw() + JSON.parse in the loop', viaRaw],
];

// ONLY=1,3 keeps the baseline plus variants 1 and 3 (each variant's feedback pollutes the shared hot path).
const only = process.env.ONLY?.split(',').map(Number);
const variants = allVariants.filter((_, i) => i === 0 || only === undefined || only.includes(i));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const worker = new Worker(serverCode, {
    eval: true,
    workerData: { ws: createRequire(import.meta.url).resolve('ws') },
  });
  const [port] = (await once(worker, 'message')) as [number];
  const url = `ws://127.0.0.1:${port}/`;
  // Warm-up: JIT both paths.
  await bare(url, 50_000);
  for (const [, run] of variants.slice(1)) await run(url, 50_000);

  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of variants) {
      (globalThis as { gc?: () => void }).gc?.();
      times.get(name)?.push(await run(url, FRAMES));
    }
  }
  await worker.terminate();

  // The machine is shared and noisy: report the best run (interference only ever adds time), the
  // median, and the median of per-round ratios (each variant against the bare run of its own round).
  const base = times.get(variants[0]![0]) ?? [];
  const fps = (ms: number): number => FRAMES / (ms / 1000);
  console.log(
    `${FRAMES.toLocaleString('en')} frames (~120 bytes, trade-like JSON) per run, ${ROUNDS} rounds; ` +
      `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg()[0]?.toFixed(1)}.\n`,
  );
  console.log(
    '| variant | best frames/s | median frames/s | runs (ms) | ratio to bare (best) | ratio (median of rounds) |',
  );
  console.log('|---|---:|---:|---|---:|---:|');
  for (const [name] of variants) {
    const ms = times.get(name) ?? [];
    const paired = ms.map((x, i) => (base[i] ?? Number.NaN) / x);
    console.log(
      `| ${name} | ${Math.round(fps(Math.min(...ms))).toLocaleString('en')} | ${Math.round(fps(median(ms))).toLocaleString('en')} | ` +
        `${ms.map((x) => Math.round(x)).join(', ')} | ${(Math.min(...base) / Math.min(...ms)).toFixed(2)} | ${median(paired).toFixed(2)} |`,
    );
  }
}

await main();
