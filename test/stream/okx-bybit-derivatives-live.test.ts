/**
 * `stream.mark` and `stream.liquidations` end to end for OKX (`BTC-USDT-SWAP`) and Bybit linear
 * (`BTCUSDT`) against their simulators over real WebSockets with a running clock: every record equals
 * the derivatives ground truth, and a dropped connection is a `gap` event per symbol, never a wrong
 * record or one delivered twice.
 */
import { describe, expect, it } from 'vitest';
import type { Liquidation } from '../../src/core/records.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import {
  isStreamEvent,
  type LiveGapEvent,
  type StreamLiquidation,
  type StreamMark,
  streamLiquidations,
  streamMark,
} from '../../src/stream/index.js';
import { FAST_WS, SECOND_NS, startLiveSim } from '../helpers/stream2-sim.js';

const SYMBOL = 'BTC/USDT:USDT';
const CASES = [
  { exchange: 'okx', input: 'BTC-USDT-SWAP', native: 'BTC-USDT-SWAP', sampled: true },
  { exchange: 'bybit-linear', input: 'BTCUSDT', native: 'BTCUSDT', sampled: false },
] as const;

const liqKey = (l: Liquidation) => `${l.tsNs}|${l.side}|${l.price}|${l.amount}`;
const bareLiq = ({ symbol: _s, recvNs: _r, sampled: _x, ...rest }: StreamLiquidation) => rest;

for (const c of CASES) {
  describe(`${c.exchange} stream.mark / stream.liquidations over the simulator`, () => {
    it('stream.mark: every update equals the truth at its time; a drop is a gap event', async () => {
      const sim = await startLiveSim(c.exchange, 600);
      const marks: StreamMark[] = [];
      const gaps: LiveGapEvent[] = [];
      let reconnects = 0;
      let dropped = false;
      try {
        for await (const m of streamMark({
          exchange: c.exchange,
          symbols: [c.input],
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(20_000),
        })) {
          if (isStreamEvent(m)) {
            if (m.kind === 'gap') gaps.push(m);
            if (m.kind === 'reconnected') reconnects++;
            continue;
          }
          marks.push(m);
          if (marks.length === 20 && !dropped) {
            dropped = true;
            sim.ws.inject({ kind: 'drop' });
          }
          if (gaps.length >= 1 && marks.length >= 50) break;
        }
      } finally {
        await sim.close();
      }
      expect(marks.length).toBeGreaterThanOrEqual(50);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      expect(gaps.length).toBeGreaterThanOrEqual(1);
      expect(
        gaps.every((g) => g.symbol === SYMBOL && g.reason === 'reconnect' && g.untilNs > g.sinceNs),
      ).toBe(true);
      // Strictly ascending: nothing replayed across the reconnect.
      expect(marks.every((m, i) => i === 0 || m.tsNs > marks[i - 1]!.tsNs)).toBe(true);
      for (const m of marks) {
        const { symbol, recvNs, ...rec } = m;
        expect(symbol).toBe(SYMBOL);
        expect(recvNs).toBeGreaterThan(0n);
        const truth = sim.truth.derivatives.mark(c.native, m.tsNs) as unknown as Record<string, unknown>;
        // The fields the exchange sends (OKX has no index price in its mark pushes), each the truth's.
        expect(Object.keys(rec)).toEqual(
          expect.arrayContaining(['tsNs', 'markPrice', 'fundingRate', 'nextFundingNs']),
        );
        expect(rec).toEqual(Object.fromEntries(Object.keys(rec).map((k) => [k, truth[k]])));
      }
      expect(new Set(marks.map((m) => m.markPrice)).size).toBeGreaterThan(10);
    }, 30_000);

    it('stream.liquidations: equal to the truth before a drop, then a gap event and only true records', async () => {
      const sim: RunningSimulator = await startLiveSim(c.exchange, 1200);
      const got: StreamLiquidation[] = [];
      const gaps: LiveGapEvent[] = [];
      let beforeDrop = -1;
      try {
        for await (const l of streamLiquidations({
          exchange: c.exchange,
          symbols: [c.input],
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(25_000),
        })) {
          if (isStreamEvent(l)) {
            if (l.kind === 'gap') gaps.push(l);
            continue;
          }
          got.push(l);
          if (got.length === 10 && beforeDrop < 0) {
            beforeDrop = got.length;
            sim.ws.inject({ kind: 'drop' });
          }
          if (gaps.length >= 1 && got.length >= beforeDrop + 10) break;
        }
      } finally {
        await sim.close();
      }
      expect(gaps).toHaveLength(1);
      expect(gaps[0]).toMatchObject({ exchange: c.exchange, symbol: SYMBOL, reason: 'reconnect' });
      expect(got.every((l) => l.symbol === SYMBOL && l.sampled === c.sampled)).toBe(true);
      expect(got.every((l) => l.side === 'long' || l.side === 'short')).toBe(true);
      // In time order, none twice.
      expect(got.every((l, i) => i === 0 || l.tsNs >= got[i - 1]!.tsNs)).toBe(true);
      expect(new Set(got.map(liqKey)).size).toBe(got.length);
      // Every record is one of the truth's (no wrong record after the reconnect).
      const all = new Set(
        sim.truth.derivatives.liquidations(c.native, got[0]!.tsNs, got.at(-1)!.tsNs + 1n).map(liqKey),
      );
      const wrong = got.filter((l) => !all.has(liqKey(l)));
      expect(wrong).toEqual([]);
      // Before the drop, exactly the truth's liquidations of the span (whole minutes on OKX, which
      // pushes a minute once it has ended: its first and last received bound complete minutes).
      const head = got.slice(0, beforeDrop);
      const MIN = 60n * SECOND_NS;
      const [from, to] =
        c.exchange === 'okx'
          ? [head[0]!.tsNs - (head[0]!.tsNs % MIN), head.at(-1)!.tsNs - (head.at(-1)!.tsNs % MIN)]
          : [head[0]!.tsNs, head.at(-1)!.tsNs + 1n];
      expect(head.filter((l) => l.tsNs >= from && l.tsNs < to).map(bareLiq)).toEqual(
        sim.truth.derivatives.liquidations(c.native, from, to),
      );
    }, 30_000);
  });
}
