/**
 * Test helper for the simulator's regression guard: SHA-256 digests of a fixed list of responses from
 * every dialect (called in-process) and of some ground-truth outputs, over two market configurations.
 * Any change to a served value changes a digest.
 */
import { createHash } from 'node:crypto';
import { createBinanceDialect } from '../../src/sim/dialects/binance.js';
import { createBinanceUsdmDialect } from '../../src/sim/dialects/binance-usdm.js';
import { createCoinbaseDialect } from '../../src/sim/dialects/coinbase.js';
import { createKrakenDialect } from '../../src/sim/dialects/kraken.js';
import type { Dialect, DialectContext } from '../../src/sim/dialects/types.js';
import { emptyAgg } from '../../src/sim/market/agg.js';
import { MarketModel } from '../../src/sim/market/model.js';
import type { SimExchange } from '../../src/sim/market/symbols.js';
import { createGroundTruth } from '../../src/sim/truth.js';

/**
 * One market configuration of the snapshot. With `full`, requests that scan the whole history (weekly
 * and monthly bars) are included too (kept to the configuration with a short history, for speed).
 */
export type SnapshotConfig = { name: string; seed: number; startUs: number; nowUs: number; full: boolean };

/**
 * The configurations: the defaults (history from 2017, clock at 2026-01-01), and another seed with a
 * short history and a clock in the middle of a minute.
 */
export const SNAPSHOT_CONFIGS: readonly SnapshotConfig[] = [
  { name: 'seed1', seed: 1, startUs: 1_483_228_800_000_000, nowUs: 1_767_225_600_000_000, full: false },
  {
    name: 'seed42-short',
    seed: 42,
    startUs: 1_740_787_200_000_000, // 2025-03-01
    nowUs: 1_767_225_600_000_000 - 3 * 86_400_000_000 + 30_500_123,
    full: true,
  },
];

function paths(ex: SimExchange, c: SnapshotConfig): string[] {
  const nowMs = Math.floor(c.nowUs / 1000);
  const nowS = Math.floor(c.nowUs / 1e6);
  // A second-aligned instant at fraction f of the history, plus an offset in seconds.
  const at = (f: number, offS = 0) =>
    (Math.floor((c.startUs + f * (c.nowUs - c.startUs)) / 3_600_000_000) * 3600 + offS) * 1000;
  const iso = (f: number, offS = 0) => new Date(at(f, offS)).toISOString().replace('.000Z', 'Z');
  const MS = (x: number) => x;
  if (ex === 'binance') {
    const k = '/api/v3/klines?symbol=';
    return [
      `${k}BTCUSDT&interval=1m&limit=1000&startTime=${MS(at(0))}`,
      `${k}BTCUSDT&interval=1m&limit=1000&startTime=${at(0.1, 3967)}`,
      `${k}BTCUSDT&interval=1m&limit=1000&startTime=${at(0.8, 82_800)}`,
      `${k}ETHUSDT&interval=1m&limit=1000&startTime=${at(0.5)}&endTime=${at(0.5, 36_000)}`,
      `${k}ZECUSDT&interval=1m&limit=1000&startTime=${at(0.35)}`,
      `${k}BTCUSDT&interval=1m&limit=1000&startTime=${nowMs - 500 * 60_000}`,
      `${k}BTCUSDT&interval=1m&limit=1000`,
      `${k}BTCUSDT&interval=1m&limit=7&endTime=${at(0.25, 305)}`,
      `${k}BTCUSDT&interval=1m&startTime=${at(0.25, 305) * 1000}&limit=300`,
      `${k}BTCUSDT&interval=1s&limit=200&startTime=${nowMs - 100_000}`,
      `${k}ETHUSDT&interval=3m&limit=1000&startTime=${at(0.6)}`,
      `${k}BTCUSDT&interval=15m&limit=1000&startTime=${at(0.7, 420)}`,
      `${k}BTCUSDT&interval=1h&limit=1000&startTime=${at(0.7)}`,
      `${k}ZECUSDT&interval=4h&limit=500`,
      `${k}BTCUSDT&interval=1d&limit=${c.full ? 1000 : 40}&startTime=${at(0)}`,
      ...(c.full ? [`${k}ETHUSDT&interval=1w&limit=1000`, `${k}BTCUSDT&interval=1M&limit=1000`] : []),
      `/api/v3/uiKlines?symbol=BTCUSDT&interval=5m&limit=100&startTime=${at(0.4, 7320)}`,
      '/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&limit=1000',
      '/api/v3/aggTrades?symbol=BTCUSDT&fromId=123456789&limit=1000',
      `/api/v3/aggTrades?symbol=ETHUSDT&startTime=${at(0.65, 427)}&endTime=${at(0.65, 1027)}&limit=1000`,
      `/api/v3/aggTrades?symbol=ZECUSDT&startTime=${at(0.25)}&limit=1000`,
      '/api/v3/aggTrades?symbol=BTCUSDT&limit=1000',
      '/api/v3/trades?symbol=ETHUSDT&limit=1000',
      '/api/v3/historicalTrades?symbol=BTCUSDT&fromId=987654321&limit=1000',
      '/api/v3/historicalTrades?symbol=ZECUSDT&fromId=1000&limit=1000',
      '/api/v3/depth?symbol=BTCUSDT&limit=5000',
      '/api/v3/depth?symbol=ZECUSDT',
      '/api/v3/exchangeInfo',
      '/api/v3/time',
      `${k}BTCUSDT&interval=1m&limit=0`,
      `${k}NOPE&interval=1m`,
    ];
  }
  if (ex === 'coinbase') {
    const c = (id: string, g: number, s: string, e: string) =>
      `/products/${id}/candles?granularity=${g}&start=${s}&end=${e}`;
    return [
      c('BTC-USD', 60, iso(0.1), iso(0.1, 17_940)),
      c('BTC-USD', 60, String(nowS - 200 * 60), String(nowS)),
      c('ETH-USD', 300, iso(0.5), iso(0.5, 86_400)),
      c('ZEC-USD', 3600, iso(0.35), iso(0.35, 12 * 86_400)),
      c('BTC-USD', 86_400, iso(0), iso(0, 270 * 86_400)),
      c('BTC-USD', 21_600, iso(0.9), iso(0.9, 31 * 86_400)),
      '/products/BTC-USD/candles?granularity=60',
      '/products/BTC-USD/trades?limit=1000',
      '/products/ETH-USD/trades?after=50000000&limit=1000',
      '/products/BTC-USD/trades?before=123456&limit=1000',
      '/products/ZEC-USD/trades?limit=1000',
      '/products/BTC-USD/book?level=2',
      '/products/ETH-USD/book?level=3',
      '/products',
      '/currencies',
      '/time',
    ];
  }
  const o = (pair: string, interval: number) => `/0/public/OHLC?pair=${pair}&interval=${interval}`;
  return [
    o('XBTUSD', 1),
    o('XXBTZUSD', 5),
    `${o('XETHZUSD', 15)}&since=${nowS - 86_400}`,
    o('ZECUSD', 60),
    o('XBTUSD', 240),
    ...(c.full ? [o('XBTUSD', 1440), o('XBTUSD', 10_080), o('XBTUSD', 21_600)] : []),
    '/0/public/Trades?pair=XBTUSD',
    `/0/public/Trades?pair=XETHZUSD&since=${at(0.7, 10_983) * 1_000_000}`,
    `/0/public/Trades?pair=ZECUSD&since=${at(0.1) / 1000}&count=500`,
    '/0/public/Depth?pair=XBTUSD&count=500',
    '/0/public/AssetPairs',
    '/0/public/Assets',
    '/0/public/Time',
  ];
}

const DIALECTS = {
  binance: createBinanceDialect,
  coinbase: createCoinbaseDialect,
  kraken: createKrakenDialect,
  'binance-usdm': createBinanceUsdmDialect,
} as const satisfies Record<SimExchange, (ctx: DialectContext) => Dialect>;

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
const jsonOf = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

/** A fresh model of one exchange under one configuration. */
export function snapshotModel(ex: SimExchange, c: SnapshotConfig): MarketModel {
  return new MarketModel({ exchange: ex, seed: c.seed, historyStartUs: c.startUs, nowUs: () => c.nowUs });
}

/** Digests of every response (`<config> <exchange> <path>` → digest of status, headers and body). */
export function responseDigests(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of SNAPSHOT_CONFIGS) {
    for (const ex of ['binance', 'coinbase', 'kraken'] as const) {
      const model = snapshotModel(ex, c);
      const d = DIALECTS[ex]({ model, limits: { enabled: false, scale: 1 }, nowMs: 0 });
      for (const p of paths(ex, c)) {
        const qi = p.indexOf('?');
        const r = d.handle({
          method: 'GET',
          path: qi < 0 ? p : p.slice(0, qi),
          query: new URLSearchParams(qi < 0 ? '' : p.slice(qi + 1)),
          nowMs: 0,
        });
        out[`${c.name} ${ex} ${p}`] = sha(`${r.status}\n${jsonOf(r.headers ?? {})}\n${r.body}`);
      }
    }
  }
  return out;
}

/** Digests of ground-truth outputs and of raw minute aggregates at scattered minutes. */
export function truthDigests(): Record<string, string> {
  const out: Record<string, string> = {};
  const DAY_NS = 86_400_000_000_000n;
  for (const c of SNAPSHOT_CONFIGS) {
    for (const ex of ['binance', 'coinbase', 'kraken'] as const) {
      const model = snapshotModel(ex, c);
      const t = createGroundTruth(model);
      const nowNs = BigInt(c.nowUs) * 1000n;
      const startNs = BigInt(c.startUs) * 1000n;
      const mid = startNs + ((nowNs - startNs) / 2n / 3_600_000_000_000n) * 3_600_000_000_000n;
      for (const sym of t.symbols()) {
        const key = `${c.name} ${ex} ${sym}`;
        out[`${key} trades mid`] = sha(jsonOf(t.trades(sym, mid + 1_234_567_891n, mid + 271_234_567_891n)));
        out[`${key} trades now`] = sha(jsonOf(t.trades(sym, nowNs - 120_000_000_000n, nowNs)));
        out[`${key} bars 1m`] = sha(jsonOf(t.bars(sym, 60, mid, mid + DAY_NS / 2n)));
        out[`${key} bars 1h`] = sha(jsonOf(t.bars(sym, 3600, startNs, startNs + 59n * DAY_NS)));
        out[`${key} bars 1d`] = sha(jsonOf(t.bars(sym, 86_400, nowNs - 60n * DAY_NS, nowNs + 1n)));
        if (c.full) out[`${key} bars 1w`] = sha(jsonOf(t.bars(sym, 604_800, startNs, nowNs + 1n)));
        // Raw aggregates and prices at scattered minutes (random access, both directions).
        const s = model.find(sym)!;
        const a = emptyAgg();
        const parts: number[] = [];
        let m = 24_000_000;
        for (let i = 0; i < 3000; i++) {
          m = 24_000_000 + ((m * 7_919 + i * 104_729) % 5_000_000);
          s.path.minute(m, a);
          parts.push(a.count, a.open, a.high, a.low, a.close, a.volume, a.buyVolume, a.buyCount);
          parts.push(a.quoteVolume, a.buyQuoteVolume, s.path.priceAt(m + 17), s.path.count(m - 1));
        }
        out[`${key} minutes`] = sha(parts.join(','));
      }
    }
  }
  return out;
}
