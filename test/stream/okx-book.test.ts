/**
 * OKX live against the simulator's own `/ws/v5/public` with a running clock: the local
 * `books` book equals the simulator's true book after every event, through sequence resets, and a
 * skipped `seqId` or a non-zero bad checksum each cause a typed resync.
 */
import { describe, expect, it } from 'vitest';
import type { ResyncReason } from '../../src/adapters/book-sync.js';
import {
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
  type WsInjection,
} from '../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../src/stream/index.js';
import { FAST_WS, SECOND_NS, SIM_START_NS } from '../helpers/stream2-sim.js';

function liveSim(
  speed: number,
  extra: Omit<SimulatorOptions, 'exchange' | 'clock'> = {},
): Promise<RunningSimulator> {
  return startSimulator({
    exchange: 'okx',
    rateLimits: 'off',
    clock: { startNs: SIM_START_NS, speed },
    markets: { historyStart: SIM_START_NS - 86_400n * SECOND_NS },
    ...extra,
  });
}

describe('okx books over the simulator', () => {
  it.each([
    ['zero', { kind: 'skip-update-id' }, 'sequence-gap'],
    ['zero', { kind: 'bad-checksum' }, 'checksum-mismatch'],
    ['crc32', { kind: 'bad-checksum' }, 'checksum-mismatch'],
  ] as const)(
    'books (checksum %s): equal to the true book at every event; %o resyncs with %s',
    async (mode, fault: WsInjection, reason: ResyncReason) => {
      const sim = await liveSim(12, { ws: { bookChecksum: mode } });
      const DEPTH = 400;
      const mismatches: string[] = [];
      const resyncs: ResyncReason[] = [];
      let checked = 0;
      let after = 0;
      let firstNs: bigint | undefined;
      let lastNs = 0n;
      try {
        const it = streamBook({
          exchange: 'okx',
          symbol: 'BTC/USDT:USDT',
          depth: DEPTH,
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(25_000),
        });
        for await (const ev of it as AsyncIterable<BookStreamItem>) {
          if (ev.kind === 'resync') {
            resyncs.push(ev.reason);
            continue;
          }
          if (ev.kind !== 'snapshot' && ev.kind !== 'update') continue;
          const truth = sim.truth.book('BTC-USDT-SWAP', ev.tsNs, DEPTH);
          expect(truth.tsNs).toBe(ev.tsNs);
          const mine = {
            bids: ev.book.bids(DEPTH).map((l) => [l.price, l.amount]),
            asks: ev.book.asks(DEPTH).map((l) => [l.price, l.amount]),
          };
          if (JSON.stringify(mine) !== JSON.stringify({ bids: truth.bids, asks: truth.asks })) {
            mismatches.push(`${ev.kind} at ${ev.tsNs}`);
          }
          firstNs ??= ev.tsNs;
          lastNs = ev.tsNs;
          checked++;
          if (checked === 20) sim.ws.inject(fault);
          if (resyncs.length > 0 && ++after >= 20 && lastNs - firstNs >= 35n * SECOND_NS) break;
        }
      } finally {
        await sim.close();
      }
      expect(mismatches).toEqual([]);
      expect(resyncs[0]).toBe(reason);
      // The run crossed a sequence reset (every 30 s of sim time) without a resync for it.
      expect(lastNs - (firstNs ?? 0n)).toBeGreaterThanOrEqual(35n * SECOND_NS);
      expect(resyncs.filter((r) => r !== 'reconnect')).toEqual([reason]);
    },
    30_000,
  );

  it('refuses a depth beyond the 400 levels of books', async () => {
    await expect(
      streamBook({ exchange: 'okx', symbol: 'BTC-USDT-SWAP', depth: 401 }).next(),
    ).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      argument: 'options.depth',
    });
  });
});
