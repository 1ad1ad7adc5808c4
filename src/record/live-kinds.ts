/**
 * The kinds the recorder captures and how: one table from kind to its task. Each entry says which exchanges serve the
 * kind live (from the streams' per-exchange wiring) and starts its task; an exchange not listed is an
 * `UnsupportedKindError`. A new live-only kind with a `stream.<kind>` like `stream.mark` is one entry with
 * `recordLiveKind`.
 *
 * @module
 */
import type { ExchangeId } from '../adapters/adapter.js';
import type { Market } from '../adapters/symbols.js';
import { LIVE } from '../stream/exchanges.js';
import { streamLiquidations, streamMark } from '../stream/index.js';
import { recordBook } from './book-task.js';
import type { TaskContext } from './context.js';
import { recordLiveKind } from './live-task.js';
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

const ALL = Object.keys(LIVE) as ExchangeId[];
const withFeed = (feed: 'markFeed' | 'liquidationFeed'): ExchangeId[] =>
  ALL.filter((e) => LIVE[e][feed] !== undefined);

/** The table: kind → recorder (undefined: known, not wired). */
export const KIND_RECORDERS: Readonly<Record<RecorderKind, KindRecorder | undefined>> = {
  trades: { exchanges: ALL, start: (ctx, markets) => [recordTrades(ctx, markets)] },
  book: { exchanges: ALL, start: (ctx, markets, s) => markets.map((m) => recordBook(ctx, m, s.depth)) },
  liquidations: {
    exchanges: withFeed('liquidationFeed'),
    start: (ctx, markets) => [recordLiveKind(ctx, markets, 'liquidations', streamLiquidations)],
  },
  mark: {
    exchanges: withFeed('markFeed'),
    start: (ctx, markets) => [recordLiveKind(ctx, markets, 'mark', streamMark)],
  },
};
