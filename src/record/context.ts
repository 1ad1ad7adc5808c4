/**
 * What every recording task gets from the recorder: the archive and its options, the shared adapter of
 * its exchange, where to connect, metrics, health, events, and the stop signal.
 *
 * @module
 */
import type { ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import type { PartitionFileOptions } from '../archive/commit.js';
import type { SeriesKey } from '../archive/layout.js';
import type { KindId } from '../core/kinds.js';
import type { LiveOptions } from '../stream/options.js';
import { type RecordSinkOptions, SeriesMirror } from './db-mirror.js';
import type { RecorderEvents } from './events.js';
import type { HealthBoard } from './health.js';
import type { JournalOptions } from './journal.js';
import type { RecorderMetrics } from './metrics.js';
import { SeriesWriter } from './series.js';

/** Where one exchange's streams connect (all optional: the real exchange). */
export type ExchangeConnection = Pick<LiveOptions, 'baseUrl' | 'wsUrl' | 'adapterOptions' | 'websocket'>;

/** Everything a task needs. */
export type TaskContext = {
  readonly dir: string;
  readonly exchange: ExchangeId;
  readonly adapter: ExchangeAdapter;
  readonly connection: ExchangeConnection;
  readonly rotateS: number;
  readonly journal: JournalOptions;
  readonly parquet: PartitionFileOptions;
  readonly silenceMs: number;
  readonly backfill: boolean;
  readonly maxBackfillS: number;
  readonly metrics: RecorderMetrics;
  readonly health: HealthBoard;
  readonly emit: RecorderEvents['emit'];
  readonly signal: AbortSignal;
  /** Also write into this database (every kind but `book`), with the unified symbol of each market id. */
  readonly sink?: { target: RecordSinkOptions; unified: ReadonlyMap<string, string> };
};

/** A series writer wired to the recorder's metrics and events. */
export function seriesWriter<K extends KindId>(
  ctx: TaskContext,
  kind: K,
  symbol: string,
  onRotate?: ConstructorParameters<typeof SeriesWriter>[0]['onRotate'],
): SeriesWriter<K> {
  const key: SeriesKey = { exchange: ctx.exchange, kind, symbol };
  const labels = { exchange: ctx.exchange, kind, symbol };
  // Book rows are not unique by a key (every file repeats the book): they stay in the archive only.
  const mirror =
    ctx.sink && kind !== 'book'
      ? new SeriesMirror<KindId>(
          ctx.sink.target,
          { kind, exchange: ctx.exchange, symbol: ctx.sink.unified.get(symbol) ?? symbol },
          (error) => ctx.emit('error', { ...labels, error, fatal: false }),
        )
      : undefined;
  return new SeriesWriter<K>({
    ...(mirror ? { mirror } : {}),
    dir: ctx.dir,
    key,
    rotateS: ctx.rotateS,
    journal: ctx.journal,
    parquet: ctx.parquet,
    ...(onRotate ? { onRotate } : {}),
    onCommit: (c) => {
      ctx.metrics.rotations.inc(labels);
      ctx.emit('commit', c);
    },
    onError: (error) => ctx.emit('error', { ...labels, error, fatal: false }),
  });
}

/** Labels of a series. */
export function labelsOf(ctx: TaskContext, kind: string, symbol: string) {
  return { exchange: ctx.exchange, kind, symbol };
}
