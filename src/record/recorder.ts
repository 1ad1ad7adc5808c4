/**
 * `record(options)`: the live recorder as a library. It recovers what a killed run left, resolves every
 * symbol, then runs one task per (exchange, kind) group: trades of an exchange share one connection, each
 * book has its own. Returns a handle to watch (events, stats, health) and stop it (every file flushed,
 * closed and committed).
 *
 * @module
 */
import type { ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import type { PartitionFileOptions } from '../archive/commit.js';
import { ValidationError } from '../core/errors.js';
import { checkPostgresUrl } from '../sinks/postgres/url.js';
import { checkStream, parseRotate, type RecordStreamConfig } from './config.js';
import type { ExchangeConnection, TaskContext } from './context.js';
import type { RecordSinkOptions } from './db-mirror.js';
import { RecorderEvents } from './events.js';
import { HealthBoard, type HealthReport } from './health.js';
import type { JournalOptions } from './journal.js';
import { KIND_RECORDERS } from './live-kinds.js';
import { RecorderMetrics } from './metrics.js';
import { recoverJournals } from './recover.js';
import type { SegmentCommit } from './segment.js';
import { type OpsServer, startOpsServer } from './server.js';

/** Options of {@link record}. */
export type RecordOptions = {
  /** The archive folder (created if missing). */
  archive: string;
  /** What to record. */
  streams: readonly RecordStreamConfig[];
  /** Rotation period in seconds, or a span (`1h`, `15m`); divides a day. @default 3600 */
  rotate?: number | string;
  /** Seconds without data after which a stream is silent: unhealthy and restarted. @default 60 */
  silenceS?: number;
  /** Where each exchange connects (simulator, proxy). @default the real exchanges */
  connections?: Partial<Record<ExchangeId, ExchangeConnection>>;
  /**
   * Refill over REST, when trades start (first start: from the start of the current file; restart: from
   * where the archive ends). @default true
   */
  backfill?: boolean;
  /** Longest range refilled over REST at a start, seconds; older is recorded as a gap. @default 86_400 */
  maxBackfillS?: number;
  /** Journal timings (how much a crash can lose). @default { flushMs: 100, syncMs: 1000 } */
  journal?: JournalOptions;
  /** Parquet options of the files. @default zstd */
  parquet?: PartitionFileOptions;
  /** Serve `/metrics` and `/healthz` on this port (0: a free one). @default none */
  metricsPort?: number;
  /** Host of the metrics endpoint. @default '127.0.0.1' */
  metricsHost?: string;
  /** Metrics to use (e.g. to share a registry). @default new ones */
  metrics?: RecorderMetrics;
  /**
   * Also write every record of every kind but `book` into this database, as the archive gets it (the
   * table holds what the files hold), committed every `flushIntervalMs`. @default none
   */
  sink?: RecordSinkOptions;
  /** Aborting stops the recorder (as `stop()`). @default undefined */
  signal?: AbortSignal;
};

/** Counts since the start. */
export type RecorderStats = {
  /** Files committed. */
  files: number;
  /** Rows in them. */
  rows: number;
  /** Gaps recorded. */
  gaps: number;
  /** Segments a killed run left, recovered at the start. */
  recovered: number;
  /** Journals that could not be recovered (set aside as `.failed`, reported as `error` events). */
  unrecoverable: string[];
};

/** A running recorder. */
export type RecorderHandle = {
  /** Events: commit, gap, repaired, resync, reconnect, silent, error. */
  readonly events: RecorderEvents;
  /** The metrics (prom-client registry). */
  readonly metrics: RecorderMetrics;
  /** The metrics endpoint, with `metricsPort`. */
  readonly server: OpsServer | undefined;
  /** Counts so far. */
  stats(): RecorderStats;
  /** Stream health (what `/healthz` answers). */
  health(): HealthReport;
  /** Stops: ends every stream, closes and commits every file. Idempotent. */
  stop(): Promise<RecorderStats>;
  /** Settles when the recorder stopped (by `stop()`, `signal`, or a fatal error, which it rejects with). */
  readonly done: Promise<RecorderStats>;
};

/**
 * Starts recording. Resolves once the recorder runs (recovery done, symbols resolved); rejects on bad
 * options or an unknown symbol.
 *
 * @example
 * const rec = await record({ archive: './data', streams: [{ exchange: 'binance', kinds: ['trades', 'book'], symbols: ['BTCUSDT'] }] });
 * rec.events.on('gap', (g) => console.error('gap', g.symbol, g.reason));
 * process.on('SIGTERM', () => void rec.stop());
 */
export async function record(options: RecordOptions): Promise<RecorderHandle> {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', options, 'an options object');
  if (typeof options.archive !== 'string' || options.archive === '') {
    throw new ValidationError('options.archive', options.archive, 'a folder path');
  }
  if (!Array.isArray(options.streams) || options.streams.length === 0) {
    throw new ValidationError(
      'options.streams',
      options.streams,
      'a non-empty list of { exchange, kinds, symbols }',
    );
  }
  const streams = options.streams.map((s, i) => checkStream(s, `options.streams[${i}]`));
  const rotateS = parseRotate(options.rotate ?? 3600, 'options.rotate');
  const silenceS = options.silenceS ?? 60;
  if (!(silenceS > 0))
    throw new ValidationError('options.silenceS', silenceS, 'a positive number of seconds');
  const maxBackfillS = options.maxBackfillS ?? 86_400;
  if (!(maxBackfillS >= 0)) throw new ValidationError('options.maxBackfillS', maxBackfillS, 'a number ≥ 0');
  if (options.sink !== undefined) {
    if (typeof options.sink !== 'object' || options.sink === null)
      throw new ValidationError('options.sink', options.sink, '{ url, schema?, flushIntervalMs? }');
    checkPostgresUrl(options.sink.url, 'options.sink.url');
  }
  const dir = options.archive;
  const events = new RecorderEvents();
  const metrics = options.metrics ?? new RecorderMetrics();
  const health = new HealthBoard();
  const stats: RecorderStats = { files: 0, rows: 0, gaps: 0, recovered: 0, unrecoverable: [] };
  const onCommit = (c: SegmentCommit) => {
    stats.files++;
    stats.rows += c.rows;
    stats.gaps += c.gaps.length;
  };
  events.on('commit', onCommit);
  // Never let an 'error' event without a listener crash the process: errors are also counted.
  events.on('error', () => {});
  await recoverJournals(
    dir,
    (c) => {
      stats.recovered++;
      events.emit('commit', c);
    },
    (path, error) => {
      stats.unrecoverable.push(`${path}: ${(error as Error).message}`);
      const h = /([^/]+)~([^~]+)~([^~]+)~\d+\.journal$/.exec(path);
      events.emit('error', {
        exchange: h?.[1] ?? '?',
        kind: h?.[2] ?? '?',
        symbol: h?.[3] ?? '?',
        error: new Error(`could not recover ${path} (set aside as .failed): ${(error as Error).message}`),
        fatal: false,
      });
    },
  );

  const stop = new AbortController();
  if (options.signal) {
    if (options.signal.aborted) stop.abort(options.signal.reason);
    else options.signal.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true });
  }
  const adapters = new Map<string, ExchangeAdapter>();
  const tasks: Promise<void>[] = [];
  let server: OpsServer | undefined;
  try {
    // Group by exchange; resolve every symbol first (an unknown one fails here, before anything runs).
    const groups: {
      ctx: TaskContext;
      kinds: RecordStreamConfig['kinds'];
      markets: Awaited<ReturnType<ExchangeAdapter['resolveSymbol']>>[];
      depth: number;
    }[] = [];
    for (const s of streams) {
      const conn: ExchangeConnection = {
        ...options.connections?.[s.exchange],
        ...(s.baseUrl === undefined ? {} : { baseUrl: s.baseUrl }),
        ...(s.wsUrl === undefined ? {} : { wsUrl: s.wsUrl }),
      };
      const adapterKey = `${s.exchange} ${conn.baseUrl ?? ''}`;
      let adapter = adapters.get(adapterKey);
      if (!adapter) {
        adapter = createAdapter(s.exchange, {
          ...conn.adapterOptions,
          ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }),
        });
        adapters.set(adapterKey, adapter);
      }
      const a = adapter;
      const markets = await Promise.all(s.symbols.map((sym) => a.resolveSymbol(sym)));
      const ctx: TaskContext = {
        dir,
        exchange: s.exchange,
        adapter,
        connection: { ...conn },
        rotateS,
        journal: options.journal ?? {},
        parquet: options.parquet ?? {},
        silenceMs: (s.silenceS ?? silenceS) * 1000,
        backfill: options.backfill ?? true,
        maxBackfillS,
        metrics,
        health,
        emit: events.emit.bind(events) as TaskContext['emit'],
        signal: stop.signal,
        ...(options.sink
          ? { sink: { target: options.sink, unified: new Map(markets.map((m) => [m.id, m.symbol])) } }
          : {}),
      };
      groups.push({ ctx, kinds: s.kinds, markets, depth: s.depth ?? 0 });
    }
    if (options.metricsPort !== undefined) {
      server = await startOpsServer(metrics, health, options.metricsPort, options.metricsHost);
    }
    for (const g of groups) {
      for (const kind of g.kinds) {
        for (const t of KIND_RECORDERS[kind]!.start(g.ctx, g.markets, { depth: g.depth })) tasks.push(t);
      }
    }
  } catch (error) {
    stop.abort(error);
    await Promise.allSettled(tasks);
    for (const a of adapters.values()) await a.close();
    await server?.close();
    throw error;
  }
  const done = (async () => {
    const results = await Promise.allSettled(tasks);
    stop.abort('done');
    health.close();
    for (const a of adapters.values()) await a.close().catch(() => undefined);
    await server?.close();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { ...stats };
  })();
  done.catch(() => undefined);
  return {
    events,
    metrics,
    server,
    stats: () => ({ ...stats, unrecoverable: [...stats.unrecoverable] }),
    health: () => health.report(),
    stop: async () => {
      stop.abort('stop');
      return done;
    },
    done,
  };
}
