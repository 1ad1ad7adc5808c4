/**
 * The archive layout, Hive-partitioned one folder per UTC day:
 *
 * ```
 * <dir>/exchange=<id>/kind=<kind>/symbol=<SYMBOL>/date=<YYYY-MM-DD>/part-<from>-<to>.parquet
 *                                                                  /_coverage.json
 * ```
 *
 * `kind` is the archive name of the kind (`trades`, `ohlc-1m`, `funding`, `open-interest-5m`), `SYMBOL` the
 * exchange's own market id (`BTCUSDT`, `BTC-USD`, `XXBTZUSD`). A day folder holds exactly the records with
 * `tsNs` in that UTC day; `<from>`/`<to>` are the UTC times of day the file covers (`HHMMSS.nnnnnnnnn`,
 * `240000.000000000` for the end of the day). Pure: no I/O.
 *
 * @module
 */
import { join } from 'node:path';
import type { NsRange } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import { archiveKindName, type KindId, parseArchiveKindName } from '../core/kinds.js';
import { minNs } from '../download/report.js';

/** One series of the archive: an exchange, a kind (at a span, for spanned kinds) and a market id. */
export type SeriesKey = {
  /** Exchange id (`binance`). */
  exchange: string;
  /** Kind id (`trades`, `ohlc`, `funding`...). */
  kind: KindId;
  /** Span in seconds, for spanned kinds (`ohlc`, `open-interest`...). */
  spanS?: number;
  /** The exchange's own market id (`BTCUSDT`, `BTC-USD`, `XXBTZUSD`). */
  symbol: string;
};

/** One partition: a series on one UTC day. The unit of locking, syncing and verification. */
export type PartitionKey = SeriesKey & {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
};

/** Name of a day's completeness record. */
export const MANIFEST_NAME = '_coverage.json';
/** Name of a day's lock file. */
export const LOCK_NAME = '.lock';
/** The archive's own folder (temporary files), beside the `exchange=` folders. */
export const META_DIR = '.tickwire';

/** One UTC day in ns. */
export const DAY_NS = 86_400_000_000_000n;

const SAFE = /^[A-Za-z0-9._-]+$/;

/** Escapes a Hive partition value: characters other than `A-Z a-z 0-9 . _ -` become `%XX`. */
export function escapeValue(value: string): string {
  if (SAFE.test(value)) return value;
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9._-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Reverses {@link escapeValue}. */
export function unescapeValue(value: string): string {
  return value.includes('%') ? decodeURIComponent(value) : value;
}

/** Checks a series key and throws `ValidationError` naming the bad field. */
export function checkSeries(key: SeriesKey): void {
  if (typeof key.exchange !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(key.exchange)) {
    throw new ValidationError('exchange', key.exchange, 'an exchange id such as "binance"');
  }
  if (typeof key.symbol !== 'string' || key.symbol === '' || key.symbol === '.' || key.symbol === '..') {
    throw new ValidationError('symbol', key.symbol, "the exchange's market id, such as BTCUSDT");
  }
  archiveKindName(key.kind, key.spanS); // validates kind and span
}

/** The folder of a series. */
export function seriesDir(dir: string, key: SeriesKey): string {
  return join(
    dir,
    `exchange=${key.exchange}`,
    `kind=${archiveKindName(key.kind, key.spanS)}`,
    `symbol=${escapeValue(key.symbol)}`,
  );
}

/** The folder of a partition (one series, one day). */
export function partitionDir(dir: string, key: PartitionKey): string {
  return join(seriesDir(dir, key), `date=${key.date}`);
}

/** A short label for messages: `binance trades BTCUSDT 2025-12-31`. */
export function partitionLabel(key: PartitionKey): string {
  return `${key.exchange} ${archiveKindName(key.kind, key.spanS)} ${key.symbol} ${key.date}`;
}

/** The UTC day holding `ns`, `YYYY-MM-DD`. */
export function dayOf(ns: bigint): string {
  const day = ns >= 0n ? ns / DAY_NS : (ns - DAY_NS + 1n) / DAY_NS;
  return new Date(Number(day) * 86_400_000).toISOString().slice(0, 10);
}

/** The range `[00:00, 24:00)` of a UTC day. */
export function dayRange(date: string): NsRange {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ValidationError('date', date, 'a day as YYYY-MM-DD');
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new ValidationError('date', date, 'a valid calendar day as YYYY-MM-DD');
  }
  const startNs = BigInt(ms) * 1_000_000n;
  return { startNs, endNs: startNs + DAY_NS };
}

/** The UTC days that `range` touches, in order, each with the part of `range` inside it. */
export function daysOf(range: NsRange): { date: string; range: NsRange }[] {
  const out: { date: string; range: NsRange }[] = [];
  let at = range.startNs;
  while (at < range.endNs) {
    const date = dayOf(at);
    const day = dayRange(date);
    const endNs = minNs(day.endNs, range.endNs);
    out.push({ date, range: { startNs: at, endNs } });
    at = endNs;
  }
  return out;
}

function timeOfDay(ns: bigint, dayStart: bigint): string {
  const off = ns - dayStart;
  const secs = off / 1_000_000_000n;
  const frac = (off % 1_000_000_000n).toString().padStart(9, '0');
  const h = (secs / 3600n).toString().padStart(2, '0');
  const m = ((secs / 60n) % 60n).toString().padStart(2, '0');
  const s = (secs % 60n).toString().padStart(2, '0');
  return `${h}${m}${s}.${frac}`;
}

/** The file name of a data file covering `range` of day `date`: `part-000000.000000000-240000.000000000.parquet`. */
export function dataFileName(date: string, range: NsRange, suffix = ''): string {
  const day = dayRange(date);
  if (range.startNs < day.startNs || range.endNs > day.endNs || range.startNs >= range.endNs) {
    throw new ValidationError(
      'range',
      `${range.startNs}..${range.endNs}`,
      `a non-empty range inside ${date}`,
    );
  }
  return `part-${timeOfDay(range.startNs, day.startNs)}-${timeOfDay(range.endNs, day.startNs)}${suffix}.parquet`;
}

/** Parses the `key=value` folder names of a partition path (relative to the archive root). */
export function parsePartitionPath(parts: readonly string[]): PartitionKey | undefined {
  if (parts.length !== 4) return undefined;
  const [e, k, s, d] = parts as [string, string, string, string];
  if (
    !e.startsWith('exchange=') ||
    !k.startsWith('kind=') ||
    !s.startsWith('symbol=') ||
    !d.startsWith('date=')
  ) {
    return undefined;
  }
  const kind = parseArchiveKindName(k.slice(5));
  if (!kind) return undefined;
  return {
    exchange: e.slice(9),
    kind: kind.kind,
    ...(kind.spanS === undefined ? {} : { spanS: kind.spanS }),
    symbol: unescapeValue(s.slice(7)),
    date: d.slice(5),
  };
}
