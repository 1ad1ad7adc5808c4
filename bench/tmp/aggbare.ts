import { Agent, request } from 'undici';
import { startSimProcess } from '../helpers/sim-process.js';
const NOW = 1_767_225_600_000;
const s = await startSimProcess({ exchange: 'binance', faults: { latencyMs: Number(process.env.LAT ?? 50) } });
const agent = new Agent({ connections: 16 });
// first find ids by time
const first = JSON.parse(await (await request(`${s.url}/api/v3/aggTrades?symbol=BTCUSDT&startTime=${NOW - 6 * 3600_000}&endTime=${NOW - 6 * 3600_000 + 3600_000}&limit=1`, { dispatcher: agent })).body.text())[0].a;
const pages = 660;
let next = 0;
const t0 = performance.now();
const worker = async () => {
  while (next < pages) {
    const id = first + next++ * 1000;
    const res = await request(`${s.url}/api/v3/aggTrades?symbol=BTCUSDT&fromId=${id}&limit=1000`, { dispatcher: agent });
    await res.body.arrayBuffer();
  }
};
await Promise.all(Array.from({ length: Number(process.env.C ?? 16) }, worker));
console.log('pages', pages, 'seconds', ((performance.now() - t0) / 1000).toFixed(2));
await agent.close();
await s.close();
