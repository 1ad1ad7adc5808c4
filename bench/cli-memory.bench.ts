/**
 * CLI memory: peak RSS of `tickwire trades ... --out file.csv` (a child process) downloading 2 M trades,
 * against the same CLI downloading 200 k trades (the baseline, same run). Memory must stay roughly flat:
 * the CLI streams pages to the file with backpressure and keeps nothing per record.
 *
 * The CLI is the built one (`node dist/cli/main.js`, as installed; built first with `tsc -p
 * tsconfig.build.json`), not tsx, whose compiler would add its own memory. The simulator runs in this (the
 * benchmark's) process with rate limits off, so the child's RSS is the CLI's alone; the child reports
 * `process.resourceUsage().maxRSS` on exit (TICKWIRE_REPORT_MAXRSS=1). Goal: ≤ 160 MiB for 2 M trades.
 *
 * Run: `npm run bench -- cli-memory`
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIsoNs } from '../src/core/time.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { BUILT_CLI, buildCli } from './helpers/built-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIM_NOW = 1_767_225_600_000_000_000n;
const S = 1_000_000_000n;
const HOUR = 3600n * S;

type Run = {
  label: string;
  trades: number;
  maxRssMb: number;
  seconds: number;
  fileMb: number;
  code: number | null;
};

/** The start that puts about `target` trades before the simulator's clock (the market's pace varies). */
function startFor(truth: RunningSimulator['truth'], target: number): bigint {
  let start = SIM_NOW;
  let count = 0;
  while (count < target) {
    const hour = truth.trades('BTCUSDT', start - HOUR, start);
    if (count + hour.length >= target) {
      const first = hour[hour.length - (target - count)];
      return first ? first.tsNs : start - HOUR;
    }
    count += hour.length;
    start -= HOUR;
  }
  return start;
}

async function runOnce(label: string, target: number, sim: RunningSimulator, dir: string): Promise<Run> {
  const url = sim.url;
  const from = formatIsoNs(startFor(sim.truth, target));
  const to = formatIsoNs(SIM_NOW);
  const out = join(dir, `${label}.csv`);
  const args = [...BUILT_CLI, 'trades', 'binance', 'BTCUSDT', '--from', from, '--to', to];
  args.push('--base-url', url, '--out', out, '--force');
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TICKWIRE_REPORT_MAXRSS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  const elapsed = (performance.now() - started) / 1000;
  const rss = /tickwire-maxrss-kb (\d+)/.exec(stderr);
  const rows = /trades: (\d+) rows →/.exec(stderr);
  if (code !== 0 || !rss || !rows) throw new Error(`${label}: exit ${code}\n${stderr}`);
  const fileMb = (await stat(out)).size / 2 ** 20;
  await rm(out, { force: true });
  return {
    label,
    trades: Number(rows[1]),
    maxRssMb: Number(rss[1]) / 1024,
    seconds: elapsed,
    fileMb,
    code,
  };
}

const GOAL_MB = 160;
buildCli();
const sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, rateLimits: 'off' });
const dir = await mkdtemp(join(tmpdir(), 'tickwire-cli-bench-'));
try {
  const baseline = await runOnce('200k', 200_000, sim, dir);
  const big = await runOnce('2M', 2_000_000, sim, dir);
  const rows = [baseline, big];
  console.log(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  console.log(
    'Simulator in the benchmark process, rate limits off; the built CLI (node dist/cli/main.js) as a child process writing CSV.\n',
  );
  console.log('| run | trades | CSV size | wall time | trades/s | peak RSS (maxRSS) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label === '200k' ? '200 k (baseline)' : '2 M'} | ${r.trades.toLocaleString('en-US')} | ${r.fileMb.toFixed(0)} MiB | ` +
        `${r.seconds.toFixed(1)} s | ${Math.round(r.trades / r.seconds).toLocaleString('en-US')} | ${r.maxRssMb.toFixed(1)} MiB |`,
    );
  }
  const ratio = big.maxRssMb / baseline.maxRssMb;
  console.log(
    `\nPeak RSS ratio 2 M / 200 k: ${ratio.toFixed(2)} (for ${(big.trades / baseline.trades).toFixed(1)}× the trades)`,
  );
  console.log(
    `Goal: 2 M trades at ≤ ${GOAL_MB} MiB peak RSS: ${big.maxRssMb <= GOAL_MB ? 'met' : 'NOT met'}.`,
  );
  if (ratio > 1.5) {
    console.error('Peak RSS grew with the number of trades: memory is not bounded.');
    process.exitCode = 1;
  }
} finally {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
