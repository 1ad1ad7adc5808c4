/**
 * The recorder's Prometheus metrics (prom-client), one registry per recorder (never the global one), all
 * labelled by exchange, kind and symbol. Names start with `tickwire_record_`; docs/RECORDER.md lists them.
 *
 * @module
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Labels of every series metric. */
export type SeriesLabels = { exchange: string; kind: string; symbol: string };

/** The recorder's metrics. */
export class RecorderMetrics {
  /** The registry (serve `registry.metrics()` as `registry.contentType`). */
  readonly registry: Registry;
  /** Data messages received (trades, book events, liquidations, mark updates). */
  readonly messages: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Rows written to journals (become Parquet rows at rotation). */
  readonly records: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Reconnects of the WebSocket, and restarts of a silent stream. */
  readonly reconnects: Counter<'exchange' | 'kind' | 'symbol' | 'cause'>;
  /** Missing ranges found (id jumps, reconnects, resyncs, restarts). */
  readonly gapsFound: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Missing ranges refilled over REST. */
  readonly gapsRepaired: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Missing ranges recorded as gaps in the completeness record. */
  readonly gapsUnrepaired: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Book resyncs, by reason. */
  readonly resyncs: Counter<'exchange' | 'kind' | 'symbol' | 'reason'>;
  /** Files committed into the archive. */
  readonly rotations: Counter<'exchange' | 'kind' | 'symbol'>;
  /** Receive time minus exchange time of the latest message, seconds. */
  readonly lag: Gauge<'exchange' | 'kind' | 'symbol'>;
  /** Wall time of the latest data message, seconds since the epoch. */
  readonly lastMessage: Gauge<'exchange' | 'kind' | 'symbol'>;
  /** 1 while the stream delivers data within its silence limit, else 0. */
  readonly up: Gauge<'exchange' | 'kind' | 'symbol'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    const labels = ['exchange', 'kind', 'symbol'] as const;
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name: `tickwire_record_${name}`, help, labelNames, registers });
    const gauge = (name: string, help: string) =>
      new Gauge<(typeof labels)[number]>({
        name: `tickwire_record_${name}`,
        help,
        labelNames: labels,
        registers,
      });
    this.messages = counter('messages_total', 'Data messages received', labels);
    this.records = counter('records_written_total', 'Rows written', labels);
    this.reconnects = counter('reconnects_total', 'WebSocket reconnects and silent-stream restarts', [
      ...labels,
      'cause',
    ]);
    this.gapsFound = counter('gaps_found_total', 'Missing ranges found', labels);
    this.gapsRepaired = counter('gaps_repaired_total', 'Missing ranges refilled over REST', labels);
    this.gapsUnrepaired = counter('gaps_unrepaired_total', 'Missing ranges recorded as gaps', labels);
    this.resyncs = counter('resyncs_total', 'Order book resyncs', [...labels, 'reason']);
    this.rotations = counter('file_rotations_total', 'Files committed into the archive', labels);
    this.lag = gauge('lag_seconds', 'Receive time minus exchange time of the latest message');
    this.lastMessage = gauge('last_message_timestamp_seconds', 'Wall time of the latest data message');
    this.up = gauge('stream_up', '1 while the stream delivers data within its silence limit');
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'tickwire_' });
  }
}
