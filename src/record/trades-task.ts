/**
 * Recording `kind=trades` of one exchange's symbols: `stream.trades` (which refills lost messages over
 * REST), one series writer per symbol, and a REST backfill wherever the live stream starts: on a first
 * start from the beginning of the current file, after a restart from where the archive's coverage ends,
 * after a silent-stream restart from the last trade written. So files hold the same rows a REST sync of
 * their range gives, and whatever REST cannot supply is a recorded gap.
 *
 * @module
 */
import type { Market } from '../adapters/symbols.js';
import type { Trade } from '../core/records.js';
import { isStreamEvent, streamTrades, type TradeStreamEvent } from '../stream/index.js';
import { paginateTrades } from '../transport/paginate/index.js';
import { labelsOf, seriesWriter, type TaskContext } from './context.js';
import { coverageEnd } from './recover.js';
import { runRestartable } from './restart.js';
import type { SeriesWriter } from './series.js';

type SymbolState = {
  readonly market: Market;
  readonly writer: SeriesWriter<'trades'>;
  /** The last trade written. */
  last: { id: bigint; tsNs: bigint } | undefined;
  /** Where the archive's coverage ends (a restart resumes there), and the last id it holds. */
  resumeNs: bigint | undefined;
  resumeId: bigint | undefined;
  /** True once the current run delivered a trade of this symbol. */
  live: boolean;
};

/** Records trades of `markets` until `ctx.signal` aborts; closes every file on the way out. */
export async function recordTrades(ctx: TaskContext, markets: readonly Market[]): Promise<void> {
  const states = new Map<string, SymbolState>();
  for (const m of markets) {
    const writer = seriesWriter(ctx, 'trades', m.id);
    const end = await coverageEnd(ctx.dir, { exchange: ctx.exchange, kind: 'trades', symbol: m.id });
    states.set(m.symbol, {
      market: m,
      writer,
      last: undefined,
      resumeNs: end?.endNs,
      resumeId: end?.lastId !== undefined && /^\d+$/.test(end.lastId) ? BigInt(end.lastId) : undefined,
      live: false,
    });
  }
  const id = `${ctx.exchange}/trades/${markets.length === 1 ? markets[0]!.id : '*'}`;
  try {
    await runRestartable(ctx, id, 'trades', '*', async (signal) => {
      for (const s of states.values()) s.live = false;
      const it = streamTrades({
        exchange: ctx.exchange,
        symbols: markets.map((m) => m.symbol),
        adapter: ctx.adapter,
        signal,
        ...ctx.connection,
      });
      for await (const item of it) {
        if (isStreamEvent(item)) {
          onEvent(ctx, states, item as TradeStreamEvent);
          continue;
        }
        const s = states.get(item.symbol);
        if (!s) continue;
        ctx.health.data(id);
        const labels = labelsOf(ctx, 'trades', s.market.id);
        ctx.metrics.messages.inc(labels);
        const idNum = BigInt(item.id);
        if (!s.live) {
          s.live = true;
          await backfill(ctx, s, idNum, item.tsNs, signal);
        }
        if (s.last && idNum <= s.last.id) continue;
        write(ctx, s, {
          id: item.id,
          tsNs: item.tsNs,
          price: item.price,
          amount: item.amount,
          side: item.side,
        });
        ctx.metrics.lag.set(labels, Number(BigInt(Date.now()) * 1_000_000n - item.tsNs) / 1e9);
      }
    });
  } finally {
    // Trades at the last time may not all have arrived: the files end just before it (the next start
    // refetches them over REST).
    for (const s of states.values()) {
      s.writer.flush();
      await s.writer.close(s.writer.lastTsNs);
    }
  }
}

function write(ctx: TaskContext, s: SymbolState, t: Trade): void {
  s.writer.write(t);
  s.last = { id: BigInt(t.id), tsNs: t.tsNs };
  ctx.metrics.records.inc(labelsOf(ctx, 'trades', s.market.id));
}

function onEvent(ctx: TaskContext, states: Map<string, SymbolState>, e: TradeStreamEvent): void {
  switch (e.kind) {
    case 'gap': {
      const s = states.get(e.symbol);
      if (!s) return;
      const labels = labelsOf(ctx, 'trades', s.market.id);
      ctx.metrics.gapsFound.inc(labels);
      ctx.metrics.gapsUnrepaired.inc(labels);
      const range = { startNs: e.sinceNs, endNs: e.untilNs + 1n };
      const reason = `trade ids ${e.fromId}..${e.toId} missing: ${e.reason}${e.error ? ` (${e.error.message})` : ''}`;
      s.writer.gap(range, reason);
      ctx.emit('gap', { ...labels, range, reason });
      return;
    }
    case 'repaired': {
      const s = states.get(e.symbol);
      if (!s) return;
      const labels = labelsOf(ctx, 'trades', s.market.id);
      ctx.metrics.gapsFound.inc(labels);
      ctx.metrics.gapsRepaired.inc(labels);
      ctx.emit('repaired', { ...labels, count: e.count, from: e.fromId, to: e.toId, trigger: e.trigger });
      return;
    }
    case 'reconnected':
      for (const s of states.values()) {
        ctx.metrics.reconnects.inc({ ...labelsOf(ctx, 'trades', s.market.id), cause: 'reconnect' });
      }
      ctx.emit('reconnect', {
        ...labelsOf(ctx, 'trades', '*'),
        cause: 'reconnect',
        detail: `after ${Math.round(e.downtimeMs)} ms`,
      });
      return;
    default:
      return;
  }
}

/**
 * Refills, over REST, the trades before the first live one (id `firstId` at `firstTs`) of this run:
 * from the last trade written, else from the archive's coverage end, else (first start) from the start
 * of the current file. Writes them, and records as a gap what REST did not supply.
 */
async function backfill(
  ctx: TaskContext,
  s: SymbolState,
  firstId: bigint,
  firstTs: bigint,
  signal: AbortSignal,
): Promise<void> {
  const labels = labelsOf(ctx, 'trades', s.market.id);
  let fromNs: bigint;
  if (s.last) fromNs = s.last.tsNs;
  else if (s.resumeNs !== undefined) fromNs = s.resumeNs;
  else if (ctx.backfill) fromNs = s.writer.boundaryAfter(firstTs) - BigInt(ctx.rotateS) * 1_000_000_000n;
  else {
    s.writer.begin(firstTs);
    return;
  }
  if (s.last === undefined) s.writer.begin(fromNs < firstTs ? fromNs : firstTs);
  if (fromNs > firstTs) return;
  if (s.last && firstId === s.last.id + 1n) return; // nothing missing
  const maxNs = BigInt(ctx.maxBackfillS) * 1_000_000_000n;
  if (firstTs - fromNs > maxNs) {
    const cut = firstTs - maxNs;
    const reason = `more than ${ctx.maxBackfillS} s before the live stream started (fill it with tickwire sync)`;
    ctx.metrics.gapsFound.inc(labels);
    ctx.metrics.gapsUnrepaired.inc(labels);
    s.writer.gap({ startNs: fromNs, endNs: cut }, reason);
    ctx.emit('gap', { ...labels, range: { startNs: fromNs, endNs: cut }, reason });
    fromNs = cut;
  }
  if (!ctx.backfill) {
    const reason = 'trades before the live stream started (backfill off)';
    s.writer.gap({ startNs: fromNs, endNs: firstTs + 1n }, reason);
    ctx.metrics.gapsFound.inc(labels);
    ctx.metrics.gapsUnrepaired.inc(labels);
    ctx.emit('gap', { ...labels, range: { startNs: fromNs, endNs: firstTs + 1n }, reason });
    return;
  }
  ctx.metrics.gapsFound.inc(labels);
  const afterId = s.last?.id ?? (s.resumeNs !== undefined ? s.resumeId : undefined);
  const trigger = s.last ? 'stream-restart' : s.resumeNs !== undefined ? 'recorder-restart' : 'start';
  let count = 0;
  let firstGot: bigint | undefined;
  let prev: bigint | undefined = afterId;
  let prevTs = fromNs;
  const holes: { from: bigint; to: bigint; sinceNs: bigint; untilNs: bigint }[] = [];
  try {
    const pages = paginateTrades<string>(
      (a, b, limit, cursor, extras) => ctx.adapter.fetchTradesPage(s.market.id, a, b, limit, cursor, extras),
      ctx.adapter.tradesCapability,
      fromNs,
      firstTs,
      { signal },
    );
    for await (const t of pages) {
      if (t.tsNs < fromNs) continue;
      const n = BigInt(t.id);
      if ((afterId !== undefined && n <= afterId) || n >= firstId) continue;
      if (prev !== undefined && n <= prev) continue;
      if (prev !== undefined && n > prev + 1n)
        holes.push({ from: prev + 1n, to: n - 1n, sinceNs: prevTs, untilNs: t.tsNs });
      firstGot ??= n;
      write(ctx, s, t);
      prev = n;
      prevTs = t.tsNs;
      count++;
    }
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = `REST backfill failed: ${(error as Error).message}`;
    s.writer.gap({ startNs: prevTs, endNs: firstTs + 1n }, reason);
    ctx.metrics.gapsUnrepaired.inc(labels);
    ctx.emit('gap', { ...labels, range: { startNs: prevTs, endNs: firstTs + 1n }, reason });
    return;
  }
  if (prev === undefined || prev < firstId - 1n) {
    holes.push({ from: (prev ?? -1n) + 1n, to: firstId - 1n, sinceNs: prevTs, untilNs: firstTs });
  }
  // Ids before the first one REST returned are unknowable on a first start (no earlier id to follow).
  for (const h of holes) {
    if (afterId === undefined && firstGot !== undefined && h.to < firstGot) continue;
    // REST had no trade in the range at all: on a first start none happened, the live one is first.
    if (afterId === undefined && firstGot === undefined && s.resumeNs === undefined) continue;
    const reason = `trade ids ${h.from}..${h.to} not served by REST`;
    const range = { startNs: h.sinceNs, endNs: h.untilNs + 1n };
    s.writer.gap(range, reason);
    ctx.metrics.gapsUnrepaired.inc(labels);
    ctx.emit('gap', { ...labels, range, reason });
  }
  if (count > 0) {
    ctx.metrics.gapsRepaired.inc(labels);
    ctx.emit('repaired', {
      ...labels,
      count,
      from: String(firstGot),
      to: String(prev),
      trigger,
    });
  }
}
