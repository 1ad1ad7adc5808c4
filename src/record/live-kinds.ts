/**
 * The kinds the recorder captures and how: one table from kind to its task. A kind the table maps to
 * `undefined` is known but not wired yet (`UnsupportedKindError`). To add one (e.g. `mark` once
 * `stream.mark` exists): write its task (a `SeriesWriter` per symbol fed from the stream, with
 * `recvNs` set at receipt) and put it here.
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import type { Market } from '../adapters/symbols.js';
import { recordBook } from './book-task.js';
import type { TaskContext } from './context.js';
import { recordTrades } from './trades-task.js';

/** The kinds `tickwire record` knows. */
export const RECORDER_KINDS = ['trades', 'book', 'liquidations', 'mark'] as const;

/** One of {@link RECORDER_KINDS}. */
export type RecorderKind = (typeof RECORDER_KINDS)[number];

/** Per-stream settings a task may use. */
export type TaskSettings = {
  /** Book levels per side recorded (0: every change). */
  depth: number;
};

/** How a kind is recorded: which exchanges serve it live, and the task(s) for a set of markets. */
export type KindRecorder = {
  /** Exchanges whose live feed serves the kind. */
  readonly exchanges: readonly ExchangeId[];
  /** Starts recording `markets`; each promise ends when `ctx.signal` aborts, with every file closed. */
  start(ctx: TaskContext, markets: readonly Market[], settings: TaskSettings): Promise<void>[];
};

const SPOT: readonly ExchangeId[] = ['binance', 'coinbase', 'kraken'];

/** The table: kind → recorder (undefined: not wired yet). */
export const KIND_RECORDERS: Readonly<Record<RecorderKind, KindRecorder | undefined>> = {
  trades: { exchanges: SPOT, start: (ctx, markets) => [recordTrades(ctx, markets)] },
  book: { exchanges: SPOT, start: (ctx, markets, s) => markets.map((m) => recordBook(ctx, m, s.depth)) },
  liquidations: undefined,
  mark: undefined,
};
