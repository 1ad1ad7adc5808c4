/**
 * What `stream trades` and `book` share: their options (output, stop conditions, `--ws-url`, `--sim` with a
 * running clock), the connection they build from them, and one run's lifecycle: stop on `--count`,
 * `--duration` or Ctrl-C, events on stderr as plain lines, data flushed as complete lines, exit code.
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AdapterOptions, ExchangeId } from '../adapters/adapter.js';
import { formatIsoNs } from '../core/time.js';
import type { RunningSimulator, WsFaultRates } from '../sim/index.js';
import type { SinkFormat } from '../sinks/format.js';
import type { WebSocketOptions } from '../transport/websocket/index.js';
import { formatFor, parseCountArg, parseFormatArg, parsePositiveArg } from './args.js';
import { type CliContext, globalsOf } from './context.js';
import { addExchangeOptions, connectExchange, type ExchangeFlags, SIM_DEFAULT_NOW_NS } from './exchange.js';
import { EXIT, type ExitCode, exitForSignal } from './exit.js';
import { LineOutput } from './live-output.js';
import { trapInterrupts } from './signals.js';

/** Flags of the live commands as commander parses them. */
export type LiveFlags = ExchangeFlags & {
  wsUrl?: string;
  out?: string;
  format?: SinkFormat;
  count?: number;
  duration?: number;
  simSpeed: number;
  wsFaults?: WsFaultRates;
  idleTimeout?: number;
};

/** Parses `--ws-url`: a ws(s) URL. The trailing slash is dropped. */
export function parseWsUrlArg(text: string): string {
  try {
    const u = new URL(text);
    if (u.protocol === 'ws:' || u.protocol === 'wss:') return text.replace(/\/+$/, '');
  } catch {
    // fall through
  }
  throw new InvalidArgumentError('Expected a ws(s) URL such as ws://127.0.0.1:8080.');
}

/** The keys `--ws-faults` accepts. */
const WS_FAULT_KEYS = [
  'dropRate',
  'stallRate',
  'skipUpdateIdRate',
  'dropMessageRate',
  'badChecksumRate',
  'replayTradesRate',
  'resnapshotRate',
  'bookRestartRate',
  'staleUpdateRate',
  'seed',
] as const;

/** Parses `--ws-faults`: `key=value` pairs such as `dropRate=0.001,stallRate=0.001` (rates per message). */
export function parseWsFaultsArg(text: string): WsFaultRates {
  const out: Record<string, number> = {};
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return {};
  for (const pair of trimmed.split(',')) {
    const [key = '', raw = ''] = pair.split('=').map((s) => s.trim());
    if (!(WS_FAULT_KEYS as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        `Unknown WebSocket fault ${JSON.stringify(key)}; expected key=value pairs with keys ${WS_FAULT_KEYS.join(', ')}.`,
      );
    }
    const v = Number(raw);
    const ok =
      raw !== '' && (key === 'seed' ? Number.isSafeInteger(v) : Number.isFinite(v) && v >= 0 && v <= 1);
    if (!ok) {
      throw new InvalidArgumentError(
        `Bad value ${JSON.stringify(raw)} for ${key}; expected ${key === 'seed' ? 'an integer' : 'a number in [0, 1]'}.`,
      );
    }
    out[key] = v;
  }
  return out as WsFaultRates;
}

/**
 * Adds where a live command connects and how its simulator behaves: `--ws-url`, `--sim-speed`,
 * `--ws-faults`, `--idle-timeout` (shared by `stream`, `book` and `record`).
 */
export function addLiveConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--ws-url <url>',
        'WebSocket base URL of the exchange (a proxy, a simulator); default: the real exchange',
      )
        .argParser(parseWsUrlArg)
        .conflicts('sim'),
    )
    .addOption(
      new Option('--sim-speed <x>', 'with --sim: market seconds per real second')
        .argParser(parsePositiveArg)
        .default(1),
    )
    .addOption(
      new Option(
        '--ws-faults <list>',
        'with --sim: WebSocket faults per message, e.g. dropRate=0.001,stallRate=0.001',
      ).argParser(parseWsFaultsArg),
    )
    .addOption(
      new Option(
        '--idle-timeout <s>',
        'a connection silent this long (not even pongs) is dead and is reconnected (pings every third of it)',
      ).argParser(parsePositiveArg),
    );
}

/** Adds the options of the live commands (and the shared exchange options) to `cmd`. */
export function addLiveOptions(cmd: Command): Command {
  cmd
    .option('-o, --out <file>', 'write to this file (overwritten); default: stdout')
    .addOption(
      new Option(
        '--format <format>',
        'csv or jsonl; default: from the --out extension, else jsonl',
      ).argParser(parseFormatArg),
    )
    .addOption(new Option('--count <n>', 'stop after this many records').argParser(parseCountArg))
    .addOption(new Option('--duration <s>', 'stop after this many seconds').argParser(parsePositiveArg));
  addLiveConnectionOptions(cmd);
  return addExchangeOptions(cmd);
}

/** Where a live command connects, built from its flags. */
export type LiveConnection = {
  /** REST base URL, or `undefined` for the real exchange. */
  baseUrl: string | undefined;
  /** WebSocket base URL, or `undefined` for the real exchange. */
  wsUrl: string | undefined;
  /** Options of the adapter the stream creates (limiter, rate scale, HTTP). */
  adapterOptions: Omit<AdapterOptions, 'baseUrl'>;
  /** Options of the reconnecting WebSocket. */
  websocket: Omit<WebSocketOptions, 'signal'>;
  /** The in-process simulator (`--sim`), if any. */
  sim: RunningSimulator | undefined;
  /** Closes the simulator and the limiter. */
  close(): Promise<void>;
};

/**
 * Starts what the flags ask for: with `--sim`, a simulator whose clock runs from
 * {@link SIM_DEFAULT_NOW_NS} at `--sim-speed` (so trades keep coming), with `--faults` on REST and
 * `--ws-faults` on its WebSockets; a Redis limiter with `--redis`.
 */
export async function connectLive(
  exchange: ExchangeId,
  flags: LiveFlags,
  warn: (message: string) => void,
): Promise<LiveConnection> {
  let sim: RunningSimulator | undefined;
  const rateScale = flags.rateScale ?? 1;
  if (flags.sim) {
    const { startSimulator } = await import('../sim/index.js');
    sim = await startSimulator({
      exchange,
      seed: flags.seed ?? 1,
      clock: { startNs: SIM_DEFAULT_NOW_NS, speed: flags.simSpeed },
      // History starts two days before the clock: trade ids stay cheap to compute.
      markets: { historyStart: SIM_DEFAULT_NOW_NS - 2n * 86_400_000_000_000n },
      ...(flags.faults ? { faults: flags.faults } : {}),
      ...(flags.wsFaults ? { ws: { faults: flags.wsFaults } } : {}),
      rateLimits: rateScale === 1 ? 'on' : { scale: rateScale },
    });
  }
  const conn = await connectExchange(
    exchange,
    { ...flags, sim: false, ...(sim ? { baseUrl: sim.url } : {}) },
    { warn },
  ).catch(async (error: unknown) => {
    await sim?.close();
    throw error;
  });
  const idleMs = flags.idleTimeout === undefined ? undefined : flags.idleTimeout * 1000;
  return {
    baseUrl: conn.baseUrl,
    wsUrl: sim ? sim.wsUrl : flags.wsUrl,
    adapterOptions: {
      rateScale: conn.rateScale,
      http: conn.http,
      ...(conn.limiter ? { limiter: conn.limiter } : {}),
    },
    websocket: idleMs === undefined ? {} : { idleTimeoutMs: idleMs, pingIntervalMs: idleMs / 3 },
    sim,
    async close() {
      await conn.close();
      await sim?.close();
    },
  };
}

/** Replaces control characters (from exchange-supplied text) so stderr stays plain. */
export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** One live command run: the stop signal, the output, stderr lines, and the exit code at the end. */
export type LiveRun = {
  /** Aborted by Ctrl-C/SIGTERM or when `--duration` has passed. */
  readonly signal: AbortSignal;
  /** Where data lines go. */
  readonly out: LineOutput;
  readonly format: SinkFormat;
  readonly connection: LiveConnection;
  /** A line on stderr (unless `--quiet`). */
  info(line: string): void;
  /** A line on stderr, even with `--quiet`. */
  warn(line: string): void;
  /** True once `--count` records were counted with {@link LiveRun.counted}. */
  counted(n: number): boolean;
};

/**
 * Runs `body` with everything set up and torn down: the connection, the output (opened lazily, closed with
 * every complete line flushed), Ctrl-C handling and `--duration`. Sets `ctx.exitCode`: 130/143 when
 * interrupted, else the `exitCode` `body` returns, else 1 when `body` reports missing data, else 0.
 */
export async function runLive(
  ctx: CliContext,
  cmd: Command,
  exchange: ExchangeId,
  flags: LiveFlags,
  label: string,
  body: (run: LiveRun) => Promise<{ incomplete: boolean; summary: string; exitCode?: ExitCode }>,
): Promise<void> {
  const { io } = ctx;
  const { quiet = false } = globalsOf(cmd);
  const info = (line: string): void => {
    if (!quiet) io.stderr.write(`${plain(line)}\n`);
  };
  const warn = (line: string): void => {
    io.stderr.write(`${plain(line)}\n`);
  };
  const outPath = flags.out === '-' ? undefined : flags.out;
  const format =
    outPath === undefined && flags.format === undefined ? 'jsonl' : formatFor(outPath, flags.format);
  const out = await LineOutput.open(outPath, io.stdout);
  const connection = await connectLive(exchange, flags, (m) => warn(`tickwire: warning: ${m}`));
  const stop = new AbortController();
  const trap = trapInterrupts({
    onFirst: (s) => info(`tickwire: ${s}: stopping; flushing what was received (again to quit at once)`),
  });
  trap.signal.addEventListener('abort', () => stop.abort(trap.signal.reason), { once: true });
  const timer =
    flags.duration === undefined
      ? undefined
      : setTimeout(() => stop.abort('duration'), Math.min(flags.duration * 1000, 2 ** 31 - 1));
  const started = performance.now();
  try {
    if (connection.sim) {
      info(
        `tickwire: simulated ${exchange} at ${connection.sim.url} (market clock from ${formatIsoNs(SIM_DEFAULT_NOW_NS)} at ${flags.simSpeed}x)`,
      );
    }
    info(`tickwire: ${label}${flags.out && flags.out !== '-' ? ` -> ${flags.out}` : ''}`);
    const run: LiveRun = {
      signal: stop.signal,
      out,
      format,
      connection,
      info,
      warn,
      counted: (n) => flags.count !== undefined && n >= flags.count,
    };
    const result = await body(run);
    await out.end();
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const why =
      trap.received ??
      (stop.signal.aborted
        ? `--duration ${flags.duration}s`
        : flags.count !== undefined
          ? `--count ${flags.count}`
          : 'the stream ended');
    info(`tickwire: ${label}: ${result.summary} in ${secs} s (stopped: ${why})`);
    ctx.exitCode =
      trap.received !== undefined
        ? exitForSignal(trap.received)
        : (result.exitCode ?? (result.incomplete ? EXIT.INCOMPLETE : EXIT.OK));
  } finally {
    if (timer) clearTimeout(timer);
    trap.dispose();
    await out.end().catch(() => {});
    await connection.close();
  }
}
