/**
 * Options every command that talks to an exchange shares (`--base-url`, `--sim`, `--redis`, ...), and
 * turning them into what the download API takes: a base URL (an in-process simulator's when `--sim`), a
 * rate scale, and a limiter (Redis-backed when `--redis`).
 *
 * @module
 */
import { type Command, Option } from 'commander';
import type { ExchangeId } from '../adapters/adapter.js';
import { BINANCE_RATE } from '../adapters/binance/capabilities.js';
import { COINBASE_RATE } from '../adapters/coinbase/capabilities.js';
import { KRAKEN_RATE } from '../adapters/kraken/capabilities.js';
import { scaleLimit } from '../adapters/values.js';
import { formatIsoNs } from '../core/time.js';
import type { FaultOptions, RunningSimulator } from '../sim/index.js';
import type { Limiter, RateLimit } from '../transport/rate-limit/types.js';
import {
  parseBaseUrlArg,
  parseCountArg,
  parseFaultsArg,
  parseIntArg,
  parsePositiveArg,
  parseRedisArg,
} from './args.js';

/** The simulator's default market clock (2026-01-01T00:00:00Z): nothing exists at or after it. */
export const SIM_DEFAULT_NOW_NS = 1_767_225_600_000_000_000n;

/** Each exchange's documented rate limit, as the adapters use it. */
export const EXCHANGE_RATES: Readonly<Record<ExchangeId, RateLimit>> = {
  binance: BINANCE_RATE,
  coinbase: COINBASE_RATE,
  kraken: KRAKEN_RATE,
};

/** The exchange options as commander parses them. */
export type ExchangeFlags = {
  baseUrl?: string;
  sim?: boolean;
  seed?: number;
  faults?: FaultOptions;
  redis?: string;
  rateScale?: number;
  retries?: number;
  timeout?: number;
  backoff?: number;
};

/** Adds the exchange options to `cmd`. */
export function addExchangeOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--base-url <url>',
        'REST base URL of the exchange (a proxy, a `tickwire sim`); default: the real exchange',
      )
        .argParser(parseBaseUrlArg)
        .conflicts('sim'),
    )
    .option('--sim', 'start a simulator of the exchange in this process and download from it (no network)')
    .addOption(new Option('--seed <n>', 'seed of the --sim market').argParser(parseIntArg).default(1))
    .addOption(
      new Option(
        '--faults <list>',
        'faults the --sim injects, e.g. errorRate=0.05,resetRate=0.01,latencyMs=50',
      ).argParser(parseFaultsArg),
    )
    .option(
      '--rate-scale <x>',
      "multiply the exchange's rate limits (with --sim, the simulator's too)",
      parsePositiveArg,
    )
    .option(
      '--redis <url>',
      'share the rate limit with other processes through Redis, e.g. redis://127.0.0.1:6379',
      parseRedisArg,
    )
    .addOption(new Option('--retries <n>', 'retries of a failed request').argParser(parseCountArg).default(5))
    .addOption(
      new Option('--timeout <s>', 'timeout of one request, seconds').argParser(parsePositiveArg).default(30),
    )
    .addOption(
      new Option('--backoff <s>', 'first retry delay in seconds (doubles each retry)').argParser(
        parsePositiveArg,
      ),
    );
}

/** A connection to one exchange, ready to hand to the download API. */
export type ExchangeConnection = {
  /** Base URL to use, or `undefined` for the real exchange. */
  baseUrl: string | undefined;
  /** Multiplier of the documented rates. */
  rateScale: number;
  /** The shared limiter (`--redis`), or `undefined` for the adapter's own in-process one. */
  limiter: Limiter | undefined;
  /** The in-process simulator (`--sim`), if any. */
  sim: RunningSimulator | undefined;
  /** The market clock of the in-process simulator, epoch ns. */
  simNowNs: bigint | undefined;
  /** HTTP options from `--retries`, `--timeout`, `--backoff`. */
  http: { maxRetries: number; timeout: number; backoffBase?: number };
  /** Closes the simulator and the limiter. Idempotent. */
  close(): Promise<void>;
};

/** Options of {@link connectExchange} beyond the flags. */
export type ConnectOptions = {
  /** Receives warnings (e.g. Redis unreachable). */
  warn: (message: string) => void;
};

/** Starts what the flags ask for (a simulator, a Redis limiter) and returns the connection. */
export async function connectExchange(
  exchange: ExchangeId,
  flags: ExchangeFlags,
  options: ConnectOptions,
): Promise<ExchangeConnection> {
  const rateScale = flags.rateScale ?? 1;
  let sim: RunningSimulator | undefined;
  if (flags.sim) {
    // Loaded on demand, like Redis below: `--help` and usage errors should not pay for them.
    const { startSimulator } = await import('../sim/index.js');
    sim = await startSimulator({
      exchange,
      seed: flags.seed ?? 1,
      now: SIM_DEFAULT_NOW_NS,
      ...(flags.faults ? { faults: flags.faults } : {}),
      rateLimits: rateScale === 1 ? 'on' : { scale: rateScale },
    });
  }
  let limiter: Limiter | undefined;
  if (flags.redis) {
    const rate = EXCHANGE_RATES[exchange];
    const { RedisRateLimiter } = await import('../transport/rate-limit/redis-limiter.js');
    limiter = new RedisRateLimiter(
      { [exchange]: scaleLimit(rate, rateScale) },
      { redis: flags.redis, onWarning: options.warn },
    );
  }
  let closed: Promise<void> | undefined;
  return {
    baseUrl: sim ? sim.url : flags.baseUrl,
    rateScale,
    limiter,
    sim,
    simNowNs: sim ? SIM_DEFAULT_NOW_NS : undefined,
    http: {
      maxRetries: flags.retries ?? 5,
      timeout: flags.timeout ?? 30,
      ...(flags.backoff === undefined ? {} : { backoffBase: flags.backoff }),
    },
    close() {
      closed ??= (async () => {
        await limiter?.close();
        await sim?.close();
      })();
      return closed;
    },
  };
}

/** A line for stderr describing the in-process simulator. */
export function describeSim(conn: ExchangeConnection, exchange: string): string | undefined {
  if (!conn.sim || conn.simNowNs === undefined) return undefined;
  return `simulated ${exchange} at ${conn.sim.url} (market clock ${formatIsoNs(conn.simNowNs)})`;
}
