/**
 * The fast path of {@link parseCoinbaseWsFrame} for `l2update` frames: read in place (`frame-scan.ts`)
 * into the same {@link LiveBookMessage} the general path builds, or `undefined` when the frame has any
 * other shape (then `JSON.parse` and the field readers decide it exactly as before).
 *
 * @module
 */
import { parseIsoUtcFast } from '../../core/iso-fast.js';
import {
  atEnd,
  expectChar,
  expectKey,
  lastText,
  readLevel,
  readString,
  scanned,
  skipWs,
} from '../frame-scan.js';
import type { LiveBookMessage } from '../live.js';
import type { BookChange } from '../order-book.js';

const TYPE = 1;
const PRODUCT = 2;
const CHANGES = 4;
const TIME = 8;
const REQUIRED = TYPE | PRODUCT | CHANGES;

/**
 * An `l2update` frame read without `JSON.parse`, or `undefined` when the frame is anything else or
 * strays from the plain shape Coinbase sends. Never throws.
 */
export function scanCoinbaseL2Update(raw: string): LiveBookMessage | undefined {
  let i = expectChar(raw, 0, 123);
  if (i === -1) return undefined;
  let seen = 0;
  let market = '';
  let tsNs: bigint | undefined;
  const changes: BookChange[] = [];
  for (;;) {
    // Keys compared in place by their first letters: no key string built.
    i = skipWs(raw, i);
    const bit = keyBit(raw, i);
    if (bit === 0) return undefined;
    i = expectKey(raw, i, KEYS[bit] as string);
    if (i === -1) return undefined;
    switch (bit) {
      case TYPE:
        i = readString(raw, i, false);
        if (i !== -1 && lastText() !== 'l2update') return undefined;
        break;
      case PRODUCT:
        i = readString(raw, i);
        market = scanned.text;
        break;
      case CHANGES:
        i = readChanges(raw, i, changes);
        break;
      default:
        i = readString(raw, i, false);
        if (i !== -1) {
          // The general path's `parseIsoNs` tries this same reader first.
          tsNs = parseIsoUtcFast(scanned.text);
          if (tsNs === undefined) return undefined;
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
  if ((seen & REQUIRED) !== REQUIRED || !atEnd(raw, i)) return undefined;
  return tsNs === undefined
    ? { kind: 'book-update', market, changes }
    : { kind: 'book-update', market, changes, tsNs };
}

/** The quoted key of each field bit. */
const KEYS: Record<number, string> = {
  [TYPE]: '"type"',
  [PRODUCT]: '"product_id"',
  [CHANGES]: '"changes"',
  [TIME]: '"time"',
};

/** Which key the quote at `i` starts, by its first two letters (0: none of ours). */
function keyBit(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34) return 0;
  switch (s.charCodeAt(i + 1)) {
    case 116: // t: type or time
      return s.charCodeAt(i + 2) === 121 ? TYPE : TIME;
    case 112:
      return PRODUCT;
    case 99:
      return CHANGES;
    default:
      return 0;
  }
}

/** `[["buy"|"sell","price","size"],...]` into `out`; -1 for anything else. */
function readChanges(s: string, i: number, out: BookChange[]): number {
  i = expectChar(s, i, 91);
  if (i === -1) return -1;
  const empty = expectChar(s, i, 93);
  if (empty !== -1) return empty;
  for (;;) {
    i = expectChar(s, i, 91);
    if (i === -1) return -1;
    i = readString(s, i, false);
    if (i === -1) return -1;
    const wire = scanned.text;
    if (wire !== 'buy' && wire !== 'sell') return -1;
    i = expectChar(s, i, 44);
    if (i === -1) return -1;
    i = readLevel(s, i, wire === 'buy' ? 'bid' : 'ask', out);
    if (i === -1) return -1;
    i = expectChar(s, i, 93);
    if (i === -1) return -1;
    const next = expectChar(s, i, 44);
    if (next === -1) return expectChar(s, i, 93);
    i = next;
  }
}
