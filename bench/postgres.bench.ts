/**
 * PostgreSQL sink throughput: rows/s of `tickwire trades ... --sink postgres://...` (a child process
 * downloading from the simulator and loading the database) against a bare `COPY ... FROM STDIN` of the same
 * trades as CSV by `psql`, in the same run, on the same throwaway server.
 *
 * - The simulator runs in this process with rate limits off (and the CLI's limiter scaled out of the way),
 *   so the CLI's time is download + parse + load.
 * - The CSV is what `tickwire trades ... --out` writes (timed too, as a reference: the download alone).
 * - Baselines: `psql -c "COPY ... FROM STDIN (FORMAT csv, HEADER)" < trades.csv` into (a) a table with the
 *   same columns, primary key and index as the sink's `trades` table (exchange and symbol as defaults) and
 *   (b) the same columns without any key or index. Each measured three times; medians reported.
 * - Goal: sink / baseline (a) ≥ 0.7.
 *
 * Run: `npm run bench -- postgres`
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIsoNs } from '../src/core/time.js';
import { startSimulator } from '../src/sim/index.js';
import { PostgresSink } from '../src/sinks/postgres/index.js';
import { PostgresTestServer } from '../test/helpers/postgres-server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIM_NOW = 1_767_225_600_000_000_000n;
const HOUR = 3_600_000_000_000n;
const HOURS = Number(process.env.TICKWIRE_BENCH_PG_HOURS ?? 4);
const REPEAT = 3;

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

const sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW, rateLimits: 'off' });
const server = await PostgresTestServer.start();
const dir = await mkdtemp(join(tmpdir(), 'tickwire-pg-bench-'));
try {
  const from = formatIsoNs(SIM_NOW - BigInt(HOURS) * HOUR);
  const to = formatIsoNs(SIM_NOW);
  const rows = sim.truth.trades('BTCUSDT', SIM_NOW - BigInt(HOURS) * HOUR, SIM_NOW).length;
  const cli = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'trades',
    'binance',
    'BTCUSDT',
    '--from',
    from,
    '--to',
    to,
  ];
  const common = [...cli, '--base-url', sim.url, '--rate-scale', '1000', '--quiet'];
  const csv = join(dir, 'trades.csv');
  const env = { TICKWIRE_REPORT_MAXRSS: '1' };

  const fileRuns: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    fileRuns.push((await run(process.execPath, [...common, '--out', csv, '--force'], { env })).seconds);
  }
  const csvMb = (await stat(csv)).size / 2 ** 20;

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
  const truth = sim.truth.trades('BTCUSDT', SIM_NOW - BigInt(HOURS) * HOUR, SIM_NOW);
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
      'server with fsync=off (test harness), same server for every run.\n',
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
  console.log(
    `\nRatio sink / psql COPY (same table): ${ratio.toFixed(2)} (goal ≥ 0.7); sink / psql COPY (no key): ${(sinkRate / bareRate).toFixed(2)}.`,
  );
  console.log(
    `Sink / download-only (the cost of loading on top of downloading): ${(sinkRate / rate(median(fileRuns))).toFixed(2)}; ` +
      `sink alone / psql COPY (same table): ${(rate(median(loadRuns)) / sameRate).toFixed(2)}.`,
  );
  if (ratio < 0.7) {
    console.error('Goal missed: the sink loads below 0.7 × the rate of a bare psql COPY.');
    process.exitCode = 1;
  }
} finally {
  await server.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
}
