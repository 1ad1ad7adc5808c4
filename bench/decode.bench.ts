/**
 * The Binance page decoders (`adapters/binance/decode.ts`) against the path they stand in for,
 * `JSON.parse` + the validating parsers (`parse.ts`), on pages the simulator serves: 1,000 klines and
 * 1,000 aggTrades. Both sides run alternately in one process, after a warm-up; the report gives the
 * median ns per record and the ratio (JSON path ÷ decoder). `ROUNDS` (default 15) and `REPS` (pages per
 * round, default 200) change the load.
 *
 * `npm run bench -- decode`
 */
import { cpus } from 'node:os';
import { decodeBinanceAggTrades, decodeBinanceKlines } from '../src/adapters/binance/decode.js';
import { aggTradesPage, parseBinanceAggTrades, parseBinanceKlines } from '../src/adapters/binance/parse.js';
import { startSimulator } from '../src/sim/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const REPS = Number(process.env.REPS ?? 200);
const START_MS = 1_767_139_200_000; // 2025-12-31T00:00:00Z, inside the simulator's history

async function pages(): Promise<{ klines: Uint8Array; aggTrades: Uint8Array }> {
  const sim = await startSimulator({ exchange: 'binance', rateLimits: 'off' });
  try {
    const get = async (path: string) =>
      new Uint8Array(await (await fetch(`${sim.url}${path}`)).arrayBuffer());
    return {
      klines: await get(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${START_MS}&limit=1000`),
      aggTrades: await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${START_MS}&limit=1000`),
    };
  } finally {
    await sim.close();
  }
}

/** Median ns per record of `f` over the rounds, and the records a page holds. */
function timeIt(f: () => number): { ns: number[]; records: number } {
  let records = 0;
  const ns: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < REPS; k++) records = f();
    ns.push(Number(process.hrtime.bigint() - t0) / REPS / records);
  }
  return { ns, records };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

async function main(): Promise<void> {
  const body = await pages();
  const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  const cases = [
    {
      what: 'klines, 1,000 a page',
      json: () => parseBinanceKlines(JSON.parse(latin1(body.klines))).length,
      fast: () => decodeBinanceKlines(body.klines)?.bars.length ?? 0,
    },
    {
      what: 'aggTrades, 1,000 a page',
      json: () => aggTradesPage(parseBinanceAggTrades(JSON.parse(latin1(body.aggTrades)))).trades.length,
      fast: () => decodeBinanceAggTrades(body.aggTrades)?.trades.length ?? 0,
    },
  ];
  console.log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ROUNDS=${ROUNDS}, REPS=${REPS}\n`,
  );
  console.log(
    '| page | records | JSON.parse + parse.ts (ns/record) | decoder (ns/record) | JSON ÷ decoder |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const c of cases) {
    if (c.fast() === 0 || c.fast() !== c.json())
      throw new Error(`${c.what}: the decoder did not take the page`);
    timeIt(c.json); // warm-up of both paths
    timeIt(c.fast);
    const json: number[] = [];
    const fast: number[] = [];
    let records = 0;
    for (let r = 0; r < 3; r++) {
      const a = timeIt(c.json);
      const b = timeIt(c.fast);
      json.push(...a.ns);
      fast.push(...b.ns);
      records = b.records;
    }
    const j = median(json);
    const f = median(fast);
    console.log(`| ${c.what} | ${records} | ${j.toFixed(0)} | ${f.toFixed(0)} | ${(j / f).toFixed(2)} |`);
  }
}

await main();
