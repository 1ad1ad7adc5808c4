/**
 * The fast path of {@link parseKrakenWsFrame} for v2 `trade` snapshots and updates (hundreds of trades
 * a frame): read in place (`frame-scan.ts`) into the same records the general path builds, without the
 * object and strings `JSON.parse` makes per trade; or `undefined` when the frame has any other shape,
 * and then `JSON.parse` and the field readers decide it exactly as before (property-tested against the
 * general path on generated and mutated frames).
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
import type { LiveRecord } from '../live.js';

/** `{"channel":"trade","type":"snapshot"|"update","data":[`, as Kraken starts a trade frame. */
const HEAD = '{"channel":"trade","type":"';

/**
 * A `trade` frame read without `JSON.parse`, or `undefined` when the frame is anything else or strays
 * from the plain shape Kraken sends. Never throws.
 */
export function scanKrakenTradeFrame(raw: string): LiveRecord[] | undefined {
  if (!raw.startsWith(HEAD)) return undefined;
  let i = readString(raw, HEAD.length - 1, false);
  if (i === -1 || (lastText() !== 'update' && lastText() !== 'snapshot')) return undefined;
  i = expectKey(raw, expectChar(raw, i, 44), '"data"');
  if (i === -1) return undefined;
  i = expectChar(raw, i, 91);
  if (i === -1) return undefined;
  const out: LiveRecord[] = [];
  const empty = expectChar(raw, i, 93);
  if (empty !== -1) i = empty;
  else {
    for (;;) {
      i = readTrade(raw, i, out);
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
const SIDE = 2;
const PRICE = 4;
const QTY = 8;
const TRADE_ID = 16;
const TIMESTAMP = 32;
/** Read and dropped, as the general path ignores it. */
const ORD_TYPE = 64;
const REQUIRED = SYMBOL | SIDE | PRICE | QTY | TRADE_ID | TIMESTAMP;

/** The quoted key of each field bit. */
const KEYS: Record<number, string> = {
  [SYMBOL]: '"symbol"',
  [SIDE]: '"side"',
  [PRICE]: '"price"',
  [QTY]: '"qty"',
  [TRADE_ID]: '"trade_id"',
  [TIMESTAMP]: '"timestamp"',
  [ORD_TYPE]: '"ord_type"',
};

/** Which key the quote at `i` starts, by its first letters (0: none of ours). */
function keyBit(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34) return 0;
  switch (s.charCodeAt(i + 1)) {
    case 115: // s: symbol, side
      return s.charCodeAt(i + 2) === 121 ? SYMBOL : SIDE;
    case 112:
      return PRICE;
    case 113:
      return QTY;
    case 116: // t: trade_id, timestamp
      return s.charCodeAt(i + 2) === 114 ? TRADE_ID : TIMESTAMP;
    case 111:
      return ORD_TYPE;
    default:
      return 0;
  }
}

/** One `data` item into `out`; -1 for anything the general path must decide. */
function readTrade(s: string, i: number, out: LiveRecord[]): number {
  i = expectChar(s, i, 123);
  if (i === -1) return -1;
  let seen = 0;
  let market = '';
  let side = '';
  let price = 0;
  let amount = 0;
  let seq = 0;
  let tsNs: bigint | undefined;
  for (;;) {
    i = skipWs(s, i);
    const bit = keyBit(s, i);
    if (bit === 0) return -1;
    i = expectKey(s, i, KEYS[bit] as string);
    if (i === -1) return -1;
    switch (bit) {
      case SYMBOL:
        i = readString(s, i);
        market = scanned.text;
        break;
      case SIDE:
        i = readString(s, i, false);
        side = scanned.text;
        // The general path makes any other side 'unknown': left to it.
        if (i !== -1 && side !== 'buy' && side !== 'sell') return -1;
        break;
      case PRICE:
        i = readNumberToken(s, i);
        price = scanned.value;
        break;
      case QTY:
        i = readNumberToken(s, i);
        amount = scanned.value;
        break;
      case TRADE_ID:
        i = readUint(s, i);
        seq = scanned.value;
        break;
      case TIMESTAMP:
        i = readString(s, i, false);
        if (i !== -1) {
          // The general path's reader tries this same one first.
          tsNs = parseIsoUtcFast(scanned.text);
          if (tsNs === undefined) return -1;
        }
        break;
      default:
        i = readString(s, i, false);
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
  if ((seen & REQUIRED) !== REQUIRED || tsNs === undefined) return -1;
  out.push({
    kind: 'trade',
    market,
    seq,
    trade: { id: String(seq), tsNs, price, amount, side: side === 'buy' ? 'buy' : 'sell' },
  });
  return i;
}
