/**
 * The recorder's write path, CPU per record, against writing the same records to JSONL in the same run:
 *
 * - **recorder**: records through a `SeriesWriter` (journal line per record, `writeSync` every 100 ms,
 *   fsync every second), rotating hourly: each hour's journal is read back, encoded as zstd Parquet and
 *   committed into the archive (lock, rename, fsync, completeness record).
 * - **jsonl**: the same records as JSON lines through a file write stream (the `stream` commands' output).
 *
 * Records: ground-truth Binance trades (BTCUSDT, 20 trades/s: several hours of market time) and book rows
 * (10 level changes per 100 ms update, a random walk). Reported: CPU (user + system) per record and the
 * records per second one core sustains, median of ROUNDS.
 *
 * Run: `npm run bench -- record` (TRADES=300000 BOOK=300000 ROUNDS=3 to change the load).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BookRow, KindId, RecordOfKind } from '../src/core/kinds.js';
import { SeriesWriter } from '../src/record/series.js';
import { startSimulator } from '../src/sim/index.js';
import { jsonLine } from '../src/sinks/format.js';

const TRADES = Number(process.env.TRADES ?? 300_000);
const BOOK = Number(process.env.BOOK ?? 300_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const START = 1_767_225_600_000_000_000n;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function viaRecorder<K extends KindId>(kind: K, records: readonly RecordOfKind<K>[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-bench-record-'));
  try {
    globalThis.gc?.();
    const c0 = cpuMs();
    const w = new SeriesWriter<K>({
      dir,
      key: { exchange: 'binance', kind, symbol: 'BTCUSDT' },
      rotateS: 3600,
    });
    for (const r of records) w.write(r);
    const last = (records.at(-1) as { tsNs: bigint }).tsNs;
    await w.close(last + 1n);
    return cpuMs() - c0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function viaJsonl<K extends KindId>(kind: K, records: readonly RecordOfKind<K>[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tickwire-bench-jsonl-'));
  try {
    globalThis.gc?.();
    const c0 = cpuMs();
    const out = createWriteStream(join(dir, 'out.jsonl'));
    for (const r of records) {
      if (!out.write(jsonLine(kind, r))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return cpuMs() - c0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function bookRows(n: number): BookRow[] {
  const rows: BookRow[] = [];
  let mid = 42_000;
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let u = 0; rows.length < n; u++) {
    mid += (rnd() - 0.5) * 2;
    const tsNs = START + BigInt(u) * 100_000_000n;
    for (let i = 0; i < 10 && rows.length < n; i++) {
      const side = i % 2 ? 'bid' : 'ask';
      const price =
        Math.round((mid + (side === 'bid' ? -1 : 1) * (1 + Math.floor(rnd() * 20)) * 0.01) * 100) / 100;
      const amount = rnd() < 0.2 ? 0 : Math.round(rnd() * 5000) / 1000;
      rows.push({
        tsNs,
        recvNs: tsNs + 3_000_000n,
        updateId: BigInt(u),
        side,
        price,
        amount,
        isSnapshot: false,
      });
    }
  }
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const sim = await startSimulator({
    exchange: 'binance',
    rateLimits: 'off',
    now: START + 24n * 3_600_000_000_000n,
  });
  const hours = Math.ceil(TRADES / (20 * 3600)) + 1;
  const trades = sim.truth
    .trades('BTCUSDT', START, START + BigInt(hours) * 3_600_000_000_000n)
    .slice(0, TRADES);
  await sim.close();
  const book = bookRows(BOOK);
  const rows: string[] = [];
  for (const [kind, records] of [
    ['trades', trades],
    ['book', book],
  ] as const) {
    const rec: number[] = [];
    const jsonl: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      jsonl.push(await viaJsonl(kind, records as never));
      rec.push(await viaRecorder(kind, records as never));
    }
    const r = median(rec);
    const j = median(jsonl);
    const spanH = Number((records.at(-1)!.tsNs - records[0]!.tsNs) / 3_600_000_000_000n) + 1;
    rows.push(
      `| ${kind} | ${records.length.toLocaleString('en-US')} (${spanH} hourly files) | ${((r * 1000) / records.length).toFixed(2)} µs | ${((j * 1000) / records.length).toFixed(2)} µs | ${(r / j).toFixed(2)}× | ${Math.round((records.length / r) * 1000).toLocaleString('en-US')} | ${Math.round((records.length / j) * 1000).toLocaleString('en-US')} |`,
    );
  }
  console.log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ROUNDS=${ROUNDS} (median)\n`,
  );
  console.log(
    '| kind | records | recorder CPU/record | JSONL CPU/record | ratio | recorder records/s (one core) | JSONL records/s |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
