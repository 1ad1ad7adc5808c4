/**
 * Trades' rows in binary COPY form (see `copy-binary.ts`), written straight into a batch's bytes: the bulk
 * of every `--sink postgres` download is trades, and building each row as text (and the database parsing
 * it back) was most of the cost of loading beside the download.
 *
 * The row holds the trades table's columns in order: exchange, symbol, `ts_ns`, `time`, id, price, amount,
 * side. The values are those the text encoder of `copy-text.ts` gives (tests load both and compare the
 * tables).
 *
 * @module
 */
import { ValidationError } from '../../core/errors.js';
import type { Trade } from '../../core/records.js';
import type { BatchBytes } from './batch-bytes.js';
import {
  BINARY_HEADER,
  NUMERIC_MAX_BYTES,
  PG_EPOCH_US,
  putInt16,
  putInt32,
  putInt64Parts,
  putNumeric,
} from './copy-binary.js';

const NS_PER_S = 1_000_000_000n;
/** From here on the microseconds since 1970 are no longer a safe integer: the `bigint` path takes over. */
const FAST_END_NS = BigInt(Number.MAX_SAFE_INTEGER) * 1000n;
const TWO_32 = 4_294_967_296;
const TWO_32N = 4_294_967_296n;
/** Fields of a trades row. */
const FIELDS = 8;

/** Writes `s` as a text field (length word and UTF-8) at `p`; returns the new position. */
function putText(buf: Buffer, p: number, s: string): number {
  const start = p + 4;
  let q = start;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      q = start + buf.write(s, start, 'utf8');
      break;
    }
    buf[q++] = c;
  }
  putInt32(buf, p, q - start);
  return q;
}

/** Appends trades as binary COPY rows to batches; one per sink (it keeps the second of the last trade). */
export class TradeRowWriter {
  readonly #checkTime: (tsNs: bigint) => unknown;
  /** Field count, exchange and symbol: the same for every row. */
  readonly #prefix: Uint8Array;
  /** The second of the last trade, `[start, end)` in ns; empty at first. */
  #secStart = 0n;
  #secEnd = 0n;
  /** That second's start in ns since 1970 as 32-bit halves. */
  #secHi = 0;
  #secLo = 0;
  /** That second's start in µs since 2000. */
  #secUs = 0;

  /**
   * @param exchange the rows' `exchange` column
   * @param symbol the rows' `symbol` column
   * @param checkTime throws the text form's `ValidationError` for a time outside the years 0001–9999
   *   (`timestampText` of `copy-text.ts`; passed in so the two modules do not import each other)
   */
  constructor(exchange: string, symbol: string, checkTime: (tsNs: bigint) => unknown) {
    this.#checkTime = checkTime;
    const ex = Buffer.from(exchange, 'utf8');
    const sy = Buffer.from(symbol, 'utf8');
    const prefix = Buffer.alloc(2 + 4 + ex.length + 4 + sy.length);
    let p = putInt16(prefix, 0, FIELDS);
    p = putInt32(prefix, p, ex.length);
    p += ex.copy(prefix, p);
    p = putInt32(prefix, p, sy.length);
    sy.copy(prefix, p);
    this.#prefix = prefix;
  }

  /** Appends `t`'s row to `batch` (the format's header first, when the batch is empty). */
  append(batch: BatchBytes, t: Trade): void {
    const { id, side } = t;
    const ts = t.tsNs;
    const prefix = this.#prefix;
    // id and side: up to 3 bytes of UTF-8 per UTF-16 unit.
    const room =
      BINARY_HEADER.length + prefix.length + 24 + 3 * (id.length + side.length) + 8 + 2 * NUMERIC_MAX_BYTES;
    const buf = batch.reserve(room);
    let p = batch.end;
    if (p === 0) {
      buf.set(BINARY_HEADER, 0);
      p = BINARY_HEADER.length;
    }
    buf.set(prefix, p);
    p += prefix.length;
    if ((ts >= this.#secStart && ts < this.#secEnd) || this.#enter(ts)) {
      const ns = Number(ts - this.#secStart);
      p = putInt32(buf, p, 8);
      p = putInt64Parts(buf, p, this.#secHi, this.#secLo + ns); // lo < 2^33: the carry is handled
      p = putInt32(buf, p, 8);
      const us = this.#secUs + Math.floor(ns / 1000);
      const hi = Math.floor(us / TWO_32);
      p = putInt64Parts(buf, p, hi, us - hi * TWO_32);
    } else {
      this.#checkTime(ts);
      p = putFarTime(buf, p, ts);
    }
    p = putText(buf, p, id);
    p = putNumeric(buf, p, t.price);
    p = putNumeric(buf, p, t.amount);
    p = putText(buf, p, side);
    batch.advance(p);
  }

  /** Makes `ts`'s second the current one; false when `ts` is outside the arithmetic path's range. */
  #enter(ts: bigint): boolean {
    if (ts < NS_PER_S || ts >= FAST_END_NS) return false;
    const second = ts / NS_PER_S;
    this.#secStart = second * NS_PER_S;
    this.#secEnd = this.#secStart + NS_PER_S;
    this.#secHi = Number(this.#secStart / TWO_32N);
    this.#secLo = Number(this.#secStart % TWO_32N);
    this.#secUs = Number(second) * 1_000_000 - PG_EPOCH_US;
    return true;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `ts_ns` and `time` of a time before 1970-01-01T00:00:01Z or past 2^53 µs, in `bigint` (already checked
 * to be within the years 0001–9999). Refuses those `ts_ns` (a `bigint` column) cannot hold: before
 * 1677-09-21 or after 2262-04-11.
 */
function putFarTime(buf: Buffer, p: number, ts: bigint): number {
  if (ts < INT64_MIN || ts > INT64_MAX) {
    throw new ValidationError('record time', ts, 'a time from 1677-09-21 to 2262-04-11 (ts_ns is a bigint)');
  }
  p = putInt32(buf, p, 8);
  buf.writeBigInt64BE(ts, p);
  p = putInt32(buf, p + 8, 8);
  buf.writeBigInt64BE(ts / 1000n - BigInt(PG_EPOCH_US), p);
  return p + 8;
}

/** The binary COPY trailer, appended to a batch of trades before it is sent. */
export function endBinaryBatch(batch: BatchBytes): void {
  const buf = batch.reserve(BINARY_HEADER.length + 2);
  let p = batch.end;
  if (p === 0) {
    // No rows: still a whole file (header and trailer).
    buf.set(BINARY_HEADER, 0);
    p = BINARY_HEADER.length;
  }
  buf[p] = 0xff;
  buf[p + 1] = 0xff;
  batch.advance(p + 2);
}
