/**
 * `tickwire record --archive <dir> <exchange> <kind[,kind]> <symbol...>` or `--config <file>`: live
 * capture into the archive, around the clock (see docs/RECORDER.md). SIGTERM/SIGINT flush, close and
 * commit every file and exit 0; a second signal exits at once (the next start recovers the journals).
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import { isExchangeId } from '../../adapters/registry.js';
import { ValidationError } from '../../core/errors.js';
import { formatIsoNs } from '../../core/time.js';
import type { RecordConfig } from '../../record/config.js';
import type { ExchangeConnection } from '../../record/context.js';
import { parseRotate } from '../../record/rotate.js';
import { redactPostgresUrl } from '../../sinks/postgres/url.js';
import { parsePositiveArg } from '../args.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import { addExchangeOptions, SIM_DEFAULT_NOW_NS } from '../exchange.js';
import { EXIT } from '../exit.js';
import {
  addLiveConnectionOptions,
  connectLive,
  type LiveConnection,
  type LiveFlags,
  plain,
} from '../live-command.js';
import { trapInterrupts } from '../signals.js';
import { addSinkOptions, type SinkFlags, sinkTargetOf } from '../sink-options.js';

type RecordFlags = LiveFlags &
  SinkFlags & {
    archive?: string;
    config?: string;
    rotate?: number;
    depth?: number;
    silence?: number;
    metricsPort?: number;
    metricsHost?: string;
    backfill: boolean;
  };

const EXAMPLES = `
Examples:
  $ tickwire record --archive ./data binance trades,book BTCUSDT ETHUSDT --metrics-port 9464
  $ tickwire record --archive ./data --config record.yaml
  $ tickwire record --archive ./data binance trades BTCUSDT --sink postgres://me@localhost/market
  $ tickwire record --archive /tmp/a kraken trades,book XBTUSD --sim --sim-speed 60 --rotate 1m --duration 30

Files rotate every --rotate (default 1h) and are committed crash-safe into the archive with their
coverage and gaps. SIGTERM or Ctrl-C closes every file and exits 0; after a crash (SIGKILL) the next
start recovers the open files and refills trades over REST. With --sink every record but book rows also
goes into PostgreSQL (committed every second; the table holds what the files hold). GET /metrics and /healthz on --metrics-port.`;

function parsePortArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535) throw new InvalidArgumentError('Expected a port in [0, 65535].');
  return n;
}

function parseRotateArg(text: string): number {
  try {
    return parseRotate(text, '--rotate');
  } catch {
    throw new InvalidArgumentError('Expected seconds or a span such as 1h or 15m that divides a day.');
  }
}

function parseDepthArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 5000) throw new InvalidArgumentError('Expected an integer in [0, 5000].');
  return n;
}

/** The `record` command. */
export const recordCommand: CommandModule = {
  name: 'record',
  register(program, ctx) {
    const cmd = program
      .command('record')
      .summary('record live data into an archive, around the clock')
      .description(
        'Record live trades and order books into a tickwire archive: hourly files, crash-safe, with every gap recorded.',
      )
      .argument('[exchange]', 'binance, coinbase, kraken or binance-usdm (or use --config)')
      .argument('[kinds]', 'comma-separated: trades, book, mark, liquidations (binance-usdm)')
      .argument('[symbol...]', 'symbols in any spelling: BTCUSDT, BTC/USDT, BTC-USD, XBTUSD')
      .option('--archive <dir>', 'the archive folder (or archive: in --config)')
      .option('--config <file>', 'what to record, as YAML or JSON (see docs/RECORDER.md)')
      .addOption(
        new Option('--rotate <span>', 'file rotation period, e.g. 1h, 15m (divides a day)').argParser(
          parseRotateArg,
        ),
      )
      .addOption(
        new Option('--depth <n>', 'book levels per side to record (0: every change)').argParser(
          parseDepthArg,
        ),
      )
      .addOption(
        new Option(
          '--silence <s>',
          'a stream without data this long is unhealthy and restarted (default 60)',
        ).argParser(parsePositiveArg),
      )
      .addOption(
        new Option(
          '--metrics-port <port>',
          'serve /metrics (Prometheus) and /healthz on this port',
        ).argParser(parsePortArg),
      )
      .option('--metrics-host <host>', 'interface of the metrics endpoint', '127.0.0.1')
      .option('--no-backfill', 'do not refill trades over REST from the start of the file / the archive end');
    cmd.addOption(new Option('--duration <s>', 'stop after this many seconds').argParser(parsePositiveArg));
    addLiveConnectionOptions(cmd);
    addSinkOptions(addExchangeOptions(cmd));
    cmd
      .addHelpText('after', EXAMPLES)
      .action(
        (exchange: string | undefined, kinds: string | undefined, symbols: string[], flags: RecordFlags) =>
          runRecord(ctx, cmd, exchange, kinds, symbols, flags),
      );
  },
};

async function configOf(
  exchange: string | undefined,
  kinds: string | undefined,
  symbols: string[],
  flags: RecordFlags,
): Promise<RecordConfig> {
  if (flags.config !== undefined) {
    if (exchange !== undefined) {
      throw new ValidationError('exchange', exchange, 'no positional arguments with --config');
    }
    const { loadConfig } = await import('../../record/config.js');
    return loadConfig(flags.config);
  }
  if (exchange === undefined || kinds === undefined || symbols.length === 0) {
    throw new ValidationError(
      'arguments',
      [exchange, kinds, ...symbols].filter(Boolean).join(' '),
      '<exchange> <kind[,kind]> <symbol...>, or --config <file>',
    );
  }
  const { checkStream } = await import('../../record/config.js');
  return {
    streams: [
      checkStream(
        {
          exchange,
          kinds: kinds.split(','),
          symbols,
          ...(flags.depth === undefined ? {} : { depth: flags.depth }),
        },
        'arguments',
      ),
    ],
  };
}

async function runRecord(
  ctx: CliContext,
  cmd: Command,
  exchangeArg: string | undefined,
  kinds: string | undefined,
  symbols: string[],
  flags: RecordFlags,
): Promise<void> {
  const { io } = ctx;
  const { quiet = false } = globalsOf(cmd);
  const info = (line: string): void => {
    if (!quiet) io.stderr.write(`${plain(line)}\n`);
  };
  const warn = (line: string): void => {
    io.stderr.write(`${plain(line)}\n`);
  };
  const config = await configOf(exchangeArg, kinds, symbols, flags);
  const exchanges = [...new Set(config.streams.map((s) => s.exchange))];
  if ((flags.sim || flags.baseUrl || flags.wsUrl) && exchanges.length > 1 && !flags.sim) {
    throw new ValidationError(
      '--base-url',
      flags.baseUrl ?? flags.wsUrl,
      'one exchange (use baseUrl/wsUrl per stream in --config)',
    );
  }
  const connections: Partial<Record<ExchangeId, ExchangeConnection>> = {};
  const live: LiveConnection[] = [];
  const stop = new AbortController();
  const trap = trapInterrupts({
    onFirst: (s) =>
      info(`tickwire: ${s}: stopping; closing and committing every file (again to quit at once)`),
  });
  trap.signal.addEventListener('abort', () => stop.abort(trap.signal.reason), { once: true });
  const timer =
    flags.duration === undefined
      ? undefined
      : setTimeout(() => stop.abort('duration'), Math.min(flags.duration * 1000, 2 ** 31 - 1));
  try {
    for (const ex of exchanges) {
      if (!isExchangeId(ex)) continue;
      const c = await connectLive(ex, flags, (m) => warn(`tickwire: warning: ${m}`));
      live.push(c);
      if (c.sim) {
        info(
          `tickwire: simulated ${ex} at ${c.sim.url} (market clock from ${formatIsoNs(SIM_DEFAULT_NOW_NS)} at ${flags.simSpeed}x)`,
        );
      }
      connections[ex] = {
        adapterOptions: c.adapterOptions,
        websocket: c.websocket,
        ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
        ...(c.wsUrl === undefined ? {} : { wsUrl: c.wsUrl }),
      };
    }
    const archive = flags.archive ?? config.archive;
    if (archive === undefined)
      throw new ValidationError('--archive', archive, 'the archive folder (or archive: in --config)');
    const metricsPort = flags.metricsPort ?? config.metricsPort;
    const sinkTarget = sinkTargetOf(flags);
    const { record } = await import('../../record/recorder.js');
    const rec = await record({
      ...(sinkTarget ? { sink: sinkTarget } : {}),
      archive,
      streams: config.streams,
      rotate: flags.rotate ?? config.rotate ?? 3600,
      ...((flags.silence ?? config.silenceS) ? { silenceS: flags.silence ?? config.silenceS } : {}),
      connections,
      backfill: flags.backfill,
      ...(metricsPort === undefined ? {} : { metricsPort, metricsHost: flags.metricsHost }),
      signal: stop.signal,
    });
    const stats = rec.stats();
    if (stats.recovered > 0) info(`tickwire: recovered ${stats.recovered} file(s) a previous run left open`);
    for (const u of stats.unrecoverable)
      warn(`tickwire: warning: could not recover ${u} (set aside as .failed)`);
    if (rec.server)
      info(`tickwire: metrics at ${rec.server.url}/metrics, health at ${rec.server.url}/healthz`);
    info(
      `tickwire: recording ${config.streams.map((s) => `${s.exchange} ${s.kinds.join(',')} ${s.symbols.join(' ')}`).join('; ')} -> ${archive}${sinkTarget ? ` and ${redactPostgresUrl(sinkTarget.url)}` : ''}`,
    );
    rec.events.on('commit', (c) =>
      info(
        `tickwire: ${c.key.exchange} ${c.key.kind} ${c.key.symbol} ${c.key.date}: ${c.file ?? '-'} (${c.rows} rows${c.gaps.length ? `, ${c.gaps.length} gap(s)` : ''})`,
      ),
    );
    rec.events.on('gap', (g) =>
      warn(
        `tickwire: GAP ${g.exchange} ${g.kind} ${g.symbol} ${formatIsoNs(g.range.startNs)}..${formatIsoNs(g.range.endNs)}: ${g.reason}`,
      ),
    );
    rec.events.on('repaired', (r) =>
      info(`tickwire: ${r.exchange} ${r.kind} ${r.symbol}: refilled ${r.count} over REST (${r.trigger})`),
    );
    rec.events.on('resync', (r) =>
      info(`tickwire: ${r.exchange} ${r.kind} ${r.symbol}: resync (${r.reason}) ${r.detail}`),
    );
    rec.events.on('silent', (s) =>
      warn(`tickwire: ${s.exchange} ${s.kind} ${s.symbol}: no data for ${s.silentForMs} ms; reconnecting`),
    );
    rec.events.on('reconnect', (r) =>
      info(`tickwire: ${r.exchange} ${r.kind} ${r.symbol}: reconnect (${r.cause}) ${r.detail}`),
    );
    rec.events.on('error', (e) =>
      warn(
        `tickwire: ${e.exchange} ${e.kind} ${e.symbol}: error: ${(e.error as Error)?.message ?? String(e.error)}`,
      ),
    );
    const done = await rec.done;
    info(
      `tickwire: record: ${done.files} file(s), ${done.rows} rows, ${done.gaps} gap(s) recorded (stopped: ${trap.received ?? (stop.signal.aborted ? `--duration ${flags.duration}s` : 'the streams ended')})`,
    );
    ctx.exitCode = EXIT.OK;
  } finally {
    if (timer) clearTimeout(timer);
    trap.dispose();
    for (const c of live) await c.close();
  }
}
