/**
 * stream.book against the simulator's WebSocket dialects with a running clock (30× real time): the local
 * book must equal the simulator's true book after EVERY snapshot and update event, aligned by the
 * event's update id (Binance) or the exchange's event time (Coinbase `time`, Kraken `timestamp`: the
 * book tick the message brings the book to). Faults: a skipped update id (Binance), a bad checksum
 * (Kraken), a dropped connection (Coinbase), and a silent stall for all: each must produce a resync with
 * its reason, and the book must be right again afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { ResyncReason } from '../../src/adapters/book-sync.js';
import type { WsInjection } from '../../src/sim/index.js';
import { type BookStreamItem, streamBook } from '../../src/stream/index.js';
import { FAST_WS, NATIVE, startLiveSim } from '../helpers/stream2-sim.js';

const DEPTH = 10;
const CHECKS = 15;

type Ex = 'binance' | 'coinbase' | 'kraken';
const FAULT: Record<Ex, [WsInjection, ResyncReason]> = {
  binance: [{ kind: 'skip-update-id' }, 'sequence-gap'],
  kraken: [{ kind: 'bad-checksum' }, 'checksum-mismatch'],
  coinbase: [{ kind: 'drop' }, 'reconnect'],
};

type Level = [number, number];

describe.concurrent('stream.book over the simulator: the local book is the true book', () => {
  it.each(['binance', 'coinbase', 'kraken'] as const)(
    '%s: equal at every event, resyncs on its fault and on a stall, right again afterwards',
    async (exchange) => {
      const sim = await startLiveSim(exchange, 30);
      const native = NATIVE[exchange];
      const [fault, reason] = FAULT[exchange];
      const mismatches: string[] = [];
      const resyncs: { reason: ResyncReason; detail: string }[] = [];
      // Phases, driven by what the stream has shown (not by wall time, which a loaded machine stretches):
      // 0 in sync → inject the fault; 1 resynced after it → inject a stall; 2 resynced after the stall.
      // A phase's checks count only once its resync has been followed by a new snapshot.
      const checked = [0, 0, 0];
      let phase = 0;
      let rebuilt = true;
      let snapshots = 0;
      const it = streamBook({
        exchange,
        symbol: exchange === 'binance' ? 'BTC/USDT' : 'BTC/USD',
        depth: DEPTH,
        baseUrl: sim.url,
        wsUrl: sim.wsUrl,
        websocket: FAST_WS,
        signal: AbortSignal.timeout(25_000),
      });
      try {
        for await (const ev of it as AsyncIterable<BookStreamItem>) {
          if (ev.kind === 'resync') {
            resyncs.push({ reason: ev.reason, detail: ev.detail });
            rebuilt = false;
            continue;
          }
          if (ev.kind !== 'snapshot' && ev.kind !== 'update') continue;
          if (ev.kind === 'snapshot') {
            snapshots++;
            rebuilt = true;
          }
          // Kraken snapshots carry no time (the checksum vouches for them); everything else is aligned.
          if (exchange === 'kraken' && ev.kind === 'snapshot') continue;
          if (exchange === 'binance') expect(ev.updateId).toBeTypeOf('number');
          const at = ev.updateId !== undefined ? { updateId: ev.updateId } : ev.tsNs;
          const truth = sim.truth.book(native, at, DEPTH);
          if (exchange === 'binance') expect(truth.updateId).toBe(ev.updateId);
          else expect(truth.tsNs).toBe(ev.tsNs);
          const mine = {
            bids: ev.book.bids(DEPTH).map((l): Level => [l.price, l.amount]),
            asks: ev.book.asks(DEPTH).map((l): Level => [l.price, l.amount]),
          };
          if (JSON.stringify(mine) !== JSON.stringify({ bids: truth.bids, asks: truth.asks })) {
            mismatches.push(
              `${ev.kind} at ${String(ev.updateId ?? ev.tsNs)}: mine ${JSON.stringify(mine)} truth ${JSON.stringify({ bids: truth.bids, asks: truth.asks })} resyncs ${JSON.stringify(resyncs)} phase ${phase}`,
            );
          }
          if (!rebuilt || (phase > 0 && resyncs.length < phase)) continue;
          if (++checked[phase]! < CHECKS) continue;
          if (phase === 2) break;
          sim.ws.inject(phase === 0 ? fault : { kind: 'stall' });
          phase++;
        }
      } finally {
        await sim.close();
      }
      expect(mismatches).toEqual([]);
      // The book was verified before the fault, after its resync, and after the stall's.
      expect(checked).toEqual([CHECKS, CHECKS, CHECKS]);
      // The fault's resync with its reason, then the stall's (a reconnect); a loaded machine may add more.
      const reasons = resyncs.map((r) => r.reason);
      expect(reasons[0]).toBe(reason);
      expect(reasons).toContain('reconnect');
      expect(resyncs.every((r) => r.detail.length > 0)).toBe(true);
      expect(snapshots).toBeGreaterThanOrEqual(3);
    },
    30_000,
  );
});
