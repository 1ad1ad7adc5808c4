/**
 * Simulator throughput: pages per second of Binance `/api/v3/klines?interval=1m&limit=1000`
 * (consecutive distinct ranges, no faults, rate limits off), fetched with undici `request` with a few
 * requests in flight. Baseline: a bare node:http server answering a static JSON body of the same size,
 * measured in the same run. Each is measured twice: with the client in a child process (its own core
 * and event loop: what the simulator itself sustains) and with the client in the server's process
 * (the two share one event loop, as in a test). Runs of the four alternate, three rounds, median of
 * each (the machine is shared and its load drifts). Goal: ≥ 2,000 pages/s. Env: `DURATION_MS` total
 * per variant (default 6000).
 *
 * The same file is the client when started with `SIM_BENCH_CLIENT=1` (it answers one message per run).
 */
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startSimulator } from '../src/sim/index.js';

const IN_FLIGHT = 4;
const DURATION_MS = Number(process.env.DURATION_MS ?? 6_000);
const ROUNDS = 3;
const NOW_MS = 1_767_225_600_000;
const PAGE_MS = 1000 * 60_000;
// Pages walk forward from 2018 (a fresh range each time: no response is served twice).
const START_MS = Date.UTC(2018, 0, 1);
const PAGES = Math.floor((NOW_MS - START_MS) / PAGE_MS);

/** What the client is asked to do: fetch `base` (static) or klines pages from `base` from page `from`. */
type Job = { base: string; kind: 'sim' | 'bare'; from: number; ms: number };
type Result = { pages: number; ms: number; bytes: number };

const urlOf = (job: Job, i: number) =>
  job.kind === 'bare'
    ? job.base
    : `${job.base}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000&startTime=${START_MS + ((job.from + i) % PAGES) * PAGE_MS}`;

const rate = (r: Result) => (r.pages / r.ms) * 1000;

async function drive(job: Job, agent: Agent): Promise<Result> {
  let i = 0;
  let bytes = 0;
  const t0 = performance.now();
  const end = t0 + job.ms;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await request(urlOf(job, i++), { dispatcher: agent });
      const buf = await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      bytes += buf.byteLength;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { pages: i, ms: performance.now() - t0, bytes };
}

if (process.env.SIM_BENCH_CLIENT === '1') {
  // Client process: one Agent for its lifetime, one run per message.
  const agent = new Agent({ connections: IN_FLIGHT, pipelining: 1 });
  process.on('message', (job: Job | 'exit') => {
    if (job === 'exit') {
      void agent.close().then(() => process.exit(0));
      return;
    }
    void drive(job, agent).then((r) => process.send?.(r));
  });
} else {
  await main();
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, SIM_BENCH_CLIENT: '1' },
    execArgv: ['--import', 'tsx'],
  });
  const remote = (job: Job) =>
    new Promise<Result>((resolve) => {
      child.once('message', (r) => resolve(r as Result));
      child.send(job);
    });
  const agent = new Agent({ connections: IN_FLIGHT, pipelining: 1 });
  const local = (job: Job) => drive(job, agent);

  const sim = await startSimulator({ exchange: 'binance', rateLimits: 'off' });
  // Warm up (JIT) and take one page as the baseline's body.
  await local({ base: sim.url, kind: 'sim', from: 0, ms: 2_000 });
  await remote({ base: sim.url, kind: 'sim', from: 0, ms: 1_000 });
  const sample = await (
    await request(urlOf({ base: sim.url, kind: 'sim', from: 12_345, ms: 0 }, 0))
  ).body.text();
  const bare: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sample) });
    res.end(sample);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareBase = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  await remote({ base: bareBase, kind: 'bare', from: 0, ms: 1_000 });
  await local({ base: bareBase, kind: 'bare', from: 0, ms: 1_000 });

  // Interleaved rounds (the machine is shared: load drifts), median of each.
  const runs: Record<'simRemote' | 'bareRemote' | 'simLocal' | 'bareLocal', Result[]> = {
    simRemote: [],
    bareRemote: [],
    simLocal: [],
    bareLocal: [],
  };
  let from = 100_000;
  for (let round = 0; round < ROUNDS; round++) {
    const ms = DURATION_MS / ROUNDS;
    runs.simRemote.push(await remote({ base: sim.url, kind: 'sim', from, ms }));
    from += 50_000;
    runs.bareRemote.push(await remote({ base: bareBase, kind: 'bare', from: 0, ms }));
    runs.simLocal.push(await local({ base: sim.url, kind: 'sim', from, ms }));
    from += 50_000;
    runs.bareLocal.push(await local({ base: bareBase, kind: 'bare', from: 0, ms }));
  }
  await sim.close();
  bare.closeAllConnections();
  bare.close();
  await agent.close();
  child.send('exit');

  const median = (rs: Result[]) => [...rs].sort((x, y) => rate(x) - rate(y))[rs.length >> 1]!;
  const simRemote = median(runs.simRemote);
  const bareRemote = median(runs.bareRemote);
  const simLocal = median(runs.simLocal);
  const bareLocal = median(runs.bareLocal);
  const mb = (r: Result) => ((r.bytes / r.ms) * 1e-3).toFixed(1);
  const row = (name: string, r: Result, bars: boolean) =>
    `| ${name} | ${rate(r).toFixed(0)} | ${bars ? (rate(r) * 1000).toFixed(0) : '—'} | ${mb(r)} |`;
  const remoteRatio = rate(simRemote) / rate(bareRemote);
  const localRatio = rate(simLocal) / rate(bareLocal);
  console.log(`| | pages/s | bars/s | MB/s |
|---|---:|---:|---:|
${row('simulator, client in a child process', simRemote, true)}
${row('bare node:http, client in a child process', bareRemote, false)}
${row('simulator, client in the same process', simLocal, true)}
${row('bare node:http, client in the same process', bareLocal, false)}

Simulator / bare: ${remoteRatio.toFixed(2)} (child-process client), ${localRatio.toFixed(2)} (same-process client).
Goal ≥ 2,000 pages/s (child-process client): ${rate(simRemote) >= 2000 ? 'met' : 'NOT met'}.
Binance klines 1m limit=1000, body ${sample.length} bytes; ${IN_FLIGHT} in flight, median of ${ROUNDS} interleaved runs of ${DURATION_MS / ROUNDS / 1000} s each.
Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}.`);
}
