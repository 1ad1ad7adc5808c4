/**
 * Recording `kind=book` of one symbol: `stream.book` (verified by the exchange's own rules) turned into
 * incremental L2 rows. Each file opens with a full snapshot (rows with `isSnapshot`), so it replays on
 * its own: at the first update after a (re)build, and at every rotation (the book as it stood at the
 * boundary). Between a resync (or a restart) and the next snapshot, updates are unknown: that range is
 * recorded as a gap.
 *
 * With `depth` set, rows describe the top `depth` levels per side only (levels entering or leaving the
 * top appear as rows too), so a replay reproduces the top `depth` levels exactly; without it, rows are
 * the exchange's changes as the book applied them.
 *
 * Snapshot rows carry the time of the update that follows them (REST and some WebSocket snapshots carry
 * no exchange time); times never go backwards within a series.
 *
 * @module
 */
import type { Market } from '../adapters/symbols.js';
import type { BookRow } from '../core/kinds.js';
import { nowNs } from '../core/time.js';
import { type BookStreamItem, streamBook } from '../stream/index.js';
import { labelsOf, seriesWriter, type TaskContext } from './context.js';
import { coverageEnd } from './recover.js';
import { runRestartable } from './restart.js';

type Side = 'bid' | 'ask';
type Levels = { bids: Map<number, number>; asks: Map<number, number> };

const sortLevels = (m: Map<number, number>, side: Side): [number, number][] =>
  [...m.entries()].sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));

/** Records the book of `market` until `ctx.signal` aborts. `depth` 0 records full changes. */
export async function recordBook(ctx: TaskContext, market: Market, depth: number): Promise<void> {
  const labels = labelsOf(ctx, 'book', market.id);
  const mirror: Levels = { bids: new Map(), asks: new Map() };
  let lastUpdateId = -1n;
  const snapshotRows = (tsNs: bigint, recvNs: bigint, levels: Levels, updateId: bigint): BookRow[] => {
    const rows: BookRow[] = [];
    for (const side of ['bid', 'ask'] as const) {
      for (const [price, amount] of sortLevels(side === 'bid' ? levels.bids : levels.asks, side)) {
        rows.push({ tsNs, recvNs, updateId, side, price, amount, isSnapshot: true });
      }
    }
    return rows;
  };
  const writer = seriesWriter(ctx, 'book', market.id, (b) => snapshotRows(b, nowNs(), mirror, lastUpdateId));
  const end = await coverageEnd(ctx.dir, { exchange: ctx.exchange, kind: 'book', symbol: market.id });
  /** Start of the range whose updates are unknown (after a resync or restart), until the next snapshot. */
  let unknownFrom: bigint | undefined = end?.endNs;
  let unknownWhy = 'recorder not running';
  const id = `${ctx.exchange}/book/${market.id}`;
  const write = (r: BookRow): void => {
    writer.write(r);
    ctx.metrics.records.inc(labels);
  };
  const viewLevels = (ev: Extract<BookStreamItem, { kind: 'snapshot' | 'update' }>): Levels => {
    const n = depth > 0 ? depth : Math.max(ev.book.depth.bids, ev.book.depth.asks);
    const toMap = (ls: { price: number; amount: number }[]) => new Map(ls.map((l) => [l.price, l.amount]));
    return { bids: toMap(ev.book.bids(n)), asks: toMap(ev.book.asks(n)) };
  };
  try {
    await runRestartable(ctx, id, 'book', market.id, async (signal) => {
      let pending: { levels: Levels; updateId: bigint } | undefined;
      const it = streamBook({
        exchange: ctx.exchange,
        symbol: market.symbol,
        adapter: ctx.adapter,
        signal,
        ...(depth > 0 ? { depth } : {}),
        ...ctx.connection,
      });
      let first = true;
      for await (const ev of it) {
        switch (ev.kind) {
          case 'snapshot':
            ctx.health.data(id);
            ctx.metrics.messages.inc(labels);
            pending = { levels: viewLevels(ev), updateId: BigInt(ev.updateId ?? -1) };
            continue;
          case 'update': {
            ctx.health.data(id);
            ctx.metrics.messages.inc(labels);
            const recvNs = nowNs();
            const last = writer.lastTsNs;
            const tsNs = last !== undefined && ev.tsNs < last ? last : ev.tsNs;
            ctx.metrics.lag.set(labels, Number(recvNs - ev.tsNs) / 1e9);
            const updateId = BigInt(ev.updateId ?? -1);
            if (pending === undefined && first) continue; // an update before any snapshot: not in sync yet
            first = false;
            if (pending) {
              // (Re)built: the unknown range ends here; the snapshot opens coverage again.
              if (unknownFrom !== undefined && unknownFrom < tsNs) {
                const range = { startNs: unknownFrom, endNs: tsNs };
                writer.gap(range, unknownWhy);
                ctx.metrics.gapsUnrepaired.inc(labels);
                ctx.emit('gap', { ...labels, range, reason: unknownWhy });
              }
              unknownFrom = undefined;
              if (!writer.isOpen) writer.begin(tsNs);
              replace(mirror, pending.levels);
              lastUpdateId = pending.updateId;
              writer.advance(tsNs); // a rotation here snapshots the rebuilt book at the boundary
              for (const r of snapshotRows(tsNs, recvNs, mirror, pending.updateId)) write(r);
              pending = undefined;
            } else {
              writer.advance(tsNs); // a rotation snapshots the book before this update
            }
            const changes: { side: Side; price: number; amount: number }[] =
              depth > 0
                ? diff(mirror, viewLevels(ev))
                : ev.changes.map((c) => ({ side: c.side, price: c.price, amount: c.amount }));
            for (const c of changes) {
              write({
                tsNs,
                recvNs,
                updateId,
                side: c.side,
                price: c.price,
                amount: c.amount,
                isSnapshot: false,
              });
              const m = c.side === 'bid' ? mirror.bids : mirror.asks;
              if (c.amount === 0) m.delete(c.price);
              else m.set(c.price, c.amount);
            }
            lastUpdateId = updateId;
            continue;
          }
          case 'resync': {
            ctx.metrics.resyncs.inc({ ...labels, reason: ev.reason });
            ctx.metrics.gapsFound.inc(labels);
            ctx.emit('resync', { ...labels, reason: ev.reason, detail: ev.detail });
            markUnknown(`book resync (${ev.reason}): ${ev.detail}`);
            pending = undefined;
            continue;
          }
          case 'reconnected':
            ctx.metrics.reconnects.inc({ ...labels, cause: 'reconnect' });
            continue;
          default:
            continue;
        }
      }
      // The run ended (silence, error, stop): what follows is unknown until the next snapshot.
      markUnknown('book stream restarted');
    });
  } finally {
    writer.flush();
    const last = writer.lastTsNs;
    await writer.close(last === undefined ? undefined : last + 1n);
  }

  function markUnknown(why: string): void {
    if (unknownFrom !== undefined) return;
    const last = writer.lastTsNs;
    if (last === undefined) return;
    unknownFrom = last + 1n;
    unknownWhy = why;
  }
}

function replace(mirror: Levels, levels: Levels): void {
  mirror.bids = new Map(levels.bids);
  mirror.asks = new Map(levels.asks);
}

/** Rows that turn `from` into `to` (both top-N), and nothing else. */
function diff(from: Levels, to: Levels): { side: Side; price: number; amount: number }[] {
  const out: { side: Side; price: number; amount: number }[] = [];
  for (const side of ['bid', 'ask'] as const) {
    const a = side === 'bid' ? from.bids : from.asks;
    const b = side === 'bid' ? to.bids : to.asks;
    for (const [price] of a) if (!b.has(price)) out.push({ side, price, amount: 0 });
    for (const [price, amount] of b) if (a.get(price) !== amount) out.push({ side, price, amount });
  }
  return out;
}
