/**
 * The fast path of {@link parseCoinbaseWsFrame} for `match` / `last_match` frames (one trade each, the
 * bulk of a trade stream): read in place (`frame-scan.ts`) into the same record the general path
 * builds, without the object, the two order-id strings and the field checks a `JSON.parse` costs per
 * trade; or `undefined` when the frame has any other shape, and then `JSON.parse` and the field readers
 * decide it exactly as before (property-tested against the general path on generated and mutated
 * frames).
 *
 * @module
 */
import { parseIsoUtcFast } from '../../core/iso-fast.js';
import {
  atEnd,
  expectChar,
  expectKey,
  lastText,
  readDecimalString,
  readString,
  readUint,
  scanned,
  skipWs,
} from '../frame-scan.js';
import type { LiveRecord } from '../live.js';

const TYPE = 1;
const TRADE_ID = 2;
const SIDE = 4;
const SIZE = 8;
const PRICE = 16;
const PRODUCT = 32;
const TIME = 64;
/** Read and dropped, as the general path ignores them. */
const MAKER = 128;
const TAKER = 256;
const SEQUENCE = 512;
const REQUIRED = TYPE | TRADE_ID | SIDE | SIZE | PRICE | PRODUCT | TIME;

/** The quoted key of each field bit. */
const KEYS: Record<number, string> = {
  [TYPE]: '"type"',
  [TRADE_ID]: '"trade_id"',
  [SIDE]: '"side"',
  [SIZE]: '"size"',
  [PRICE]: '"price"',
  [PRODUCT]: '"product_id"',
  [TIME]: '"time"',
  [MAKER]: '"maker_order_id"',
  [TAKER]: '"taker_order_id"',
  [SEQUENCE]: '"sequence"',
};

/**
 * A `match` or `last_match` frame read without `JSON.parse`, or `undefined` when the frame is anything
 * else or strays from the plain shape Coinbase sends. Never throws.
 */
export function scanCoinbaseMatch(raw: string): LiveRecord | undefined {
  let i = expectChar(raw, 0, 123);
  if (i === -1) return undefined;
  let seen = 0;
  let seq = 0;
  let maker = '';
  let amount = 0;
  let price = 0;
  let market = '';
  let tsNs: bigint | undefined;
  for (;;) {
    i = skipWs(raw, i);
    const bit = keyBit(raw, i);
    if (bit === 0) return undefined;
    i = expectKey(raw, i, KEYS[bit] as string);
    if (i === -1) return undefined;
    switch (bit) {
      case TYPE:
        i = readString(raw, i, false);
        if (i !== -1 && lastText() !== 'match' && lastText() !== 'last_match') return undefined;
        break;
      case TRADE_ID:
        i = readUint(raw, i);
        seq = scanned.value;
        break;
      case SIDE:
        i = readString(raw, i, false);
        maker = scanned.text;
        if (i !== -1 && maker !== 'buy' && maker !== 'sell') return undefined;
        break;
      case SIZE:
        i = readDecimalString(raw, i);
        amount = scanned.value;
        break;
      case PRICE:
        i = readDecimalString(raw, i);
        price = scanned.value;
        break;
      case PRODUCT:
        i = readString(raw, i);
        market = scanned.text;
        break;
      case TIME:
        i = readString(raw, i, false);
        if (i !== -1) {
          // The general path's `parseIsoNs` tries this same reader first.
          tsNs = parseIsoUtcFast(scanned.text);
          if (tsNs === undefined) return undefined;
        }
        break;
      case SEQUENCE:
        i = readUint(raw, i);
        break;
      default:
        i = readString(raw, i, false);
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
  if ((seen & REQUIRED) !== REQUIRED || !atEnd(raw, i) || tsNs === undefined) return undefined;
  return {
    kind: 'trade',
    market,
    seq,
    trade: {
      id: String(seq),
      tsNs,
      price,
      amount,
      // The wire side is the maker's: the taker's is the other one.
      side: maker === 'sell' ? 'buy' : 'sell',
    },
  };
}

/** Which key the quote at `i` starts, by its first letters (0: none of ours). */
function keyBit(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34) return 0;
  const b = s.charCodeAt(i + 2);
  switch (s.charCodeAt(i + 1)) {
    case 116: // t: type, trade_id, taker_order_id, time
      return b === 121 ? TYPE : b === 114 ? TRADE_ID : b === 97 ? TAKER : b === 105 ? TIME : 0;
    case 115: // s: side, size, sequence
      if (b === 101) return SEQUENCE;
      if (b !== 105) return 0;
      return s.charCodeAt(i + 3) === 100 ? SIDE : SIZE;
    case 112: // p: price, product_id
      if (b !== 114) return 0;
      return s.charCodeAt(i + 3) === 105 ? PRICE : PRODUCT;
    case 109: // m: maker_order_id
      return MAKER;
    default:
      return 0;
  }
}
