/**
 * The recorder's configuration: what to record (exchanges, kinds, symbols) and how (rotation, silence
 * limits, depth, metrics port), from a YAML or JSON file or from the command line, validated once with
 * `ValidationError`s that name the key (`config.streams[1].kinds[0]`).
 *
 * ```yaml
 * archive: /data/archive
 * rotate: 1h
 * metricsPort: 9464
 * streams:
 *   - exchange: binance
 *     kinds: [trades, book]
 *     symbols: [BTCUSDT, ETHUSDT]
 *     depth: 50
 *   - exchange: kraken
 *     kinds: [trades]
 *     symbols: [XBTUSD]
 * ```
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ExchangeId } from '../adapters/adapter.js';
import { EXCHANGES } from '../adapters/adapter.js';
import { isExchangeId } from '../adapters/registry.js';
import { UnsupportedKindError, ValidationError } from '../core/errors.js';
import { KIND_RECORDERS, RECORDER_KINDS, type RecorderKind } from './live-kinds.js';
import { parseRotate } from './rotate.js';

export { parseRotate };

/** One group of streams: an exchange, kinds, symbols. */
export type RecordStreamConfig = {
  /** Exchange id. */
  exchange: ExchangeId;
  /** Kinds to record. */
  kinds: readonly RecorderKind[];
  /** Symbols in any spelling the exchange accepts. */
  symbols: readonly string[];
  /** Book levels per side to record; 0 or absent: every change of the full book. @default 0 */
  depth?: number;
  /** Seconds without data after which a stream is silent (unhealthy, restarted). @default the recorder's */
  silenceS?: number;
  /** REST base URL of the exchange (a proxy, a simulator). @default the real exchange */
  baseUrl?: string;
  /** WebSocket base URL of the exchange. @default the real exchange */
  wsUrl?: string;
};

/** A configuration file's contents (all but `streams` optional; the command line can set them). */
export type RecordConfig = {
  /** The archive folder. */
  archive?: string;
  /** Rotation period: seconds, or a span such as `1h`, `15m`. Must divide a day. @default 3600 */
  rotate?: number | string;
  /** Port of the metrics and health endpoint. @default none */
  metricsPort?: number;
  /** Seconds without data after which a stream is silent. @default 60 */
  silenceS?: number;
  /** What to record. */
  streams: RecordStreamConfig[];
};

const KEYS = ['archive', 'rotate', 'metricsPort', 'silenceS', 'streams'] as const;
const STREAM_KEYS = ['exchange', 'kinds', 'symbols', 'depth', 'silenceS', 'baseUrl', 'wsUrl'] as const;

function positive(v: unknown, argument: string, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new ValidationError(argument, v, integer ? 'a positive integer' : 'a positive number');
  }
  return v;
}

/** Checks one stream group; throws `ValidationError` / `UnsupportedKindError` naming the key. */
export function checkStream(raw: unknown, at: string): RecordStreamConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(at, raw, 'an object with exchange, kinds, symbols');
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(STREAM_KEYS as readonly string[]).includes(k)) {
      throw new ValidationError(`${at}.${k}`, o[k], `no such key (known: ${STREAM_KEYS.join(', ')})`);
    }
  }
  if (!isExchangeId(o.exchange)) {
    throw new ValidationError(`${at}.exchange`, o.exchange, `one of ${EXCHANGES.join(', ')}`);
  }
  const exchange = o.exchange;
  const kindsRaw = typeof o.kinds === 'string' ? o.kinds.split(',') : o.kinds;
  if (!Array.isArray(kindsRaw) || kindsRaw.length === 0) {
    throw new ValidationError(`${at}.kinds`, o.kinds, `a non-empty list of ${RECORDER_KINDS.join(', ')}`);
  }
  const kinds = kindsRaw.map((k: unknown, i: number): RecorderKind => {
    const key = `${at}.kinds[${i}]`;
    if (typeof k !== 'string' || !(RECORDER_KINDS as readonly string[]).includes(k.trim())) {
      throw new ValidationError(key, k, `one of ${RECORDER_KINDS.join(', ')}`);
    }
    const kind = k.trim() as RecorderKind;
    const rec = KIND_RECORDERS[kind];
    if (!rec?.exchanges.includes(exchange)) {
      const served = RECORDER_KINDS.filter((x) => KIND_RECORDERS[x]?.exchanges.includes(exchange));
      throw new UnsupportedKindError(
        exchange,
        kind,
        served,
        rec ? `${key}: not served live there` : `${key}: the recorder does not capture ${kind} yet`,
      );
    }
    return kind;
  });
  if (new Set(kinds).size !== kinds.length)
    throw new ValidationError(`${at}.kinds`, kindsRaw, 'each kind once');
  const symbolsRaw = typeof o.symbols === 'string' ? [o.symbols] : o.symbols;
  if (!Array.isArray(symbolsRaw) || symbolsRaw.length === 0) {
    throw new ValidationError(`${at}.symbols`, o.symbols, 'a non-empty list of symbols');
  }
  const symbols = symbolsRaw.map((s: unknown, i: number) => {
    if (typeof s !== 'string' || s.trim() === '') {
      throw new ValidationError(`${at}.symbols[${i}]`, s, 'a symbol such as BTCUSDT or BTC/USDT');
    }
    return s.trim();
  });
  const out: RecordStreamConfig = { exchange, kinds, symbols };
  if (o.depth !== undefined) {
    if (typeof o.depth !== 'number' || !Number.isInteger(o.depth) || o.depth < 0 || o.depth > 5000) {
      throw new ValidationError(`${at}.depth`, o.depth, 'an integer in [0, 5000] (0: every change)');
    }
    out.depth = o.depth;
  }
  if (o.silenceS !== undefined) out.silenceS = positive(o.silenceS, `${at}.silenceS`);
  for (const k of ['baseUrl', 'wsUrl'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    const ok =
      typeof v === 'string' && URL.canParse(v) && (k === 'baseUrl' ? /^https?:/i : /^wss?:/i).test(v);
    if (!ok) throw new ValidationError(`${at}.${k}`, v, k === 'baseUrl' ? 'an http(s) URL' : 'a ws(s) URL');
    out[k] = (v as string).replace(/\/+$/, '');
  }
  return out;
}

/** Checks a parsed configuration; throws `ValidationError` naming the key. */
export function checkConfig(raw: unknown, at = 'config'): RecordConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(at, raw, 'an object with a streams list');
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(k)) {
      throw new ValidationError(`${at}.${k}`, o[k], `no such key (known: ${KEYS.join(', ')})`);
    }
  }
  if (!Array.isArray(o.streams) || o.streams.length === 0) {
    throw new ValidationError(`${at}.streams`, o.streams, 'a non-empty list of { exchange, kinds, symbols }');
  }
  const cfg: RecordConfig = { streams: o.streams.map((s, i) => checkStream(s, `${at}.streams[${i}]`)) };
  if (o.archive !== undefined) {
    if (typeof o.archive !== 'string' || o.archive === '') {
      throw new ValidationError(`${at}.archive`, o.archive, 'a folder path');
    }
    cfg.archive = o.archive;
  }
  if (o.rotate !== undefined) cfg.rotate = parseRotate(o.rotate, `${at}.rotate`);
  if (o.metricsPort !== undefined) {
    if (
      typeof o.metricsPort !== 'number' ||
      !Number.isInteger(o.metricsPort) ||
      o.metricsPort < 0 ||
      o.metricsPort > 65_535
    ) {
      throw new ValidationError(`${at}.metricsPort`, o.metricsPort, 'a port in [0, 65535]');
    }
    cfg.metricsPort = o.metricsPort;
  }
  if (o.silenceS !== undefined) cfg.silenceS = positive(o.silenceS, `${at}.silenceS`);
  return cfg;
}

/** Parses configuration text: JSON when it looks like JSON (or `format` says so), else YAML. */
export function parseConfigText(text: string, source = 'config', format?: 'json' | 'yaml'): RecordConfig {
  const fmt = format ?? (/^\s*[{[]/.test(text) ? 'json' : 'yaml');
  let raw: unknown;
  try {
    raw = fmt === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ValidationError(
      source,
      `${text.slice(0, 40)}...`,
      `valid ${fmt.toUpperCase()} (${(error as Error).message.split('\n')[0]})`,
      {
        cause: error,
      },
    );
  }
  return checkConfig(raw);
}

/** Reads and checks a configuration file (`.json`, `.yaml`, `.yml`). */
export async function loadConfig(path: string): Promise<RecordConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError(
      '--config',
      path,
      `a readable file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
  const format = /\.json$/i.test(path) ? 'json' : /\.ya?ml$/i.test(path) ? 'yaml' : undefined;
  return parseConfigText(text, `--config ${path}`, format);
}
