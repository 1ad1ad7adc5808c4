/**
 * The fast path of {@link parseKrakenWsFrame} for v2 `book` snapshots and updates: the frame is read in
 * place (`frame-scan.ts`) into the same records the general path builds with the lossless JSON reader
 * (each price and quantity with the exact token the CRC32 checksum is computed over), or `undefined`
 * when it has any other shape; then the general path decides it exactly as before.
 *
 * @module
 */
import { parseIsoUtcFast } from '../../core/iso-fast.js';
import {
  atEnd,
  expectChar,
  expectKey,
  lastText,
  readNumberToken,
  readString,
  readUint,
  scanned,
  skipWs,
} from '../frame-scan.js';
import type { LiveBookMessage } from '../live.js';
import type { BookChange, BookSideName } from '../order-book.js';

/**
 * A `book` frame read without the lossless JSON reader, or `undefined` when the frame is anything else
 * or strays from the plain shape Kraken sends. Never throws.
 */
export function scanKrakenBookFrame(raw: string): LiveBookMessage[] | undefined {
  // `{"channel":"book","type":"snapshot"|"update","data":[...]}`, in Kraken's key order.
  let i = expectKey(raw, expectChar(raw, 0, 123), '"channel"');
  if (i === -1) return undefined;
  i = readString(raw, i, false);
  if (i === -1 || lastText() !== 'book') return undefined;
  i = expectKey(raw, expectChar(raw, i, 44), '"type"');
  if (i === -1) return undefined;
  i = readString(raw, i, false);
  if (i === -1) return undefined;
  const type = lastText();
  if (type !== 'snapshot' && type !== 'update') return undefined;
  const kind = type === 'snapshot' ? 'book-snapshot' : 'book-update';
  i = expectKey(raw, expectChar(raw, i, 44), '"data"');
  if (i === -1) return undefined;
  i = expectChar(raw, i, 91);
  if (i === -1) return undefined;
  const out: LiveBookMessage[] = [];
  const empty = expectChar(raw, i, 93);
  if (empty !== -1) i = empty;
  else {
    for (;;) {
      i = readEntry(raw, i, kind, out);
      if (i === -1) return undefined;
      const next = expectChar(raw, i, 44);
      if (next === -1) break;
      i = next;
    }
    i = expectChar(raw, i, 93);
    if (i === -1) return undefined;
  }
  i = expectChar(raw, i, 125);
  if (i === -1 || !atEnd(raw, i)) return undefined;
  return out;
}

const SYMBOL = 1;
const BIDS = 2;
const ASKS = 4;
const CHECKSUM = 8;
const TIMESTAMP = 16;

/** The entry keys by their first letter: compared in place, no key string built. */
const ENTRY_KEYS: Record<number, string> = {
  115: '"symbol"',
  98: '"bids"',
  97: '"asks"',
  99: '"checksum"',
  116: '"timestamp"',
};

/** One `data` entry into `out`; -1 for anything the general path must decide. */
function readEntry(
  s: string,
  i: number,
  kind: 'book-snapshot' | 'book-update',
  out: LiveBookMessage[],
): number {
  i = expectChar(s, i, 123);
  if (i === -1) return -1;
  let seen = 0;
  let market = '';
  let checksum = 0;
  let tsNs: bigint | undefined;
  const changes: BookChange[] = [];
  let asksFirst: BookChange[] | undefined;
  for (;;) {
    i = skipWs(s, i);
    const first = s.charCodeAt(i + 1);
    const key = s.charCodeAt(i) === 34 ? ENTRY_KEYS[first] : undefined;
    if (key === undefined) return -1;
    i = expectKey(s, i, key);
    if (i === -1) return -1;
    let bit: number;
    switch (first) {
      case 115:
        bit = SYMBOL;
        i = readString(s, i);
        market = scanned.text;
        break;
      case 98:
        bit = BIDS;
        i = readLevels(s, i, 'bid', changes);
        break;
      case 97:
        bit = ASKS;
        // The general path lists bids before asks whatever the key order.
        if ((seen & BIDS) !== 0) i = readLevels(s, i, 'ask', changes);
        else {
          asksFirst = [];
          i = readLevels(s, i, 'ask', asksFirst);
        }
        break;
      case 99:
        bit = CHECKSUM;
        i = readUint(s, i);
        checksum = scanned.value;
        break;
      default:
        bit = TIMESTAMP;
        i = readString(s, i, false);
        if (i !== -1) {
          // The general path's `parseIsoNs` tries this same reader first.
          tsNs = parseIsoUtcFast(scanned.text);
          if (tsNs === undefined) return -1;
        }
        break;
    }
    if (i === -1 || (seen & bit) !== 0) return -1;
    seen |= bit;
    const next = expectChar(s, i, 44);
    if (next === -1) {
      i = expectChar(s, i, 125);
      if (i === -1) return -1;
      break;
    }
    i = next;
  }
  if ((seen & (SYMBOL | CHECKSUM)) !== (SYMBOL | CHECKSUM)) return -1;
  if (asksFirst !== undefined) for (const c of asksFirst) changes.push(c);
  out.push(
    tsNs === undefined ? { kind, market, changes, checksum } : { kind, market, changes, checksum, tsNs },
  );
  return i;
}

/** `[{"price":<number>,"qty":<number>},...]` into `out`; -1 for anything else. */
function readLevels(s: string, i: number, side: BookSideName, out: BookChange[]): number {
  i = expectChar(s, i, 91);
  if (i === -1) return -1;
  const empty = expectChar(s, i, 93);
  if (empty !== -1) return empty;
  for (;;) {
    i = expectKey(s, expectChar(s, i, 123), '"price"');
    if (i === -1) return -1;
    i = readNumberToken(s, i);
    if (i === -1) return -1;
    const price = scanned.value;
    const priceText = scanned.text;
    i = expectKey(s, expectChar(s, i, 44), '"qty"');
    if (i === -1) return -1;
    i = readNumberToken(s, i);
    if (i === -1) return -1;
    out.push({ side, price, amount: scanned.value, priceText, amountText: scanned.text });
    i = expectChar(s, i, 125);
    if (i === -1) return -1;
    const next = expectChar(s, i, 44);
    if (next === -1) return expectChar(s, i, 93);
    i = next;
  }
}
