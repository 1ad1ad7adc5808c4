/**
 * Requests per second through `HttpClient.get` against a loopback node:http server answering a small
 * JSON body, compared with bare undici `request()` + `body.json()` (same Agent settings) in the same
 * run, at 1 and 16 requests in flight. The server runs in a worker thread so it does not share the
 * client's event loop.
 *
 * Run: `npm run bench -- http`
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { HttpClient } from '../src/transport/http/client.js';

const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = JSON.stringify([[1704067200000, "42000.1", "42010.0", "41990.5", "42005.2", "12.345", 1704067259999]]);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); server.closeAllConnections(); });
`;

const worker = new Worker(SERVER, { eval: true });
const port = await new Promise<number>((resolve) => worker.once('message', resolve));
const url = `http://127.0.0.1:${port}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`;

const DURATION_MS = 1500;
const ROUNDS = 3;

type Fetch = () => Promise<unknown>;

async function measure(fetchOne: Fetch, concurrency: number): Promise<number> {
  let done = 0;
  const deadline = performance.now() + DURATION_MS;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await fetchOne();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return done / ((performance.now() - start) / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const client = new HttpClient({ connections: 16 });
const agent = new Agent({ connections: 16, pipelining: 1 });
const viaClient: Fetch = () => client.get(url);
const viaUndici: Fetch = async () => {
  const res = await request(url, { dispatcher: agent });
  return res.body.json();
};

// warm-up (JIT, connections)
await measure(viaClient, 16);
await measure(viaUndici, 16);

console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
console.log(
  `Server: node:http in a worker thread, ~100-byte JSON. ${DURATION_MS} ms per run, median of ${ROUNDS}.\n`,
);
console.log('| in flight | bare undici req/s | HttpClient.get req/s | HttpClient / undici |');
console.log('|---:|---:|---:|---:|');
for (const concurrency of [1, 16]) {
  const bare: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await measure(viaUndici, concurrency));
    ours.push(await measure(viaClient, concurrency));
  }
  const b = median(bare);
  const o = median(ours);
  console.log(`| ${concurrency} | ${b.toFixed(0)} | ${o.toFixed(0)} | ${(o / b).toFixed(2)} |`);
}

await client.close();
await agent.close();
worker.postMessage('stop');
await new Promise((resolve) => worker.once('exit', resolve));
