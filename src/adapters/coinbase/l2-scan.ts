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
  lastText,
  readDecimalString,
  readKey,
  readString,
  scanned,
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
  i = readKey(raw, i);
  if (i === -1) return undefined;
  let seen = 0;
  let market = '';
  let tsNs: bigint | undefined;
  const changes: BookChange[] = [];
  for (;;) {
    let bit: number;
    switch (scanned.text) {
      case 'type':
        bit = TYPE;
        i = readString(raw, i, false);
        if (i !== -1 && lastText() !== 'l2update') return undefined;
        break;
      case 'product_id':
        bit = PRODUCT;
        i = readString(raw, i);
        market = scanned.text;
        break;
      case 'changes':
        bit = CHANGES;
        i = readChanges(raw, i, changes);
        break;
      case 'time':
        bit = TIME;
        i = readString(raw, i, false);
        if (i !== -1) {
          // The general path's `parseIsoNs` tries this same reader first.
          tsNs = parseIsoUtcFast(scanned.text);
          if (tsNs === undefined) return undefined;
        }
        break;
      default:
        return undefined;
    }
    if (i === -1 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    const next = expectChar(raw, i, 44);
    if (next === -1) {
      i = expectChar(raw, i, 125);
      if (i === -1) return undefined;
      break;
    }
    i = readKey(raw, next);
    if (i === -1) return undefined;
  }
  if ((seen & REQUIRED) !== REQUIRED || !atEnd(raw, i)) return undefined;
  const rec = { kind: 'book-update' as const, market, changes };
  return tsNs === undefined ? rec : { ...rec, tsNs };
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
    i = readDecimalString(s, i);
    if (i === -1) return -1;
    const price = scanned.value;
    const priceText = scanned.text;
    i = expectChar(s, i, 44);
    if (i === -1) return -1;
    i = readDecimalString(s, i);
    if (i === -1) return -1;
    out.push({
      side: wire === 'buy' ? 'bid' : 'ask',
      price,
      amount: scanned.value,
      priceText,
      amountText: scanned.text,
    });
    i = expectChar(s, i, 93);
    if (i === -1) return -1;
    const next = expectChar(s, i, 44);
    if (next === -1) return expectChar(s, i, 93);
    i = next;
  }
}
