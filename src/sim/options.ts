/**
 * The simulator's options, their defaults, and their validation (once, at start).
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { FaultOptions } from './faults.js';
import { nativeIds, SIM_EXCHANGES, type SimExchange, type SymbolOverride } from './market/symbols.js';

/** Market overrides. */
export type MarketOptions = {
  /** First instant with trades, epoch ns (floored to a minute). @default 2017-01-01T00:00:00Z */
  historyStart?: bigint;
  /** Per-symbol overrides, keyed by native id (e.g. `{ BTCUSDT: { tradesPerSecond: 5 } }`). @default {} */
  symbols?: Readonly<Record<string, SymbolOverride>>;
};

/** Options of {@link startSimulator}. */
export type SimulatorOptions = {
  /** Which exchange's dialect to speak. */
  exchange: SimExchange;
  /** Seed of the market: same seed, same trades and candles. @default 1 */
  seed?: number;
  /** Interface to listen on (loopback). @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * The market clock: a fixed instant (epoch ns) or `'real'` (wall clock). Nothing exists at or after
   * "now". @default 1767225600000000000n (2026-01-01T00:00:00Z)
   */
  now?: bigint | 'real';
  /** Injected faults. @default none */
  faults?: FaultOptions;
  /**
   * Rate limits: the exchange's real ones (`'on'`), none (`'off'`), or real ones with every allowed
   * rate multiplied by `scale` (windows shortened, refills sped up; bursts unchanged). @default 'on'
   */
  rateLimits?: 'on' | 'off' | { scale: number };
  /** Market overrides. @default {} */
  markets?: MarketOptions;
};

/** The default market clock: 2026-01-01T00:00:00Z. */
export const DEFAULT_NOW_NS = 1_767_225_600_000_000_000n;
/** The default history start: 2017-01-01T00:00:00Z. */
export const DEFAULT_HISTORY_START_NS = 1_483_228_800_000_000_000n;

/** Options with defaults applied. */
export type ResolvedOptions = {
  exchange: SimExchange;
  seed: number;
  host: string;
  port: number;
  now: bigint | 'real';
  faults: FaultOptions | undefined;
  limitsEnabled: boolean;
  limitScale: number;
  historyStartNs: bigint;
  overrides: Readonly<Record<string, SymbolOverride>>;
};

/** Validates and fills in defaults. Throws {@link ValidationError} naming the option. */
export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw new ValidationError('options', o, 'an options object');
  if (!SIM_EXCHANGES.includes(o.exchange)) {
    throw new ValidationError('options.exchange', o.exchange, `one of ${SIM_EXCHANGES.join(', ')}`);
  }
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new ValidationError('options.seed', seed, 'an integer');
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new ValidationError('options.host', host, 'a host name');
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ValidationError('options.port', port, 'an integer port in [0, 65535]');
  }
  const now = o.now ?? DEFAULT_NOW_NS;
  if (now !== 'real' && (typeof now !== 'bigint' || now <= 0n)) {
    throw new ValidationError('options.now', now, "a positive bigint of epoch ns or 'real'");
  }
  const rl = o.rateLimits ?? 'on';
  let limitsEnabled = true;
  let limitScale = 1;
  if (rl === 'off') limitsEnabled = false;
  else if (rl !== 'on') {
    if (typeof rl !== 'object' || rl === null || !Number.isFinite(rl.scale) || rl.scale <= 0) {
      throw new ValidationError('options.rateLimits', rl, "'on', 'off' or { scale: a positive number }");
    }
    limitScale = rl.scale;
  }
  const historyStartNs = o.markets?.historyStart ?? DEFAULT_HISTORY_START_NS;
  if (typeof historyStartNs !== 'bigint' || historyStartNs < 0n) {
    throw new ValidationError('options.markets.historyStart', historyStartNs, 'a bigint of epoch ns ≥ 0');
  }
  const overrides = o.markets?.symbols ?? {};
  const known = nativeIds(o.exchange);
  for (const [id, ov] of Object.entries(overrides)) {
    if (!known.includes(id)) {
      throw new ValidationError(
        `options.markets.symbols.${id}`,
        id,
        `a native id of ${o.exchange}: ${known.join(', ')}`,
      );
    }
    for (const k of ['tradesPerSecond', 'basePrice'] as const) {
      const v = ov[k];
      if (v !== undefined && (!Number.isFinite(v) || v <= 0)) {
        throw new ValidationError(`options.markets.symbols.${id}.${k}`, v, 'a positive number');
      }
    }
  }
  return {
    exchange: o.exchange,
    seed,
    host,
    port,
    now,
    faults: o.faults,
    limitsEnabled,
    limitScale,
    historyStartNs,
    overrides,
  };
}
