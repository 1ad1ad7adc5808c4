/**
 * PostgreSQL sink throughput: rows/s of `tickwire trades ... --sink postgres://...` (a child process
 * downloading from the simulator and loading the database) against a bare `COPY ... FROM STDIN` of the same
 * trades as CSV by `psql`, in the same run, on the same throwaway server.
 *
 * - The CLI is the built one (`node dist/cli/main.js`, as installed; built first), not tsx, whose start-up
 *   compile (~0.5 s) would count against the CLI and not against psql.
 * - The simulator runs in this process with rate limits off (and the CLI's limiter scaled out of the way),
 *   behind a pre-rendering proxy (`helpers/replay-server.ts`): untimed warm-up runs record the pages and
 *   index their trades, the timed runs are answered from memory (also pages no warm-up asked for, from the
 *   indexed trades; the counts are printed). On this 2-core machine the simulator's page rendering would
 *   otherwise take CPU from the CLI and the database; a real exchange costs the client's machine nothing.
 * - The CSV is what `tickwire trades ... --out` writes; that run is timed too: the download alone, the
 *   bound of any sink (the sink run does the same download and the load on top of it).
 * - Baselines: `psql -c "COPY ... FROM STDIN (FORMAT csv, HEADER)" < trades.csv` into (a) a table with the
 *   same columns, primary key and index as the sink's `trades` table (exchange and symbol as defaults) and
 *   (b) the same columns without any key or index.
 * - Each measurement REPEAT times, the kinds interleaved (so a busy moment of the machine hits all of them),
 *   every table empty and checkpointed first; medians reported.
 * - Goal: sink / baseline (a) ≥ 0.7.
 *
 * `TICKWIRE_BENCH_PG_HOURS` (default 4) sets the range; `TICKWIRE_BENCH_PG_REPEAT` (default 3) the runs;
 * `TICKWIRE_BENCH_PG_ROOT` another checkout whose built CLI and sink to measure (an A/B of two versions);
 * `TICKWIRE_BENCH_PG_LIVE_SIM=1` serves the CLI from the simulator directly (the earlier method).
 *
 * Run: `npm run bench -- postgres`
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatIsoNs } from '../src/core/time.js';
import { startSimulator } from '../src/sim/index.js';
import type { PostgresSink as Sink } from '../src/sinks/postgres/index.js';
import { PostgresTestServer } from '../test/helpers/postgres-server.js';
import { startReplayServer } from './helpers/replay-server.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(process.env.TICKWIRE_BENCH_PG_ROOT ?? HERE);
const SIM_NOW = 1_767_225_600_000_000_000n;
const HOUR = 3_600_000_000_000n;
const HOURS = Number(process.env.TICKWIRE_BENCH_PG_HOURS ?? 4);
const REPEAT = Number(process.env.TICKWIRE_BENCH_PG_REPEAT ?? 3);
const LIVE_SIM = process.env.TICKWIRE_BENCH_PG_LIVE_SIM === '1';

type Timed = { seconds: number; stderr: string; maxRssMb?: number };

function run(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: [options.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'],
    });
    if (options.stdin && child.stdin) createReadStream(options.stdin).pipe(child.stdin);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr}`));
      const rss = /tickwire-maxrss-kb (\d+)/.exec(stderr);
      resolvePromise({ seconds, stderr, ...(rss ? { maxRssMb: Number(rss[1]) / 1024 } : {}) });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const build = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { cwd: ROOT, stdio: 'inherit' },
);
if (build.status !== 0) throw new Error('the build failed');
const { PostgresSink } = (await import(pathToFileURL(join(ROOT, 'dist/sinks/postgres/index.js')).href)) as {
  PostgresSink: typeof Sink;
};

const sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, rateLimits: 'off' });
const replay = LIVE_SIM ? undefined : await startReplayServer(sim.url);
const server = await PostgresTestServer.start();
const dir = await mkdtemp(join(tmpdir(), 'tickwire-pg-bench-'));
try {
  const from = formatIsoNs(SIM_NOW - BigInt(HOURS) * HOUR);
  const to = formatIsoNs(SIM_NOW);
  const truth = sim.truth.trades('BTCUSDT', SIM_NOW - BigInt(HOURS) * HOUR, SIM_NOW);
  const rows = truth.length;
  const cli = ['dist/cli/main.js', 'trades', 'binance', 'BTCUSDT', '--from', from, '--to', to];
  const common = [...cli, '--base-url', replay?.url ?? sim.url, '--rate-scale', '1000', '--quiet'];
  const csv = join(dir, 'trades.csv');
  const env = { TICKWIRE_REPORT_MAXRSS: '1' };

  // Warm-up (untimed): writes the CSV and, through the proxy, records the pages. Twice: the download sizes
  // some of its time windows from how fast pages come, so a later run asks for some windows anew.
  for (let i = 0; i < (replay ? 2 : 1); i++) {
    await run(process.execPath, [...common, '--out', csv, '--force'], { env });
  }
  const recorded = replay?.misses ?? 0;
  const indexed = replay?.index() ?? 0;
  replay?.resetCounts();
  const csvMb = (await stat(csv)).size / 2 ** 20;
  const fileRuns: number[] = [];

  const psql = (sql: string, stdin?: string): Promise<Timed> =>
    run(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        server.dir,
        '-p',
        String(server.port),
        '-U',
        'tickwire',
        '-d',
        'postgres',
        '-c',
        sql,
      ],
      {
        ...(stdin ? { stdin } : {}),
      },
    );
  /** The sink alone: the same trades from memory, in this process (no download, no CLI). */
  const loadOnly = async (): Promise<number> => {
    const started = performance.now();
    const sink = await PostgresSink.open({
      url: server.url(),
      kind: 'trades',
      exchange: 'binance',
      symbol: 'BTC/USDT',
    });
    for (const t of truth) {
      const w = sink.write(t);
      if (w) await w;
    }
    await sink.end();
    return (performance.now() - started) / 1000;
  };
  const loadRuns: number[] = [];
  const sinkRuns: number[] = [];
  const sinkRss: number[] = [];
  const sameTable: number[] = [];
  const keyless: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    fileRuns.push((await run(process.execPath, [...common, '--out', csv, '--force'], { env })).seconds);
    // Each measurement starts from empty tables (and a checkpoint, so none pays for another's WAL).
    await server.query('DROP TABLE IF EXISTS trades, copy_same, copy_bare');
    await server.query('CHECKPOINT');
    const r = await run(process.execPath, [...common, '--sink', server.url()], { env });
    sinkRuns.push(r.seconds);
    if (r.maxRssMb) sinkRss.push(r.maxRssMb);
    const [{ n }] = (await server.query<{ n: string }>('SELECT count(*) AS n FROM trades')) as [
      { n: string },
    ];
    if (Number(n) !== rows) throw new Error(`sink stored ${n} rows, expected ${rows}`);

    await server.query('DROP TABLE trades');
    await server.query('CHECKPOINT');
    loadRuns.push(await loadOnly());

    await server.query(
      `CREATE TABLE copy_same (
        exchange text NOT NULL DEFAULT 'binance', symbol text NOT NULL DEFAULT 'BTC/USDT',
        ts_ns bigint NOT NULL, time timestamptz NOT NULL, id text NOT NULL, price numeric NOT NULL,
        amount numeric NOT NULL, side text NOT NULL, PRIMARY KEY (exchange, symbol, id))`,
    );
    await server.query('CREATE INDEX ON copy_same (exchange, symbol, ts_ns)');
    await server.query('CHECKPOINT');
    sameTable.push(
      (
        await psql(
          'COPY copy_same (ts_ns, time, id, price, amount, side) FROM STDIN (FORMAT csv, HEADER)',
          csv,
        )
      ).seconds,
    );
    await server.query(
      'CREATE TABLE copy_bare (ts_ns bigint, time timestamptz, id text, price numeric, amount numeric, side text)',
    );
    await server.query('CHECKPOINT');
    keyless.push((await psql('COPY copy_bare FROM STDIN (FORMAT csv, HEADER)', csv)).seconds);
    const [{ m }] = (await server.query<{ m: string }>('SELECT count(*) AS m FROM copy_same')) as [
      { m: string },
    ];
    if (Number(m) !== rows) throw new Error(`the CSV held ${m} trades, expected ${rows}`);
  }
  const rate = (s: number): number => rows / s;
  const sinkRate = rate(median(sinkRuns));
  const sameRate = rate(median(sameTable));
  const bareRate = rate(median(keyless));
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const [version] = (await server.query<{ v: string }>("SELECT current_setting('server_version') AS v")) as [
    { v: string },
  ];
  console.log(
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, PostgreSQL ${version.v}, ` +
      `load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')}`,
  );
  console.log(
    `${fmt(rows)} Binance trades (${HOURS} h of the simulator, ${csvMb.toFixed(0)} MiB of CSV); medians of ${REPEAT} runs; ` +
      'server with fsync=off (test harness), same server for every run; the built CLI; ' +
      (replay
        ? `simulator pages pre-rendered (${recorded} recorded in the warm-up, ${indexed} aggTrades rows indexed; timed runs: ${replay.hits} from memory, ${replay.misses} forwarded).\n`
        : 'simulator rendering every page (in the benchmark process).\n'),
  );
  console.log('| what | median wall time | rows/s | vs psql COPY (same table) |');
  console.log('|---|---:|---:|---:|');
  const line = (what: string, s: number): void =>
    console.log(`| ${what} | ${s.toFixed(2)} s | ${fmt(rate(s))} | ${(rate(s) / sameRate).toFixed(2)} |`);
  line('`tickwire trades --sink postgres://…` (download + load)', median(sinkRuns));
  line('`PostgresSink` alone, fed from memory (load only, reference)', median(loadRuns));
  line("`psql` COPY of the CSV into a table like the sink's (same key and index)", median(sameTable));
  line('`psql` COPY of the CSV into a table without key or index', median(keyless));
  line('`tickwire trades --out trades.csv` (download only, reference)', median(fileRuns));
  if (sinkRss.length) console.log(`\nPeak RSS of the CLI with --sink: ${median(sinkRss).toFixed(0)} MiB.`);
  const ratio = sinkRate / sameRate;
  const fileRate = rate(median(fileRuns));
  const loadRate = rate(median(loadRuns));
  console.log(`\nRatios (rows/s over rows/s; psql = psql COPY into the same kind of table):`);
  console.log(
    `- sink / psql: **${ratio.toFixed(2)}** (goal ≥ 0.7); sink / psql COPY without key: ${(sinkRate / bareRate).toFixed(2)}`,
  );
  console.log(
    `- download only / psql: ${(fileRate / sameRate).toFixed(2)} (the bound: the sink run does this download and the load on top)`,
  );
  console.log(
    `- sink / download only: ${(sinkRate / fileRate).toFixed(2)} (what loading costs on top of downloading)`,
  );
  console.log(`- load only / psql: ${(loadRate / sameRate).toFixed(2)} (the sink fed from memory)`);
  if (ratio < 0.7) {
    console.error('Goal missed: the sink loads below 0.7 × the rate of a bare psql COPY.');
    process.exitCode = 1;
  }
} finally {
  await server.close();
  await replay?.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
