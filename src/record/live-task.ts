/**
 * Recording a live-only kind that has no REST history to refill from (`mark`, `liquidations`): one stream
 * for an exchange's symbols, one series writer per symbol, records written with their exchange and receive
 * times. What a reconnect lost (the stream's `gap` event), a silent-stream restart, and a recorder restart
 * (from where the archive ends to the first record) are recorded as gaps.
 *
 * @module
 */
import type { Market } from '../adapters/symbols.js';
import type { KindId, RecordOfKind } from '../core/kinds.js';
import type { LiveGapEvent } from '../stream/events.js';
import type { DerivativesStreamOptions } from '../stream/index.js';
import type { FeedEvent } from '../transport/websocket/index.js';
import { labelsOf, seriesWriter, type TaskContext } from './context.js';
import { coverageEnd } from './recover.js';
import { runRestartable } from './restart.js';
import type { SeriesWriter } from './series.js';

/** A live stream of `symbols` yielding records (with `symbol`, `tsNs`, `recvNs`), gaps and feed events. */
export type LiveKindStream = (
  options: DerivativesStreamOptions,
) => AsyncIterable<{ symbol: string; tsNs: bigint; recvNs: bigint } | LiveGapEvent | FeedEvent>;

type State = {
  readonly market: Market;
  readonly writer: SeriesWriter<KindId>;
  /** Start of a range nothing is known about (a restart), until the next record. */
  unknownFrom: bigint | undefined;
  unknownWhy: string;
};

/** Records `kind` of `markets` from `open` until `ctx.signal` aborts; closes every file on the way out. */
export async function recordLiveKind(
  ctx: TaskContext,
  markets: readonly Market[],
  kind: KindId,
  open: LiveKindStream,
): Promise<void> {
  const states = new Map<string, State>();
  for (const m of markets) {
    const end = await coverageEnd(ctx.dir, { exchange: ctx.exchange, kind, symbol: m.id });
    states.set(m.symbol, {
      market: m,
      writer: seriesWriter(ctx, kind, m.id),
      unknownFrom: end?.endNs,
      unknownWhy: 'recorder not running',
    });
  }
  const id = `${ctx.exchange}/${kind}/${markets.length === 1 ? markets[0]!.id : '*'}`;
  try {
    await runRestartable(ctx, id, kind, '*', async (signal) => {
      const it = open({
        exchange: ctx.exchange,
        symbols: markets.map((m) => m.symbol),
        adapter: ctx.adapter,
        signal,
        ...ctx.connection,
      });
      for await (const item of it) {
        const k = (item as { kind?: unknown }).kind;
        if (k === 'gap') {
          const g = item as LiveGapEvent;
          const s = states.get(g.symbol);
          if (!s) continue;
          const labels = labelsOf(ctx, kind, s.market.id);
          const range = { startNs: g.sinceNs + 1n, endNs: g.untilNs };
          const reason = `${kind} not received: ${g.detail}`;
          ctx.metrics.gapsFound.inc(labels);
          ctx.metrics.gapsUnrepaired.inc(labels);
          s.writer.gap(range, reason);
          ctx.emit('gap', { ...labels, range, reason });
          continue;
        }
        if (k === 'reconnected') {
          ctx.metrics.reconnects.inc({ ...labelsOf(ctx, kind, '*'), cause: 'reconnect' });
          continue;
        }
        if (typeof k === 'string') continue; // other connection events
        const rec = item as { symbol: string; tsNs: bigint; recvNs: bigint };
        const s = states.get(rec.symbol);
        if (!s) continue;
        ctx.health.data(id);
        const labels = labelsOf(ctx, kind, s.market.id);
        ctx.metrics.messages.inc(labels);
        const last = s.writer.lastTsNs;
        if (last !== undefined && rec.tsNs < last) continue; // never backwards within a series
        if (s.unknownFrom !== undefined && s.unknownFrom < rec.tsNs) {
          const range = { startNs: s.unknownFrom, endNs: rec.tsNs };
          s.writer.gap(range, s.unknownWhy);
          ctx.metrics.gapsUnrepaired.inc(labels);
          ctx.emit('gap', { ...labels, range, reason: s.unknownWhy });
        }
        s.unknownFrom = undefined;
        if (!s.writer.isOpen) s.writer.begin(rec.tsNs);
        s.writer.write(rec as unknown as RecordOfKind<KindId>);
        ctx.metrics.records.inc(labels);
        ctx.metrics.lag.set(labels, Number(rec.recvNs - rec.tsNs) / 1e9);
      }
      // The run ended (silence, error, stop): what follows is unknown until the next record.
      for (const s of states.values()) {
        const last = s.writer.lastTsNs;
        if (s.unknownFrom === undefined && last !== undefined) {
          s.unknownFrom = last + 1n;
          s.unknownWhy = `${kind} stream restarted`;
        }
      }
    });
  } finally {
    for (const s of states.values()) {
      s.writer.flush();
      const last = s.writer.lastTsNs;
      await s.writer.close(last === undefined ? undefined : last + 1n);
    }
  }
}
