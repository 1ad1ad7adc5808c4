/**
 * Downloads against Binance's real limits: the simulator (in its own process, as an exchange runs on its own
 * machine) with 50 ms latency and 6000 weight per clock minute per IP; tickwire against ccxt 4.5
 * (`paginate: true`, its own rate limiter) on a fresh simulator in the same run.
 *
 * - a year of 1m candles (526 pages of weight 2: a sixth of one window): time against ccxt and against the
 *   latency bound, requests × latency ÷ pages in flight (16); tickwire twice, cold (the first download in
 *   the process, as a CLI run) and warm (the same job again, on a fresh simulator);
 * - 6 h of trades (~660 pages of weight 4: fits one window): time against ccxt, records against the truth;
 * - a full day of trades (~2,650 pages: larger than one window), started at the top of a minute: time
 *   against the window ceiling, the time a client spending each whole window at the latency bound needs
 *   for the same pages from the same instant.
 *
 * For the candle rows the simulator renders the year's 1m rows at start (`prerender`, untimed) and copies
 * them into pages: rendering costs it ~1.5 ms of CPU a page, which on a 2-core machine is taken from the
 * client under test and kept even the bare client at ~0.7 of the latency bound (the latency bound assumes
 * a server that costs the client nothing). Limits, latency and the 429s are applied as to any request.
 * `PRERENDER=0` measures with rendering per page.
 *
 * Env: `DAYS` (candle range, default 365), `TRADE_HOURS` (default 6), `DAY_HOURS` (the large trades job,
 * default 24; 0 skips it), `SKIP_CCXT=1`, `PRERENDER=0`.
 */
import { cpus } from 'node:os';
import ccxt from 'ccxt';
import { Agent, request } from 'undici';
import { BINANCE_MAX_IN_FLIGHT, BINANCE_RATE } from '../src/adapters/binance/capabilities.js';
import { download } from '../src/download/index.js';
import { type SimProcess, startSimProcess } from './helpers/sim-process.js';

const S = 1_000_000_000n;
const NOW = 1_767_225_600_000_000_000n;
const DAYS = Number(process.env['DAYS'] ?? 365);
const TRADE_HOURS = Number(process.env['TRADE_HOURS'] ?? 6);
const DAY_HOURS = Number(process.env['DAY_HOURS'] ?? 24);
const LATENCY_S = 0.05;
const PRERENDER = process.env['PRERENDER'] !== '0';
const WINDOW_MS = 60_000;
const WINDOW_WEIGHT = 6000;

type Kind = 'ohlc' | 'trades';
type Row = {
  what: string;
  client: string;
  items: number;
  truth: number | undefined;
  pages: number;
  seconds: number;
  bound: { name: string; seconds: number } | undefined;
  throttled: number;
};
const rows: Row[] = [];

const weightOf = (kind: Kind): number => (kind === 'ohlc' ? 2 : 4);
const pathOf = (kind: Kind): string => (kind === 'ohlc' ? '/api/v3/klines' : '/api/v3/aggTrades');

/** A fresh simulator; for candles with the range's 1m rows rendered ahead (see the module doc). */
function sim(kind: Kind): Promise<SimProcess> {
  return startSimProcess({
    exchange: 'binance',
    faults: { latencyMs: LATENCY_S * 1000 },
    ...(kind === 'ohlc' && PRERENDER
      ? { prerender: { klines1m: [{ symbol: 'BTCUSDT', startNs: candleStart, endNs: NOW }] } }
      : {}),
  });
}

/** Requests × latency ÷ in flight: no client keeping 16 requests in flight can be faster. */
function latencyBound(pages: number): number {
  return (pages * LATENCY_S) / BINANCE_MAX_IN_FLIGHT;
}

/**
 * The window ceiling: from epoch ms `t0Ms`, a client that keeps 16 requests in flight (one round trip each)
 * while the current window has weight left, then waits for the next window, needs this long for `pages`
 * of `weight`. The whole 6000 of each window counts (no margin).
 */
function windowCeiling(t0Ms: number, pages: number, weight: number): number {
  const perWindow = Math.floor(WINDOW_WEIGHT / weight);
  const roundMs = LATENCY_S * 1000;
  let t = t0Ms;
  let left = pages;
  let windowStart = Math.floor(t0Ms / WINDOW_MS) * WINDOW_MS;
  let end = t0Ms;
  while (left > 0) {
    const windowEnd = windowStart + WINDOW_MS;
    let budget = perWindow;
    while (left > 0 && budget > 0 && t < windowEnd) {
      const batch = Math.min(BINANCE_MAX_IN_FLIGHT, left, budget);
      left -= batch;
      budget -= batch;
      end = t + roundMs;
      t += roundMs;
    }
    windowStart = windowEnd;
    if (left > 0) t = Math.max(t, windowStart);
  }
  return (end - t0Ms) / 1000;
}

async function ours(
  kind: Kind,
  start: bigint,
  end: bigint,
  what: string,
  atMinute = false,
  client = 'tickwire',
): Promise<Row> {
  const s = await sim(kind);
  try {
    if (atMinute) await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 20));
    const t0Ms = Date.now();
    const t0 = performance.now();
    let items = 0;
    const dl =
      kind === 'ohlc'
        ? download.ohlc({ exchange: 'binance', symbol: 'BTC/USDT', span: '1m', start, end, baseUrl: s.url })
        : download.trades({ exchange: 'binance', symbol: 'BTC/USDT', start, end, baseUrl: s.url });
    for await (const _ of dl) items++;
    const seconds = (performance.now() - t0) / 1000;
    const stats = await s.stats();
    const pages = stats.byPath[pathOf(kind)] ?? 0;
    const truth = kind === 'trades' ? await s.tradeCount('BTCUSDT', start, end) : (end - start) / (60n * S);
    const bound = atMinute
      ? { name: 'window ceiling', seconds: windowCeiling(t0Ms, pages, weightOf(kind)) }
      : { name: 'latency bound', seconds: latencyBound(pages) };
    if (atMinute) {
      const used = stats.windows.map((w) => w.used);
      console.error(`${what}: weight per window ${used.join(', ')} (start at +${t0Ms % WINDOW_MS} ms)`);
    }
    return {
      what,
      client,
      items,
      truth: Number(truth),
      pages,
      seconds,
      bound,
      throttled: stats.status429 + stats.status418,
    };
  } finally {
    await s.close();
  }
}

/**
 * The floor on this machine: bare undici fetching the same 526 klines pages 16 at a time, reading the body
 * and nothing else (no parsing, no limiter). What no client can beat against this simulator here.
 */
async function bare(start: bigint, end: bigint, what: string): Promise<Row> {
  const s = await sim('ohlc');
  const agent = new Agent({ connections: BINANCE_MAX_IN_FLIGHT });
  try {
    const startMs = Number(start / 1_000_000n);
    const endMs = Number(end / 1_000_000n);
    const pages = Math.ceil((endMs - startMs) / 60_000_000);
    let next = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < pages) {
        const from = startMs + next++ * 60_000_000;
        const url = `${s.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${from}&endTime=${Math.min(endMs, from + 60_000_000) - 1}&limit=1000`;
        const res = await request(url, { dispatcher: agent });
        await res.body.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: BINANCE_MAX_IN_FLIGHT }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const stats = await s.stats();
    return {
      what,
      client: 'bare undici (read bodies only)',
      items: 0,
      truth: undefined,
      pages: stats.byPath[pathOf('ohlc')] ?? 0,
      seconds,
      bound: { name: 'latency bound', seconds: latencyBound(pages) },
      throttled: stats.status429 + stats.status418,
    };
  } finally {
    await agent.close();
    await s.close();
  }
}

type Ccxt = {
  fetchOHLCV(s: string, tf: string, since?: number, limit?: number, params?: object): Promise<number[][]>;
  fetchTrades(s: string, since?: number, limit?: number, params?: object): Promise<unknown[]>;
  loadMarkets(): Promise<unknown>;
};

async function viaCcxt(kind: Kind, start: bigint, end: bigint, what: string): Promise<Row> {
  const s = await sim(kind);
  try {
    const Ctor = (ccxt as unknown as Record<string, new (c: object) => Ccxt>)['binance']!;
    const client = new Ctor({
      enableRateLimit: true,
      urls: { api: { public: `${s.url}/api/v3` } },
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
    const stats = await s.stats();
    const pages = stats.byPath[pathOf(kind)] ?? 0;
    const truth = kind === 'trades' ? await s.tradeCount('BTCUSDT', start, end) : (end - start) / (60n * S);
    return {
      what,
      client: 'ccxt 4.5',
      items,
      truth: Number(truth),
      pages,
      seconds,
      bound: { name: 'latency bound', seconds: latencyBound(pages) },
      throttled: stats.status429 + stats.status418,
    };
  } finally {
    await s.close();
  }
}

const candleStart = NOW - BigInt(DAYS) * 86_400n * S;
const tradeStart = NOW - BigInt(TRADE_HOURS * 3600) * S;
const candles = `${DAYS} days of 1m candles`;
const hours = `${TRADE_HOURS} h of trades`;
rows.push(await bare(candleStart, NOW, candles));
rows.push(await ours('ohlc', candleStart, NOW, candles));
// The same job again in this process: what a long-running program (or the second symbol of a sync) sees
// once V8 has compiled the hot paths; the row above is a cold start, as one CLI run.
rows.push(await ours('ohlc', candleStart, NOW, candles, false, 'tickwire, 2nd run in the process'));
rows.push(await ours('trades', tradeStart, NOW, hours));
if (!process.env['SKIP_CCXT']) {
  rows.push(await viaCcxt('ohlc', candleStart, NOW, candles));
  rows.push(await viaCcxt('trades', tradeStart, NOW, hours));
}
if (DAY_HOURS > 0) {
  const dayStart = NOW - BigInt(DAY_HOURS * 3600) * S;
  rows.push(await ours('trades', dayStart, NOW, `${DAY_HOURS} h of trades (from the top of a minute)`, true));
}

const w = BINANCE_RATE as { limit: number; windowMs: number; margin?: number };
console.log(
  `Machine: ${cpus().length} cores, node ${process.version}. Simulator in its own process: Binance dialect, ` +
    `${LATENCY_S * 1000} ms latency, real limits (6000 weight per clock minute per IP, klines 2, aggTrades 4); ` +
    `candle pages ${PRERENDER ? 'rendered ahead (PRERENDER=0: per request)' : 'rendered per request'}.`,
);
console.log(
  `tickwire: fixed window ${w.limit} per ${w.windowMs / 1000} s, margin ${w.margin ?? 0}, ${BINANCE_MAX_IN_FLIGHT} pages in flight.\n`,
);
console.log(
  '| data | client | records | truth | pages | 429/418 | time (s) | bound | bound (s) | bound / time |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.what} | ${r.client} | ${r.items} | ${r.truth ?? '—'} | ${r.pages} | ${r.throttled} | ${r.seconds.toFixed(2)} | ` +
      `${r.bound?.name ?? '—'} | ${r.bound?.seconds.toFixed(2) ?? '—'} | ${r.bound ? (r.bound.seconds / r.seconds).toFixed(2) : '—'} |`,
  );
}
const speedup = (what: string): string => {
  const a = rows.find((r) => r.what === what && r.client === 'tickwire');
  const b = rows.find((r) => r.what === what && r.client === 'ccxt 4.5');
  return a && b ? `${(b.seconds / a.seconds).toFixed(2)}×` : '—';
};
if (!process.env['SKIP_CCXT']) {
  console.log(
    `\ntickwire vs ccxt (ccxt time ÷ tickwire time): ${candles} ${speedup(candles)}, ${hours} ${speedup(hours)}.`,
  );
}
