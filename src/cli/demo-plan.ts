/**
 * What `tickwire demo` downloads, and how it checks each file against the simulator's ground truth.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KRAKEN_OHLC_HISTORY_BARS } from '../adapters/kraken/capabilities.js';
import type { RunningSimulator } from '../sim/index.js';
import { parseLineKey, type RecordKind } from '../sinks/format.js';
import type { DownloadJob } from './run-download.js';

const MINUTE_NS = 60_000_000_000n;
const HOUR_NS = 60n * MINUTE_NS;
const DAY_NS = 24n * HOUR_NS;

/** Sizes of the demo. */
export type DemoSize = {
  /** Days of 1m candles from Binance, Coinbase and OKX. */
  candleDays: number;
  /** Minutes of trades from each exchange. */
  tradeMinutes: number;
};

/** The full demo: a month of candles, two hours of trades. */
export const FULL_DEMO: DemoSize = { candleDays: 30, tradeMinutes: 120 };
/** `--small`: two days of candles, ten minutes of trades (for tests and slow machines). */
export const SMALL_DEMO: DemoSize = { candleDays: 2, tradeMinutes: 10 };

/** The symbol the demo downloads on each exchange (native id; also what the ground truth takes). */
export const DEMO_SYMBOLS: Readonly<Record<DemoExchange, string>> = {
  binance: 'BTCUSDT',
  coinbase: 'BTC-USD',
  kraken: 'XXBTZUSD',
  okx: 'BTC-USDT-SWAP',
};

/**
 * The exchanges the demo runs: the spot venues whose trade history REST serves (Bybit's REST keeps only
 * its newest 1000 trades, so a trades demo over minutes of history cannot be served there).
 */
export const DEMO_EXCHANGES = ['binance', 'coinbase', 'kraken', 'okx'] as const;

/** One of {@link DEMO_EXCHANGES}. */
export type DemoExchange = (typeof DEMO_EXCHANGES)[number];

/** The jobs of one exchange, in the order they run, ending at the simulator's clock `nowNs`. */
export function demoJobs(exchange: DemoExchange, dir: string, size: DemoSize, nowNs: bigint): DownloadJob[] {
  const symbol = DEMO_SYMBOLS[exchange];
  // Kraken serves only its newest 720 bars; the adapter keeps one bar of margin at each end as the window
  // moves while it downloads, so the newest 718 are what can be fetched as candles.
  const candleStart =
    exchange === 'kraken'
      ? nowNs - BigInt(KRAKEN_OHLC_HISTORY_BARS - 2) * MINUTE_NS
      : nowNs - BigInt(size.candleDays) * DAY_NS;
  const file = (what: string) => join(dir, `${exchange}-${symbol}-${what}.csv`);
  return [
    {
      kind: 'ohlc',
      exchange,
      symbol,
      spanS: 60,
      range: { startNs: candleStart, endNs: nowNs, toNow: false },
      out: file('1m'),
      format: 'csv',
      resume: false,
    },
    {
      kind: 'trades',
      exchange,
      symbol,
      range: { startNs: nowNs - BigInt(size.tradeMinutes) * MINUTE_NS, endNs: nowNs, toNow: false },
      out: file('trades'),
      format: 'csv',
      resume: false,
    },
  ];
}

/** The result of checking a file against the ground truth. */
export type Verdict = {
  /** True when the file holds exactly the truth's records, in order, each once. */
  ok: boolean;
  /** Rows in the file. */
  rows: number;
  /** Rows in the truth. */
  expected: number;
  /** The first row that differs (1-based, header not counted), when not ok. */
  firstDifference?: number;
};

/**
 * Reads `job.out` back and compares every row's key (time, and id for trades) with what the simulator
 * served: no record missing, none twice, none extra, all in order.
 */
export async function verifyAgainstTruth(job: DownloadJob, sim: RunningSimulator): Promise<Verdict> {
  const { startNs, endNs } = job.range;
  const truth =
    job.kind === 'ohlc'
      ? sim.truth
          .bars(job.symbol, job.spanS ?? 60, startNs, endNs)
          .map((b) => ({ tsNs: b.tsNs, id: undefined }))
      : sim.truth
          .trades(job.symbol, startNs, endNs)
          .map((t) => ({ tsNs: t.tsNs, id: t.id as string | undefined }));
  if (!job.out) return { ok: false, rows: 0, expected: truth.length };
  let rows = 0;
  let firstDifference: number | undefined;
  const lines = createInterface({ input: createReadStream(job.out), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const key = parseLineKey(job.kind as RecordKind, job.format === 'jsonl' ? 'jsonl' : 'csv', line);
    if (!key) continue;
    const want = truth[rows];
    rows++;
    if (firstDifference === undefined && (!want || want.tsNs !== key.tsNs || want.id !== key.id)) {
      firstDifference = rows;
    }
  }
  if (firstDifference === undefined && rows !== truth.length) firstDifference = rows + 1;
  return {
    ok: firstDifference === undefined,
    rows,
    expected: truth.length,
    ...(firstDifference === undefined ? {} : { firstDifference }),
  };
}
