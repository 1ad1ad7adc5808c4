import { startSimulator } from '/work/wt/recorder/src/sim/index.js';
import { streamBook } from '/work/wt/recorder/src/stream/index.js';
const ex = (process.argv[2] ?? 'binance') as 'binance';
const speed = Number(process.argv[3] ?? 1000);
const START = 1_767_225_600_000_000_000n;
const sim = await startSimulator({ exchange: ex, rateLimits: 'off', clock: { startNs: START, speed }, markets: { historyStart: START - 86_400_000_000_000n } });
let n = 0, changes = 0, last = 0n;
const t0 = performance.now();
const it = streamBook({ exchange: ex, symbol: ex === 'binance' ? 'BTC/USDT' : 'BTC/USD', baseUrl: sim.url, wsUrl: sim.wsUrl, signal: AbortSignal.timeout(8000) });
for await (const ev of it) { if (ev.kind === 'update') { n++; changes += ev.changes.length; last = ev.tsNs; } }
const s = (performance.now() - t0) / 1000;
console.log(ex, speed, 'updates/s', (n / s).toFixed(0), 'changes/update', (changes / n).toFixed(1), 'sim-lag s', Number(START + BigInt(Math.round(s * speed * 1e9)) - last) / 1e9, 'cpu', process.cpuUsage());
await sim.close();
