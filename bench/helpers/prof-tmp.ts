import { download } from '../../src/download/index.js';
import { startSimProcess } from './sim-process.js';

const S = 1_000_000_000n;
const NOW = 1_767_225_600_000_000_000n;
const kind = process.argv[2] ?? 'ohlc';
const s = await startSimProcess({ exchange: 'binance', faults: { latencyMs: 50 } });
const t0 = performance.now();
let n = 0;
const dl =
  kind === 'ohlc'
    ? download.ohlc({
        exchange: 'binance',
        symbol: 'BTC/USDT',
        span: '1m',
        start: NOW - 365n * 86400n * S,
        end: NOW,
        baseUrl: s.url,
      })
    : download.trades({
        exchange: 'binance',
        symbol: 'BTC/USDT',
        start: NOW - 6n * 3600n * S,
        end: NOW,
        baseUrl: s.url,
      });
for await (const _ of dl) n++;
console.log(
  kind,
  n,
  ((performance.now() - t0) / 1000).toFixed(2),
  's',
  JSON.stringify(process.resourceUsage().userCPUTime / 1e6),
);
await s.close();
