/**
 * A fleet job split into units: one partition `(exchange, kind, span, symbol, UTC day)` each, the job
 * data a unit travels as on the queue, and its deterministic job id (the same unit always gets the same
 * id, which is what makes submitting twice add no work). Pure: no I/O.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import { archiveKindName, isKindId, KINDS, type KindId } from '../core/kinds.js';

/** One unit of a fleet job: what a worker syncs with `archive.syncUnit`. */
export type FleetUnit = {
  /** Exchange id. */
  exchange: string;
  /** Kind id (`trades`, `ohlc`, ...). */
  kind: KindId;
  /** Span in seconds, for spanned kinds. */
  spanS?: number;
  /** The exchange's own market id (`BTCUSDT`). */
  symbol: string;
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EXCHANGE = /^[a-z0-9_-]+$/;

/**
 * The job id of a unit: `<exchange>~<kind=name>~<symbol>~<date>`, the symbol URI-encoded so that no
 * market id can make two units collide or contain `:` (which BullMQ reserves).
 */
export function unitJobId(unit: FleetUnit): string {
  return [
    unit.exchange,
    archiveKindName(unit.kind, unit.spanS),
    encodeURIComponent(unit.symbol),
    unit.date,
  ].join('~');
}

/** A short human label: `binance trades BTCUSDT 2025-12-30`. */
export function unitLabel(unit: FleetUnit): string {
  return `${unit.exchange} ${archiveKindName(unit.kind, unit.spanS)} ${unit.symbol} ${unit.date}`;
}

/**
 * Checks that `data` (read back from the queue, so of unknown shape) is a {@link FleetUnit}.
 *
 * @throws ValidationError naming the bad field
 */
export function parseUnit(data: unknown): FleetUnit {
  if (typeof data !== 'object' || data === null) throw new ValidationError('job.data', data, 'a unit object');
  const d = data as Record<string, unknown>;
  if (typeof d.exchange !== 'string' || !EXCHANGE.test(d.exchange)) {
    throw new ValidationError('job.data.exchange', d.exchange, 'an exchange id');
  }
  if (typeof d.kind !== 'string' || !isKindId(d.kind)) {
    throw new ValidationError('job.data.kind', d.kind, 'a kind id');
  }
  const spanned = KINDS[d.kind].span === 'required';
  if (spanned !== (d.spanS !== undefined)) {
    throw new ValidationError('job.data.spanS', d.spanS, spanned ? 'a span in seconds' : 'no span');
  }
  if (
    d.spanS !== undefined &&
    (typeof d.spanS !== 'number' || !Number.isSafeInteger(d.spanS) || d.spanS <= 0)
  ) {
    throw new ValidationError('job.data.spanS', d.spanS, 'a positive whole number of seconds');
  }
  if (typeof d.symbol !== 'string' || d.symbol === '' || d.symbol.length > 64) {
    throw new ValidationError('job.data.symbol', d.symbol, 'a market id');
  }
  const ms = typeof d.date === 'string' && DATE.test(d.date) ? Date.parse(`${d.date}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== d.date) {
    throw new ValidationError('job.data.date', d.date, 'a UTC day as YYYY-MM-DD');
  }
  return {
    exchange: d.exchange,
    kind: d.kind,
    ...(d.spanS === undefined ? {} : { spanS: d.spanS as number }),
    symbol: d.symbol,
    date: d.date as string,
  };
}
