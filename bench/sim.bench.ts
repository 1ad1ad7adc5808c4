/**
 * Simulator throughput: pages per second of Binance `/api/v3/klines?interval=1m&limit=1000`
 * (consecutive distinct ranges, no faults, rate limits off), fetched with undici `request` from the
 * same process with a few requests in flight; baseline: a bare node:http server answering a static
 * JSON body of the same size, measured in the same run. Goal: ≥ 2,000 pages/s.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { Agent, request } from 'undici';
import { startSimulator } from '../src/sim/index.js';

const IN_FLIGHT = 4;
const DURATION_MS = 4_000;
const NOW_MS = 1_767_225_600_000;
const PAGE_MS = 1000 * 60_000;

async function drive(
  nextUrl: (i: number) => string,
  agent: Agent,
): Promise<{ pages: number; ms: number; bytes: number }> {
  let i = 0;
  let bytes = 0;
  const t0 = performance.now();
  const end = t0 + DURATION_MS;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await request(nextUrl(i++), { dispatcher: agent });
      const buf = await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      bytes += buf.byteLength;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const ms = performance.now() - t0;
  return { pages: i, ms, bytes };
}

const sim = await startSimulator({ exchange: 'binance', rateLimits: 'off' });
// Pages walk forward from 2018 (a fresh range each time: no response is served twice).
const startMs = Date.UTC(2018, 0, 1);
const pages = Math.floor((NOW_MS - startMs) / PAGE_MS);
const simUrl = (i: number) =>
  `${sim.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000&startTime=${startMs + (i % pages) * PAGE_MS}`;

const agent = new Agent({ connections: IN_FLIGHT, pipelining: 1 });
// Warm up (JIT) and take one page as the baseline's body.
const warm = await drive(simUrl, agent);
void warm;
const sample = await (await request(simUrl(12_345), { dispatcher: agent })).body.text();
const simRun = await drive((i) => simUrl(i + 100_000), agent);
await sim.close();

const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sample) });
  res.end(sample);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
await drive(() => bareUrl, agent);
const bareRun = await drive(() => bareUrl, agent);
bare.closeAllConnections();
bare.close();
await agent.close();

const rate = (r: { pages: number; ms: number }) => (r.pages / r.ms) * 1000;
const simRate = rate(simRun);
const bareRate = rate(bareRun);
console.log(`| | pages/s | bars/s | MB/s |
|---|---:|---:|---:|
| simulator, Binance klines 1m limit=1000 | ${simRate.toFixed(0)} | ${(simRate * 1000).toFixed(0)} | ${((simRun.bytes / simRun.ms) * 1e-3).toFixed(1)} |
| bare node:http, static ${sample.length}-byte body | ${bareRate.toFixed(0)} | — | ${((bareRun.bytes / bareRun.ms) * 1e-3).toFixed(1)} |

Simulator / bare: ${(simRate / bareRate).toFixed(2)}. Goal ≥ 2,000 pages/s: ${simRate >= 2000 ? 'met' : 'NOT met'}.
${IN_FLIGHT} in flight, ${DURATION_MS / 1000} s per run, client in the same process. Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}.`);
