/**
 * Row formats for files: CSV (with a header) and JSONL (one JSON object a line). Both carry the time twice:
 * `tsNs` as a string of digits (exact; a JSON number would lose nanoseconds when JavaScript reads it back)
 * and `time` as ISO 8601 for humans.
 *
 * @module
 */
import { type Column, KIND_IDS, KINDS, type KindId, type RecordOfKind } from '../core/kinds.js';
import type { OHLCBar, Trade } from '../core/records.js';
import { formatIsoNs } from '../core/time.js';

/** File formats a sink writes. */
export const SINK_FORMATS = ['csv', 'jsonl'] as const;
/** One of {@link SINK_FORMATS}. */
export type SinkFormat = (typeof SINK_FORMATS)[number];

/** Every file format a download can write: the line formats and Parquet (`ParquetRecordWriter`). */
export const OUTPUT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The kinds of record a sink writes: every registered kind (`KIND_IDS`). */
export type RecordKind = KindId;

/** Maps a record kind to its record type. */
export type RecordOf<K extends RecordKind> = RecordOfKind<K>;

/** CSV header columns per record kind, in file order (from the kinds registry). */
export const CSV_COLUMNS: { readonly [K in KindId]: readonly string[] } = Object.fromEntries(
  KIND_IDS.map((k) => [k, KINDS[k].columns.map((c) => c.name)]),
) as unknown as { readonly [K in KindId]: readonly string[] };

/** The CSV header line (with its newline) for `kind`. */
export function csvHeader(kind: RecordKind): string {
  return `${CSV_COLUMNS[kind].join(',')}\n`;
}

/** Formats one record as a CSV line (with its newline). */
export function csvLine<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  if (kind !== 'ohlc' && kind !== 'trades') return genericCsvLine(KINDS[kind].columns, record);
  if (kind === 'ohlc') {
    const b = record as OHLCBar;
    return `${b.tsNs},${formatIsoNs(b.tsNs)},${b.open},${b.high},${b.low},${b.close},${b.volume}\n`;
  }
  const t = record as Trade;
  return `${t.tsNs},${formatIsoNs(t.tsNs)},${csvField(t.id)},${t.price},${t.amount},${t.side}\n`;
}

/** Formats one record as a JSONL line (with its newline), `tsNs` as a digit string. */
export function jsonLine<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  if (kind !== 'ohlc' && kind !== 'trades') return genericJsonLine(KINDS[kind].columns, record);
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
    const idAt = CSV_COLUMNS[kind].indexOf('id');
    return idAt >= 0 ? { tsNs, id: unquoteCsv(fields[idAt]!) } : { tsNs };
  }
  try {
    const obj: unknown = JSON.parse(line);
    if (typeof obj !== 'object' || obj === null) return undefined;
    const rec = obj as { tsNs?: unknown; id?: unknown };
    if (typeof rec.tsNs !== 'string' || !/^-?\d+$/.test(rec.tsNs)) return undefined;
    const tsNs = BigInt(rec.tsNs);
    if (CSV_COLUMNS[kind].includes('id')) {
      return typeof rec.id === 'string' ? { tsNs, id: rec.id } : undefined;
    }
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

type AnyColumn = Column<never>;

function cell(c: AnyColumn, record: unknown): bigint | number | string | boolean | undefined {
  return (c.get as (r: unknown) => bigint | number | string | boolean | undefined)(record);
}

/** A CSV line from a kind's columns: ns as digits, `timestamp` as ISO, absent optional values empty. */
/**
 * One record as a line of `format` from any column list (a kind's columns, or a live stream's with a
 * `symbol` column added), formatted as the kind files are.
 */
export function columnsLine(format: SinkFormat, columns: readonly Column<never>[], record: unknown): string {
  return format === 'csv' ? genericCsvLine(columns, record) : genericJsonLine(columns, record);
}

function genericCsvLine(columns: readonly AnyColumn[] | readonly Column<never>[], record: unknown): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as AnyColumn;
    const v = cell(c, record);
    if (i > 0) line += ',';
    if (v === undefined) continue;
    if (c.type === 'timestamp') line += formatIsoNs(v as bigint);
    else if (c.type === 'string') line += csvField(v as string);
    else line += String(v);
  }
  return `${line}\n`;
}

/** A JSONL line from a kind's columns: int64 and ns as digit strings, absent optional values `null`. */
function genericJsonLine(columns: readonly AnyColumn[] | readonly Column<never>[], record: unknown): string {
  const parts: string[] = [];
  for (const col of columns) {
    const c = col as AnyColumn;
    const v = cell(c, record);
    let text: string;
    if (v === undefined) text = 'null';
    else if (c.type === 'timestamp') text = `"${formatIsoNs(v as bigint)}"`;
    else if (c.type === 'int64') text = `"${v}"`;
    else if (c.type === 'string' || c.type === 'enum') text = JSON.stringify(v);
    else text = String(v);
    parts.push(`${JSON.stringify(c.name)}:${text}`);
  }
  return `{${parts.join(',')}}\n`;
}
