/**
 * The Binance USDⓈ-M live side against the simulator's routed WebSocket (`/public`, `/market`) with a
 * running clock: trades over drops and stalls equal the ground truth; the local futures book equals the
 * true book after every event and resyncs (typed event, reason `sequence-gap`) when the `pu` chain
 * breaks; mark-price updates and liquidations equal the derivatives ground truth, with `gap` events
 * after a reconnect.
 */
import { describe, expect, it } from 'vitest';
import type { ResyncReason } from '../../src/adapters/book-sync.js';
import {
  type BookStreamItem,
  isStreamEvent,
  type LiveGapEvent,
  type StreamLiquidation,
  type StreamMark,
  streamBook,
  streamLiquidations,
  streamMark,
  streamTrades,
} from '../../src/stream/index.js';
import {
  bare,
  collectTrades,
  FAST_WS,
  SECOND_NS,
  startLiveSim,
  truthBetween,
} from '../helpers/stream2-sim.js';

const SYMBOL = 'BTC/USDT:USDT';
const NATIVE = 'BTCUSDT';

describe('binance-usdm live streams over the simulator', () => {
  it('stream.trades over drops and stalls: 0 lost, 0 twice, in order, equal to ground truth', async () => {
    const sim = await startLiveSim('binance-usdm', 60);
    const timers: NodeJS.Timeout[] = [];
    try {
      const arm = () => {
        timers.push(setTimeout(() => sim.ws.inject({ kind: 'drop' }), 1000));
        timers.push(setTimeout(() => sim.ws.inject({ kind: 'stall' }), 2500));
      };
      const { trades, events } = await collectTrades(
        streamTrades({
          exchange: 'binance-usdm',
          symbols: [SYMBOL],
          baseUrl: sim.url,
          wsUrl: sim.wsUrl,
          websocket: FAST_WS,
          signal: AbortSignal.timeout(25_000),
        }),
        (ts) => {
          if (ts.length === 1) arm();
          return (ts.at(-1)?.tsNs ?? 0n) - (ts[0]?.tsNs ?? 0n) >= 300n * SECOND_NS;
        },
      );
      const ids = trades.map((t) => Number(t.id));
      expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
      const truth = truthBetween(sim, NATIVE, trades[0]!, trades.at(-1)!);
      expect(truth.length).toBeGreaterThan(1000);
      expect(trades.map(bare)).toEqual(truth);
      expect(trades.every((t) => t.symbol === SYMBOL)).toBe(true);
      const kinds = events.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'reconnected').length).toBeGreaterThanOrEqual(2);
      expect(kinds).toContain('repaired');
      expect(kinds).not.toContain('gap');
    } finally {
      for (const t of timers) clearTimeout(t);
      await sim.close();
    }
  }, 30_000);

  it('stream.book (futures rule): the true book after every event; a broken pu chain resyncs', async () => {
    const sim = await startLiveSim('binance-usdm', 30);
    const DEPTH = 10;
    const mismatches: string[] = [];
    const resyncs: { reason: ResyncReason; detail: string }[] = [];
    let checked = 0;
    let afterResync = 0;
    let snapshots = 0;
    try {
      const it = streamBook({
        exchange: 'binance-usdm',
        symbol: SYMBOL,
        depth: DEPTH,
        baseUrl: sim.url,
        wsUrl: sim.wsUrl,
        websocket: FAST_WS,
        signal: AbortSignal.timeout(25_000),
      });
      for await (const ev of it as AsyncIterable<BookStreamItem>) {
        if (ev.kind === 'resync') {
          resyncs.push({ reason: ev.reason, detail: ev.detail });
          continue;
        }
        if (ev.kind !== 'snapshot' && ev.kind !== 'update') continue;
        if (ev.kind === 'snapshot') snapshots++;
        const truth = sim.truth.book(NATIVE, { updateId: ev.updateId! }, DEPTH);
        const mine = {
          bids: ev.book.bids(DEPTH).map((l) => [l.price, l.amount]),
          asks: ev.book.asks(DEPTH).map((l) => [l.price, l.amount]),
        };
        if (JSON.stringify(mine) !== JSON.stringify({ bids: truth.bids, asks: truth.asks })) {
          mismatches.push(`${ev.kind} ${ev.updateId}`);
        }
        if (resyncs.length === 0 && ++checked === 15) sim.ws.inject({ kind: 'skip-update-id' });
        if (resyncs.length > 0 && snapshots >= 2 && ++afterResync >= 15) break;
      }
    } finally {
      await sim.close();
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(15);
    expect(afterResync).toBe(15);
    expect(resyncs[0]?.reason).toBe('sequence-gap');
    expect(resyncs[0]?.detail).toMatch(/pu=/);
    expect(snapshots).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('stream.mark: one update per second equal to the truth; a drop is a gap event', async () => {
    const sim = await startLiveSim('binance-usdm', 20);
    const marks: StreamMark[] = [];
    const gaps: LiveGapEvent[] = [];
    let dropped = false;
    try {
      for await (const m of streamMark({
        exchange: 'binance-usdm',
        symbols: [SYMBOL, 'ETHUSDT'],
        baseUrl: sim.url,
        wsUrl: sim.wsUrl,
        websocket: FAST_WS,
        signal: AbortSignal.timeout(20_000),
      })) {
        if (isStreamEvent(m)) {
          if (m.kind === 'gap') gaps.push(m);
          continue;
        }
        marks.push(m);
        if (marks.length === 40 && !dropped) {
          dropped = true;
          sim.ws.inject({ kind: 'drop' });
        }
        if (gaps.length >= 2 && marks.length >= 120) break;
      }
    } finally {
      await sim.close();
    }
    for (const symbol of [SYMBOL, 'ETH/USDT:USDT']) {
      const mine = marks.filter((m) => m.symbol === symbol);
      expect(mine.length).toBeGreaterThan(20);
      // Whole seconds, strictly ascending.
      expect(mine.every((m, i) => m.tsNs % SECOND_NS === 0n && (i === 0 || m.tsNs > mine[i - 1]!.tsNs))).toBe(
        true,
      );
      for (const m of mine) {
        const { symbol: _s, recvNs, ...rec } = m;
        expect(recvNs).toBeGreaterThan(0n);
        expect(rec).toEqual(sim.truth.derivatives.mark(symbol === SYMBOL ? 'BTCUSDT' : 'ETHUSDT', m.tsNs));
      }
    }
    expect(gaps.map((g) => g.symbol).sort()).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    expect(gaps.every((g) => g.reason === 'reconnect' && g.untilNs > g.sinceNs)).toBe(true);
  }, 30_000);

  it('stream.liquidations: every liquidation of the span, sampled, equal to the truth', async () => {
    // Fast clock and a volatile market: liquidations come often.
    const sim = await startLiveSim('binance-usdm', 600);
    const got: StreamLiquidation[] = [];
    let startNs: bigint | undefined;
    try {
      for await (const l of streamLiquidations({
        exchange: 'binance-usdm',
        symbols: ['BTCUSDT', 'ZECUSDT'],
        baseUrl: sim.url,
        wsUrl: sim.wsUrl,
        websocket: FAST_WS,
        signal: AbortSignal.timeout(20_000),
      })) {
        if (isStreamEvent(l)) {
          if (l.kind === 'connected' && startNs === undefined) startNs = l.atNs;
          continue;
        }
        got.push(l);
        if (got.length >= 12) break;
      }
    } finally {
      await sim.close();
    }
    expect(got.length).toBe(12);
    expect(got.every((l) => l.sampled === true && (l.side === 'long' || l.side === 'short'))).toBe(true);
    // Between the first and last received, per symbol, exactly the truth's liquidations.
    for (const [symbol, native] of [
      ['BTC/USDT:USDT', 'BTCUSDT'],
      ['ZEC/USDT:USDT', 'ZECUSDT'],
    ] as const) {
      const mine = got.filter((l) => l.symbol === symbol);
      if (mine.length === 0) continue;
      const truth = sim.truth.derivatives.liquidations(native, mine[0]!.tsNs, mine.at(-1)!.tsNs + 1n);
      expect(mine.map(({ symbol: _s, recvNs: _r, sampled: _x, ...rest }) => rest)).toEqual(truth);
    }
  }, 30_000);
});
