/**
 * Downloads against the rate-limit ceiling: a year of Binance 1m candles and hours of trades from the
 * simulator with 50 ms latency and Binance's real limits (6000 weight per minute), timed against the
 * ceiling those limits allow and against ccxt (`paginate: true`) on the same simulator in the same run.
 *
 * Trades run twice: with the default concurrent slices and with `concurrency: 1` (one cursor, the old path).
 *
 * Env: `DAYS` (candle range, default 365), `TRADE_HOURS` (default 6), `SKIP_CCXT=1`.
 */
import { cpus } from 'node:os';
import ccxt from 'ccxt';
import { BINANCE_RATE } from '../src/adapters/binance/capabilities.js';
import { download } from '../src/download/index.js';
import { startSimulator } from '../src/sim/index.js';

const S = 1_000_000_000n;
const NOW = 1_767_225_600_000_000_000n;
const DAYS = Number(process.env['DAYS'] ?? 365);
const TRADE_HOURS = Number(process.env['TRADE_HOURS'] ?? 6);
const WEIGHT_PER_S = 6000 / 60;

type Row = { what: string; client: string; items: number; pages: number; seconds: number; ceilingS: number };
const rows: Row[] = [];

async function ours(kind: 'ohlc' | 'trades', start: bigint, end: bigint, concurrency?: number): Promise<Row> {
  const sim = await startSimulator({ exchange: 'binance', faults: { latencyMs: 50 } });
  try {
    const t0 = performance.now();
    let items = 0;
    const dl =
      kind === 'ohlc'
        ? download.ohlc({ exchange: 'binance', symbol: 'BTC/USDT', span: '1m', start, end, baseUrl: sim.url })
        : download.trades({
            exchange: 'binance',
            symbol: 'BTC/USDT',
            start,
            end,
            baseUrl: sim.url,
            ...(concurrency ? { concurrency } : {}),
          });
    for await (const _ of dl) items++;
    const seconds = (performance.now() - t0) / 1000;
    const path = kind === 'ohlc' ? '/api/v3/klines' : '/api/v3/aggTrades';
    const pages = sim.stats().byPath[path] ?? 0;
    const stats = sim.stats();
    if (stats.status429 || stats.status418)
      console.error(`tickwire ${kind}: ${stats.status429}×429 ${stats.status418}×418`);
    const client = concurrency ? `tickwire (concurrency ${concurrency})` : 'tickwire';
    return { what: kind, client, items, pages, seconds, ceilingS: ceiling(kind, pages) };
  } finally {
    await sim.close();
  }
}

/**
 * Seconds the sustained limit needs for `pages`: weight ÷ 100 weight/s (klines 50 pages/s, aggTrades
 * 25 pages/s). A client that spent Binance's whole minute window at once could beat it for a few
 * seconds, then wait for the next window; over a long download the sustained rate is the ceiling.
 */
function ceiling(kind: 'ohlc' | 'trades', pages: number): number {
  return (pages * (kind === 'ohlc' ? 2 : 4)) / WEIGHT_PER_S;
}

type Ccxt = {
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number, params?: object): Promise<number[][]>;
  fetchTrades(s: string, since?: number, limit?: number, params?: object): Promise<unknown[]>;
  loadMarkets(): Promise<unknown>;
};

async function viaCcxt(kind: 'ohlc' | 'trades', start: bigint, end: bigint): Promise<Row> {
  const sim = await startSimulator({ exchange: 'binance', faults: { latencyMs: 50 } });
  try {
    const Ctor = (ccxt as unknown as Record<string, new (c: object) => Ccxt>)['binance']!;
    const client = new Ctor({
      enableRateLimit: true,
      urls: { api: { public: `${sim.url}/api/v3` } },
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    });
    await client.loadMarkets();
    const since = Number(start / 1_000_000n);
    const until = Number(end / 1_000_000n) - 1;
    const params = { paginate: true, paginationCalls: 100_000, maxEntriesPerRequest: 1000, until };
    const t0 = performance.now();
    const items =
      kind === 'ohlc'
        ? (await client.fetchOHLCV('BTC/USDT', '1m', since, undefined, params)).length
        : (await client.fetchTrades('BTC/USDT', since, undefined, params)).length;
    const seconds = (performance.now() - t0) / 1000;
    const path = kind === 'ohlc' ? '/api/v3/klines' : '/api/v3/aggTrades';
    const pages = sim.stats().byPath[path] ?? 0;
    return { what: kind, client: 'ccxt 4.5', items, pages, seconds, ceilingS: ceiling(kind, pages) };
  } finally {
    await sim.close();
  }
}

const candleStart = NOW - BigInt(DAYS) * 86_400n * S;
const tradeStart = NOW - BigInt(TRADE_HOURS * 3600) * S;
rows.push(await ours('ohlc', candleStart, NOW));
rows.push(await ours('trades', tradeStart, NOW));
rows.push(await ours('trades', tradeStart, NOW, 1));
if (!process.env['SKIP_CCXT']) {
  rows.push(await viaCcxt('ohlc', candleStart, NOW));
  rows.push(await viaCcxt('trades', tradeStart, NOW));
}

console.log(
  `Machine: ${cpus().length} cores, node ${process.version}. Simulator: Binance dialect, 50 ms latency, real limits`,
);
console.log(
  `(6000 weight/min, klines 2, aggTrades 4). tickwire: fixed window ${BINANCE_RATE.limit} per ${(BINANCE_RATE as { windowMs: number }).windowMs} ms.`,
);
console.log(`Candles: ${DAYS} days of 1m BTC/USDT; trades: ${TRADE_HOURS} h.\n`);
console.log('| data | client | records | pages | time (s) | ceiling (s) | ceiling / time |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.what} | ${r.client} | ${r.items} | ${r.pages} | ${r.seconds.toFixed(2)} | ${r.ceilingS.toFixed(2)} | ${(r.ceilingS / r.seconds).toFixed(2)} |`,
  );
}
