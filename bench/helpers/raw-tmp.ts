import { Agent, request } from 'undici';
import { startSimProcess } from './sim-process.js';

const s = await startSimProcess({ exchange: 'binance', faults: { latencyMs: 50 } });
const agent = new Agent({ connections: 16 });
const NOWMS = 1_767_225_600_000;
const t0 = performance.now();
let next = 0;
const worker = async () => {
  while (next < 526) {
    const i = next++;
    const st = NOWMS - 365 * 86400000 + i * 60000000;
    const r = await request(`${s.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${st}&limit=1000`, {
      dispatcher: agent,
    });
    await r.body.text();
  }
};
await Promise.all(Array.from({ length: 16 }, worker));
console.log('raw text', ((performance.now() - t0) / 1000).toFixed(2));
const t1 = performance.now();
next = 0;
const worker2 = async () => {
  while (next < 526) {
    const i = next++;
    const st = NOWMS - 365 * 86400000 + i * 60000000;
    const r = await request(`${s.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${st}&limit=1000`, {
      dispatcher: agent,
    });
    JSON.parse(await r.body.text());
  }
};
await Promise.all(Array.from({ length: 16 }, worker2));
console.log('raw json', ((performance.now() - t1) / 1000).toFixed(2));
await agent.close();
await s.close();
