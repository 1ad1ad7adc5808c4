/**
 * A simulator alone in a child process, for tests that need the WebSocket client and server to race as
 * two processes do: `node --import tsx test/helpers/sim-ws-child.ts '<json SimWsChildArgs>'`. Prints
 * `{"url":…,"wsUrl":…}` on one line, runs until stdin closes.
 */

import type { SimExchange } from '../../src/sim/index.js';
import { startSimulator } from '../../src/sim/index.js';

/** The JSON argument of the child. */
export type SimWsChildArgs = {
  exchange: SimExchange;
  speed: number;
  batchMs: number;
  coalesce: boolean;
};

const args = JSON.parse(process.argv[2] ?? '{}') as SimWsChildArgs;
const START = 1_767_225_600_000_000_000n;
const sim = await startSimulator({
  exchange: args.exchange,
  rateLimits: 'off',
  clock: { startNs: START, speed: args.speed },
  markets: { historyStart: START - 86_400_000_000_000n },
  ws: { batchMs: args.batchMs, coalesce: args.coalesce },
});
process.stdout.write(`${JSON.stringify({ url: sim.url, wsUrl: sim.wsUrl })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
