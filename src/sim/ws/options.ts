/**
 * Options of the simulator's WebSocket side, their defaults and validation (once, at start).
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';

/** Seeded WebSocket faults, as probabilities per data message sent (each in [0, 1]). */
export type WsFaultRates = {
  /** Terminate the connection (no close frame) instead of sending the message. @default 0 */
  dropRate?: number;
  /** Go silent instead: stop sending and answering pings, keep TCP open. @default 0 */
  stallRate?: number;
  /** Binance: leave out a depth event (the next event's `U` jumps past the previous `u` + 1). @default 0 */
  skipUpdateIdRate?: number;
  /** Coinbase: leave out a `match` or `l2update` message. @default 0 */
  dropMessageRate?: number;
  /** Kraken: send a book update with a wrong `checksum`. @default 0 */
  badChecksumRate?: number;
  /** Bybit: a connection's first trade message repeats the second before it subscribed. @default 0 */
  replayTradesRate?: number;
  /** Bybit: send a fresh book snapshot instead of a delta. @default 0 */
  resnapshotRate?: number;
  /** Bybit: send a snapshot with `u` = 1 (service restart) instead of a delta. @default 0 */
  bookRestartRate?: number;
  /** Bybit: send the previous book delta again (`u` does not increase). @default 0 */
  staleUpdateRate?: number;
  /** Seed of the fault draws. @default the simulator's `seed` */
  seed?: number;
};

/** WebSocket options (`SimulatorOptions.ws`). */
export type WsOptions = {
  /** Real ms between two emissions of live data (trades, book diffs). @default 50 */
  batchMs?: number;
  /**
   * Write each emission's frames to a connection in one TCP write (cork, send all, uncork), as a busy
   * server's frames often arrive together, instead of one write per frame. A client then reads every
   * batch in one go whatever its timing: the benchmarks use it so that the reads per item do not depend
   * on a race between the two processes. @default false
   */
  coalesce?: boolean;
  /** Binance: real ms between the server's ping frames. @default 20_000 */
  pingIntervalMs?: number;
  /** Binance: real ms without a pong after which the server disconnects. @default 60_000 */
  pongTimeoutMs?: number;
  /** Binance: real ms a connection may live; `serverShutdown` is sent, then it is closed. @default 86_400_000 */
  maxConnectionMs?: number;
  /** Coinbase: real ms a connection may wait before its first `subscribe`. @default 5_000 */
  subscribeTimeoutMs?: number;
  /** Kraken: real ms of quiet after which a heartbeat is sent. @default 1_000 */
  heartbeatMs?: number;
  /** OKX: real ms without any client message (`ping` included) after which the server disconnects. @default 30_000 */
  idleDisconnectMs?: number;
  /**
   * OKX: real ms after a connection opens at which the server sends the `notice` 64008 (service upgrade),
   * then disconnects `idleDisconnectMs` later unless the client went first. 0: never. @default 0
   */
  upgradeNoticeMs?: number;
  /**
   * OKX: the `checksum` of `books` messages: the documented CRC32 over the top 25 levels (`'crc32'`), or
   * 0 as OKX sends today (`'zero'`). A `bad-checksum` fault sends a wrong non-zero value either way.
   * @default 'zero'
   */
  bookChecksum?: 'crc32' | 'zero';
  /** Seeded faults. @default none */
  faults?: WsFaultRates;
};

/** {@link WsOptions} with defaults applied. */
export type ResolvedWsOptions = Required<Omit<WsOptions, 'faults' | 'bookChecksum'>> & {
  bookChecksum: 'crc32' | 'zero';
  faults: Required<Omit<WsFaultRates, 'seed'>> & { seed: number };
};

/** Validates `options.ws`; throws {@link ValidationError} naming the option. */
export function resolveWsOptions(o: WsOptions | undefined, seed: number): ResolvedWsOptions {
  const w = o ?? {};
  if (typeof w !== 'object' || w === null) throw new ValidationError('options.ws', w, 'an object');
  const ms = (
    name: keyof Omit<WsOptions, 'faults' | 'bookChecksum' | 'coalesce'>,
    def: number,
    min: number,
  ): number => {
    const v = w[name] ?? def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > 2 ** 31 - 1) {
      throw new ValidationError(`options.ws.${name}`, v, `a number of ms in [${min}, 2^31)`);
    }
    return v;
  };
  const f = w.faults ?? {};
  const rate = (name: keyof Omit<WsFaultRates, 'seed'>): number => {
    const v = f[name] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new ValidationError(`options.ws.faults.${name}`, v, 'a number in [0, 1]');
    }
    return v;
  };
  const fseed = f.seed ?? seed;
  if (!Number.isSafeInteger(fseed)) throw new ValidationError('options.ws.faults.seed', fseed, 'an integer');
  return {
    batchMs: ms('batchMs', 50, 5),
    coalesce: flag('coalesce', w.coalesce),
    pingIntervalMs: ms('pingIntervalMs', 20_000, 10),
    pongTimeoutMs: ms('pongTimeoutMs', 60_000, 10),
    maxConnectionMs: ms('maxConnectionMs', 86_400_000, 10),
    subscribeTimeoutMs: ms('subscribeTimeoutMs', 5_000, 10),
    heartbeatMs: ms('heartbeatMs', 1_000, 10),
    idleDisconnectMs: ms('idleDisconnectMs', 30_000, 10),
    upgradeNoticeMs: ms('upgradeNoticeMs', 0, 0),
    bookChecksum: checksumMode(w.bookChecksum),
    faults: {
      dropRate: rate('dropRate'),
      stallRate: rate('stallRate'),
      skipUpdateIdRate: rate('skipUpdateIdRate'),
      dropMessageRate: rate('dropMessageRate'),
      badChecksumRate: rate('badChecksumRate'),
      replayTradesRate: rate('replayTradesRate'),
      resnapshotRate: rate('resnapshotRate'),
      bookRestartRate: rate('bookRestartRate'),
      staleUpdateRate: rate('staleUpdateRate'),
      seed: fseed,
    },
  };
}

function checksumMode(v: unknown): 'crc32' | 'zero' {
  if (v === undefined) return 'zero';
  if (v !== 'crc32' && v !== 'zero')
    throw new ValidationError('options.ws.bookChecksum', v, "'crc32' or 'zero'");
  return v;
}

function flag(name: 'coalesce', v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValidationError(`options.ws.${name}`, v, 'true or false');
  return v;
}
