/**
 * Parsers for command-line values. Each takes the raw text and returns the typed value, or throws
 * commander's `InvalidArgumentError` whose message says what was expected; commander prefixes it with the
 * option's name ("option '--span <span>' argument '1x' is invalid."), and the CLI exits with code 2.
 *
 * Pure: no I/O, so every rule is unit-tested without a process.
 *
 * @module
 */
import { extname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { EXCHANGES, type ExchangeId } from '../adapters/adapter.js';
import { ValidationError } from '../core/errors.js';
import { formatIsoNs, parseIsoNs, parseSpan } from '../core/time.js';
import type { FaultOptions } from '../sim/index.js';
import { OUTPUT_FORMATS, type OutputFormat, SINK_FORMATS, type SinkFormat } from '../sinks/format.js';

/** A time given on the command line: epoch ns, or `'now'` (the exchange's clock, or the simulator's). */
export type TimeArg = bigint | 'now';

/** Parses `--from`/`--to`: an ISO 8601 date or date-time (UTC unless it has a zone), or `now`. */
export function parseTimeArg(text: string): TimeArg {
  if (text.trim().toLowerCase() === 'now') return 'now';
  return rethrow(() => parseIsoNs(text, 'time'));
}

/** Parses `--span`: `30s`, `1m`, `15m`, `1h`, `4h`, `1d`, `1w`. Returns seconds. */
export function parseSpanArg(text: string): number {
  return rethrow(() => parseSpan(text, 'span'));
}

/** The exchange ids for help texts: `binance, coinbase, kraken, okx`. */
export const EXCHANGE_HELP = EXCHANGES.join(', ');

/** Parses an `<exchange>` argument: one of the exchanges tickwire has an adapter for. */
export function parseExchangeArg(text: string): ExchangeId {
  const id = text.trim().toLowerCase();
  if (!(EXCHANGES as readonly string[]).includes(id)) {
    throw new InvalidArgumentError(`Unknown exchange; expected one of ${EXCHANGES.join(', ')}.`);
  }
  return id as ExchangeId;
}

/** Parses `--format`: `csv` or `jsonl`. */
export function parseFormatArg(text: string): SinkFormat {
  const f = text.trim().toLowerCase();
  if (!(SINK_FORMATS as readonly string[]).includes(f)) {
    throw new InvalidArgumentError(`Expected one of ${SINK_FORMATS.join(', ')}.`);
  }
  return f as SinkFormat;
}

/**
 * The file format for `--out path`: `--format` when given, else from the extension (`.csv`, `.jsonl`,
 * `.ndjson`), else CSV.
 */
export function formatFor(out: string | undefined, explicit: SinkFormat | undefined): SinkFormat {
  if (explicit) return explicit;
  const ext = out === undefined ? '' : extname(out).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

/** Parses a download's `--format`: `csv`, `jsonl` or `parquet`. */
export function parseOutputFormatArg(text: string): OutputFormat {
  const f = text.trim().toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) {
    throw new InvalidArgumentError(`Expected one of ${OUTPUT_FORMATS.join(', ')}.`);
  }
  return f as OutputFormat;
}

/** A download's file format: `--format` when given, else `.parquet` → Parquet, else as {@link formatFor}. */
export function outputFormatFor(out: string | undefined, explicit: OutputFormat | undefined): OutputFormat {
  if (explicit) return explicit;
  if (out !== undefined && extname(out).toLowerCase() === '.parquet') return 'parquet';
  return formatFor(out, undefined);
}

/** Parses a non-negative integer that fits a port: `--port`. */
export function parsePortArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65_535)
    throw new InvalidArgumentError('Expected a port in 0..65535.');
  return n;
}

/** Parses a safe integer: `--seed`. */
export function parseIntArg(text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('Expected an integer.');
  return n;
}

/** Parses a positive, finite number: `--rate-scale`, `--timeout`. */
export function parsePositiveArg(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('Expected a positive number.');
  }
  return n;
}

/** Parses a non-negative integer: `--retries`. */
export function parseCountArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('Expected a whole number ≥ 0.');
  }
  return n;
}

/** Parses `--base-url`: an http(s) URL. The trailing slash is dropped. */
export function parseBaseUrlArg(text: string): string {
  try {
    const u = new URL(text);
    if (u.protocol === 'http:' || u.protocol === 'https:') return text.replace(/\/+$/, '');
  } catch {
    // fall through
  }
  throw new InvalidArgumentError('Expected an http(s) URL such as http://127.0.0.1:8080.');
}

/** Parses `--redis`: a `redis://` or `rediss://` URL. */
export function parseRedisArg(text: string): string {
  try {
    const u = new URL(text);
    if (u.protocol === 'redis:' || u.protocol === 'rediss:') return text;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError('Expected a Redis URL such as redis://127.0.0.1:6379.');
}

/** Simulator rate limits on the command line: `on`, `off`, or a positive scale factor such as `20`. */
export type RateLimitsArg = 'on' | 'off' | { scale: number };

/** Parses `--rate-limits`: `on`, `off`, or a number that multiplies every allowed rate. */
export function parseRateLimitsArg(text: string): RateLimitsArg {
  const t = text.trim().toLowerCase();
  if (t === 'on' || t === 'off') return t;
  const n = Number(t);
  if (t !== '' && Number.isFinite(n) && n > 0) return n === 1 ? 'on' : { scale: n };
  throw new InvalidArgumentError('Expected on, off, or a positive scale factor such as 20.');
}

/** Parses the simulator's `--now`: an ISO date, or `real` for the wall clock. */
export function parseSimNowArg(text: string): bigint | 'real' {
  if (text.trim().toLowerCase() === 'real') return 'real';
  return rethrow(() => parseIsoNs(text, 'now'));
}

/** The keys `--faults` accepts, with their upper bounds. */
export const FAULT_KEYS = {
  errorRate: 1,
  resetRate: 1,
  truncateRate: 1,
  stallRate: 1,
  latencyMs: 600_000,
  jitterMs: 600_000,
  seed: Number.MAX_SAFE_INTEGER,
} as const satisfies Record<keyof FaultOptions, number>;

const RATE_KEYS = ['errorRate', 'resetRate', 'truncateRate', 'stallRate'] as const;

/**
 * Parses `--faults`: comma-separated `key=value` pairs such as `errorRate=0.05,resetRate=0.01,latencyMs=50`,
 * or `none`. Rates are fractions of requests in [0, 1] and sum to at most 1; `latencyMs`/`jitterMs` are
 * milliseconds; `seed` is an integer. A bad key or value is named in the message.
 */
export function parseFaultsArg(text: string): FaultOptions {
  const out: Record<string, number> = {};
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return {};
  for (const pair of trimmed.split(',')) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!Object.hasOwn(FAULT_KEYS, key)) {
      throw new InvalidArgumentError(
        `Unknown fault ${JSON.stringify(key)}; expected key=value pairs with keys ${Object.keys(FAULT_KEYS).join(', ')}.`,
      );
    }
    const max = FAULT_KEYS[key as keyof typeof FAULT_KEYS];
    const value = Number(raw);
    const integer = key === 'seed';
    if (
      raw === '' ||
      !Number.isFinite(value) ||
      value < 0 ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new InvalidArgumentError(
        `Bad value ${JSON.stringify(raw)} for fault ${key}; expected ${integer ? 'an integer ≥ 0' : `a number in [0, ${max}]`}.`,
      );
    }
    if (Object.hasOwn(out, key)) throw new InvalidArgumentError(`Fault ${key} is given twice.`);
    out[key] = value;
  }
  const sum = RATE_KEYS.reduce((s, k) => s + (out[k] ?? 0), 0);
  if (sum > 1 + 1e-12) {
    throw new InvalidArgumentError(
      `Fault rates (${RATE_KEYS.join(', ')}) sum to ${sum}; they must sum to at most 1.`,
    );
  }
  return out as FaultOptions;
}

/** Formats fault options back into the `--faults` syntax (for summaries). */
export function formatFaults(faults: FaultOptions | undefined): string {
  const entries = Object.entries(faults ?? {}).filter(([, v]) => v !== undefined && v !== 0);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** Formats a {@link TimeArg} for messages. */
export function formatTimeArg(t: TimeArg): string {
  return t === 'now' ? 'now' : formatIsoNs(t);
}

/** Runs a core parser and turns its `ValidationError` into commander's `InvalidArgumentError`. */
function rethrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      const m = /expected (.*), got/.exec(error.message);
      throw new InvalidArgumentError(`Expected ${m?.[1] ?? 'a valid value'}.`);
    }
    throw error;
  }
}
