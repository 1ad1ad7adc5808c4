/**
 * The simulator's options, their defaults, and their validation (once, at start).
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { RunningClockOptions } from './clock.js';
import type { FaultOptions } from './faults.js';
import { nativeIds, SIM_EXCHANGES, type SimExchange, type SymbolOverride } from './market/symbols.js';
import { type ResolvedWsOptions, resolveWsOptions, type WsOptions } from './ws/options.js';

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
  /**
   * A running market clock instead of `now`: sim time = `startNs` + real elapsed time × `speed`, so
   * trades keep arriving (REST serves history up to the current sim time; WebSockets stream the trades
   * as sim time passes). With a fixed `now` the market is frozen and the WebSocket side sends no live
   * trades or book changes. Exclusive with `now`. @default undefined (the fixed `now`)
   */
  clock?: RunningClockOptions;
  /** The WebSocket side: keepalive timings and seeded faults. @default {} */
  ws?: WsOptions;
  /** Injected faults. @default none */
  faults?: FaultOptions;
  /**
   * Rate limits: the exchange's real ones (`'on'`), none (`'off'`), or real ones with every allowed
   * rate multiplied by `scale` (windows and bans shortened, refills sped up; bursts unchanged), and for
   * Binance `weightPerWindow` in place of the real 6000 request weight per window (to test a client
   * against a small budget quickly). @default 'on'
   */
  rateLimits?: 'on' | 'off' | { scale?: number; weightPerWindow?: number };
  /** Market overrides. @default {} */
  markets?: MarketOptions;
  /**
   * Pages to render ahead, at start (Binance and Binance USDⓈ-M): the 1m klines of each symbol's closed
   * minutes in `[startNs, endNs)` are rendered once and later `startTime` pages inside the range are
   * copied from memory, byte for byte what rendering gives. For benchmarks on one machine, so the
   * client under test does not share its cores with the simulator's rendering (~1.5 ms of CPU a page);
   * rate limits, latency and faults apply as to any request. At most ~2 years per symbol. @default none
   */
  prerender?: { readonly klines1m?: readonly PrerenderRange[] };
};

/** A symbol's range for {@link SimulatorOptions.prerender}. */
export type PrerenderRange = {
  /** Native id, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Epoch ns, inclusive. */
  readonly startNs: bigint;
  /** Epoch ns, exclusive. */
  readonly endNs: bigint;
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
  clock: Required<RunningClockOptions> | undefined;
  ws: ResolvedWsOptions;
  faults: FaultOptions | undefined;
  limitsEnabled: boolean;
  limitScale: number;
  weightPerWindow: number | undefined;
  historyStartNs: bigint;
  overrides: Readonly<Record<string, SymbolOverride>>;
  prerenderKlines1m: readonly PrerenderRange[];
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
  let clock: Required<RunningClockOptions> | undefined;
  if (o.clock !== undefined) {
    if (o.now !== undefined)
      throw new ValidationError('options.clock', o.clock, 'either `clock` or `now`, not both');
    const c = o.clock;
    if (typeof c !== 'object' || c === null || typeof c.startNs !== 'bigint' || c.startNs <= 0n) {
      throw new ValidationError('options.clock.startNs', c?.startNs, 'a positive bigint of epoch ns');
    }
    const speed = c.speed ?? 1;
    if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) {
      throw new ValidationError('options.clock.speed', speed, 'a number in (0, 1e6]');
    }
    clock = { startNs: c.startNs, speed };
  }
  const ws = resolveWsOptions(o.ws, seed);
  const rl = o.rateLimits ?? 'on';
  let limitsEnabled = true;
  let limitScale = 1;
  let weightPerWindow: number | undefined;
  if (rl === 'off') limitsEnabled = false;
  else if (rl !== 'on') {
    const scale = typeof rl === 'object' && rl !== null ? (rl.scale ?? 1) : Number.NaN;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
      throw new ValidationError('options.rateLimits', rl, "'on', 'off' or { scale: a positive number }");
    }
    limitScale = scale;
    weightPerWindow = (rl as { weightPerWindow?: number }).weightPerWindow;
    if (weightPerWindow !== undefined && (!Number.isSafeInteger(weightPerWindow) || weightPerWindow < 1)) {
      throw new ValidationError('options.rateLimits.weightPerWindow', weightPerWindow, 'a positive integer');
    }
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
  const prerenderKlines1m = o.prerender?.klines1m ?? [];
  if (!Array.isArray(prerenderKlines1m)) {
    throw new ValidationError('options.prerender.klines1m', prerenderKlines1m, 'an array of ranges');
  }
  if (prerenderKlines1m.length > 0 && o.exchange !== 'binance' && o.exchange !== 'binance-usdm') {
    throw new ValidationError(
      'options.prerender.klines1m',
      o.exchange,
      "exchange 'binance' or 'binance-usdm'",
    );
  }
  prerenderKlines1m.forEach((r: PrerenderRange, i: number) => {
    const at = `options.prerender.klines1m[${i}]`;
    if (typeof r !== 'object' || r === null || !known.includes(r.symbol)) {
      throw new ValidationError(
        `${at}.symbol`,
        r?.symbol,
        `a native id of ${o.exchange}: ${known.join(', ')}`,
      );
    }
    if (typeof r.startNs !== 'bigint' || typeof r.endNs !== 'bigint' || r.startNs >= r.endNs) {
      throw new ValidationError(`${at}`, r, 'bigint startNs < endNs (epoch ns)');
    }
  });
  return {
    exchange: o.exchange,
    seed,
    host,
    port,
    now,
    clock,
    ws,
    faults: o.faults,
    limitsEnabled,
    limitScale,
    weightPerWindow,
    historyStartNs,
    overrides,
    prerenderKlines1m,
  };
}
