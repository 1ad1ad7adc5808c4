/**
 * Row formats for files: CSV (with a header) and JSONL (one JSON object a line). Both carry the time twice:
 * `tsNs` as a string of digits (exact; a JSON number would lose nanoseconds when JavaScript reads it back)
 * and `time` as ISO 8601 for humans.
 *
 * @module
 */
import type { OHLCBar, Trade } from '../core/records.js';
import { formatIsoNs } from '../core/time.js';

/** File formats a sink writes. */
export const SINK_FORMATS = ['csv', 'jsonl'] as const;
/** One of {@link SINK_FORMATS}. */
export type SinkFormat = (typeof SINK_FORMATS)[number];

/** The kinds of record a sink writes. */
export type RecordKind = 'ohlc' | 'trades';

/** Maps a record kind to its record type. */
export type RecordOf<K extends RecordKind> = K extends 'ohlc' ? OHLCBar : Trade;

/** CSV header columns per record kind, in file order. */
export const CSV_COLUMNS = {
  ohlc: ['tsNs', 'time', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['tsNs', 'time', 'id', 'price', 'amount', 'side'],
} as const satisfies Record<RecordKind, readonly string[]>;

/** The CSV header line (with its newline) for `kind`. */
export function csvHeader(kind: RecordKind): string {
  return `${CSV_COLUMNS[kind].join(',')}\n`;
}

/** Formats one record as a CSV line (with its newline). */
export function csvLine<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  if (kind === 'ohlc') {
    const b = record as OHLCBar;
    return `${b.tsNs},${formatIsoNs(b.tsNs)},${b.open},${b.high},${b.low},${b.close},${b.volume}\n`;
  }
  const t = record as Trade;
  return `${t.tsNs},${formatIsoNs(t.tsNs)},${csvField(t.id)},${t.price},${t.amount},${t.side}\n`;
}

/** Formats one record as a JSONL line (with its newline), `tsNs` as a digit string. */
export function jsonLine<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  if (kind === 'ohlc') {
    const b = record as OHLCBar;
    return `{"tsNs":"${b.tsNs}","time":"${formatIsoNs(b.tsNs)}","open":${b.open},"high":${b.high},"low":${b.low},"close":${b.close},"volume":${b.volume}}\n`;
  }
  const t = record as Trade;
  return `{"tsNs":"${t.tsNs}","time":"${formatIsoNs(t.tsNs)}","id":${JSON.stringify(t.id)},"price":${t.price},"amount":${t.amount},"side":"${t.side}"}\n`;
}

/** The time and id (trades) of one written line, as read back for resuming. */
export type LineKey = { tsNs: bigint; id?: string };

/**
 * Reads the time (and trade id) back from one line this module wrote. Returns `undefined` for the CSV
 * header or a line that is not a complete record.
 */
export function parseLineKey(kind: RecordKind, format: SinkFormat, line: string): LineKey | undefined {
  if (format === 'csv') {
    if (!/^-?\d+,/.test(line)) return undefined;
    const fields = line.split(',');
    if (fields.length < CSV_COLUMNS[kind].length) return undefined;
    const tsNs = BigInt(fields[0]!);
    return kind === 'trades' ? { tsNs, id: unquoteCsv(fields[2]!) } : { tsNs };
  }
  try {
    const obj: unknown = JSON.parse(line);
    if (typeof obj !== 'object' || obj === null) return undefined;
    const rec = obj as { tsNs?: unknown; id?: unknown };
    if (typeof rec.tsNs !== 'string' || !/^-?\d+$/.test(rec.tsNs)) return undefined;
    const tsNs = BigInt(rec.tsNs);
    if (kind === 'trades') return typeof rec.id === 'string' ? { tsNs, id: rec.id } : undefined;
    return { tsNs };
  } catch {
    return undefined;
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function unquoteCsv(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value;
}
