/**
 * The fast path of {@link parseBinanceWsFrame} for `depthUpdate` frames (spot and USDⓈ-M, raw or
 * combined-stream): the frame is read in place (`frame-scan.ts`) into the same {@link LiveBookMessage}
 * the general path builds, or `undefined` when it has any other shape, and then the general path
 * (`JSON.parse` and the field readers) decides it exactly as before. A diff at Binance's 100 ms pace can
 * list thousands of levels; this skips the array and two strings `JSON.parse` makes for each of them.
 *
 * @module
 */
import { msToNs } from '../../core/time.js';
import {
  atEnd,
  expectChar,
  expectKey,
  lastText,
  readPairRows,
  readString,
  readUint,
  scanned,
  skipWs,
} from '../frame-scan.js';
import type { LiveBookMessage } from '../live.js';
import type { BookChange } from '../order-book.js';

const E = 1;
const S = 2;
const FIRST = 4;
const LAST = 8;
const BIDS = 16;
const ASKS = 32;
const PREV = 64;
const T = 128;
const EVENT = 256;
const REQUIRED = E | S | FIRST | LAST | BIDS | ASKS | EVENT;

/**
 * Whether `raw` starts the way Binance writes a depth diff (`{"e":"depthUpdate"` or a combined-stream
 * frame whose event does): a cheap check, so trade frames do not try the reader at all. Only decides
 * whether the fast path is tried; the reader itself checks everything.
 */
export function looksLikeDepthUpdate(raw: string): boolean {
  if (raw.startsWith('{"e":"depthUpdate"')) return true;
  if (!raw.startsWith('{"stream":"')) return false;
  const end = raw.indexOf('"', 11);
  return end !== -1 && raw.startsWith('","data":{"e":"depthUpdate"', end);
}

/**
 * A `depthUpdate` frame read without `JSON.parse`, or `undefined` when the frame is anything else or
 * strays from the plain shape Binance sends (then the general parser decides it). Never throws.
 */
export function scanBinanceDepthFrame(raw: string): LiveBookMessage | undefined {
  let i = expectChar(raw, 0, 123);
  if (i === -1) return undefined;
  i = skipWs(raw, i);
  let combined = false;
  if (raw.startsWith('"stream"', i)) {
    // `{"stream":"<name>","data":{<event>}}`, as the general path unwraps it.
    i = readString(raw, expectChar(raw, i + 8, 58), false);
    if (i === -1) return undefined;
    i = expectChar(raw, expectKey(raw, expectChar(raw, i, 44), '"data"'), 123);
    if (i === -1) return undefined;
    combined = true;
  }
  let seen = 0;
  let market = '';
  let eventMs = 0;
  let firstId = 0;
  let lastId = 0;
  let prevId = 0;
  const changes: BookChange[] = [];
  let asksFirst: BookChange[] | undefined;
  for (;;) {
    // Keys compared in place (one or two letters): no key string built.
    i = skipWs(raw, i);
    const bit = keyBit(raw, i);
    if (bit === 0) return undefined;
    i = expectChar(raw, i + (bit === PREV ? 4 : 3), 58);
    if (i === -1) return undefined;
    switch (bit) {
      case EVENT:
        i = readString(raw, i, false);
        if (i !== -1 && lastText() !== 'depthUpdate') return undefined;
        break;
      case E:
        i = readUint(raw, i);
        eventMs = scanned.value;
        break;
      case S:
        i = readString(raw, i);
        market = scanned.text;
        break;
      case FIRST:
        i = readUint(raw, i);
        firstId = scanned.value;
        break;
      case LAST:
        i = readUint(raw, i);
        lastId = scanned.value;
        break;
      case PREV:
        i = readUint(raw, i);
        prevId = scanned.value;
        break;
      case T:
        // USDⓈ-M's transaction time: the general path does not read it either.
        i = readUint(raw, i);
        break;
      case BIDS:
        i = readPairRows(raw, i, 'bid', changes);
        break;
      default:
        // The general path lists bids before asks whatever the key order.
        if ((seen & BIDS) !== 0) i = readPairRows(raw, i, 'ask', changes);
        else {
          asksFirst = [];
          i = readPairRows(raw, i, 'ask', asksFirst);
        }
        break;
    }
    if (i === -1 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    const next = expectChar(raw, i, 44);
    if (next === -1) {
      i = expectChar(raw, i, 125);
      if (i === -1) return undefined;
      break;
    }
    i = next;
  }
  if ((seen & REQUIRED) !== REQUIRED) return undefined;
  if (combined) {
    i = expectChar(raw, i, 125);
    if (i === -1) return undefined;
  }
  if (!atEnd(raw, i)) return undefined;
  if (asksFirst !== undefined) for (const c of asksFirst) changes.push(c);
  const tsNs = msToNs(eventMs);
  return (seen & PREV) !== 0
    ? { kind: 'book-update', market, changes, firstId, lastId, prevId, tsNs }
    : { kind: 'book-update', market, changes, firstId, lastId, tsNs };
}

/** The field bit of the key whose quote is at `i` (`"e"`, `"E"`, ..., `"pu"`), or 0 for another key. */
function keyBit(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34) return 0;
  const c = s.charCodeAt(i + 1);
  if (s.charCodeAt(i + 2) !== 34) {
    return c === 112 && s.charCodeAt(i + 2) === 117 && s.charCodeAt(i + 3) === 34 ? PREV : 0;
  }
  switch (c) {
    case 101:
      return EVENT;
    case 69:
      return E;
    case 115:
      return S;
    case 85:
      return FIRST;
    case 117:
      return LAST;
    case 84:
      return T;
    case 98:
      return BIDS;
    case 97:
      return ASKS;
    default:
      return 0;
  }
}
