/**
 * Kraken WebSocket v2 payloads → live records: `trade` items (the `side` is already the taker's),
 * `book` snapshots and updates with their CRC32 `checksum`, and failed subscriptions. Book frames are
 * read with the lossless JSON reader so each price and quantity keeps the exact digits the checksum is
 * computed over; other frames go through `JSON.parse`.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { parseIsoUtcFast } from '../../core/iso-fast.js';
import { parseIsoNs } from '../../core/time.js';
import type { LiveBookMessage, LiveRecord } from '../live.js';
import type { BookChange, BookSideName } from '../order-book.js';
import { array, decimalAt, integer, integerAt, object, objectAt, text, textAt } from '../values.js';
import { scanKrakenBookFrame } from './book-scan.js';
import { LosslessNumber, type LosslessValue, numberText, parseLosslessJson } from './lossless-json.js';

const BOOK_CHANNEL = /"channel"\s*:\s*"book"/;
const TRADE_FRAME = '{"channel":"trade",';
const BOOK_FRAME = '{"channel":"book","type":"';

function isoNs(value: unknown, field: string): bigint {
  const t = text(value, field);
  try {
    return parseIsoNs(t, field);
  } catch (error) {
    throw new ProtocolError(`Expected an RFC 3339 time in ${field}`, t, { cause: error });
  }
}

/** `trade.data[i].timestamp` as epoch ns; the field name is built only when the value is bad. */
function isoNsAt(value: unknown, i: number): bigint {
  if (typeof value === 'string') {
    const fast = parseIsoUtcFast(value);
    if (fast !== undefined) return fast;
  }
  return isoNs(value, `trade.data[${i}].timestamp`);
}

/**
 * Parses one Kraken v2 frame into live records (none for status, heartbeat, pong and acks).
 * @param symbols wire symbol → unified symbol: a trade of a market in it carries `symbol` too
 */
export function parseKrakenWsFrame(raw: string, symbols?: ReadonlyMap<string, string>): LiveRecord[] {
  // Book frames in Kraken's plain shape are read in place; any other frame, or any surprise, below.
  if (raw.startsWith(BOOK_FRAME)) {
    const fast = scanKrakenBookFrame(raw);
    if (fast !== undefined) return fast;
  }
  // Trade frames start with their channel: no scan of a frame of hundreds of trades for the book's.
  if (!raw.startsWith(TRADE_FRAME) && BOOK_CHANNEL.test(raw)) return parseBookFrame(raw);
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('Kraken sent a frame that is not JSON', raw, { cause: error });
  }
  const o = object(msg, 'kraken frame');
  if (o['channel'] === 'trade' && (o['type'] === 'snapshot' || o['type'] === 'update')) {
    const items = array(o['data'], 'trade.data');
    const out: LiveRecord[] = [];
    // The symbol of the last market seen: a frame's trades are usually all of one market.
    let lastMarket: string | undefined;
    let symbol: string | undefined;
    // Error names are built only on a bad value: a frame can carry hundreds of trades.
    for (let i = 0; i < items.length; i++) {
      const it = objectAt(items[i], 'trade.data', i);
      const seq = integerAt(it['trade_id'], 'trade.data', i, '.trade_id');
      const wireSide = it['side'];
      const market = textAt(it['symbol'], 'trade.data', i, '.symbol');
      if (market !== lastMarket) {
        lastMarket = market;
        symbol = symbols?.get(market);
      }
      const id = String(seq);
      const tsNs = isoNsAt(it['timestamp'], i);
      const price = decimalAt(it['price'], 'trade.data', i, '.price');
      const amount = decimalAt(it['qty'], 'trade.data', i, '.qty');
      const side = wireSide === 'buy' || wireSide === 'sell' ? wireSide : 'unknown';
      out.push({
        kind: 'trade',
        market,
        seq,
        trade:
          symbol === undefined
            ? { id, tsNs, price, amount, side }
            : { id, tsNs, price, amount, side, symbol },
      });
    }
    return out;
  }
  if (o['success'] === false) {
    return [{ kind: 'error', message: `Kraken refused ${String(o['method'])}: ${String(o['error'])}` }];
  }
  return [];
}

function parseBookFrame(raw: string): LiveRecord[] {
  const msg = parseLosslessJson(raw);
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || msg instanceof LosslessNumber) {
    throw new ProtocolError('Expected an object in kraken book frame', raw);
  }
  const o = msg as { [key: string]: LosslessValue };
  const type = o['type'];
  if (type !== 'snapshot' && type !== 'update') {
    if (o['success'] === false) {
      return [{ kind: 'error', message: `Kraken refused ${String(o['method'])}: ${String(o['error'])}` }];
    }
    return [];
  }
  const data = o['data'];
  if (!Array.isArray(data)) throw new ProtocolError('Expected an array in book.data', raw);
  const out: LiveRecord[] = [];
  for (let i = 0; i < data.length; i++) {
    const d = data[i] as { [key: string]: LosslessValue } | undefined;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) {
      throw new ProtocolError(`Expected an object in book.data[${i}]`, raw);
    }
    const changes: BookChange[] = [];
    levels(d['bids'], 'bid', `book.data[${i}].bids`, changes, raw);
    levels(d['asks'], 'ask', `book.data[${i}].asks`, changes, raw);
    const rec: LiveBookMessage = {
      kind: type === 'snapshot' ? 'book-snapshot' : 'book-update',
      market: text(d['symbol'], `book.data[${i}].symbol`),
      changes,
      checksum: integer(
        Number(numberText(d['checksum'], `book.data[${i}].checksum`)),
        `book.data[${i}].checksum`,
      ),
      ...(typeof d['timestamp'] === 'string'
        ? { tsNs: isoNs(d['timestamp'], `book.data[${i}].timestamp`) }
        : {}),
    };
    out.push(rec);
  }
  return out;
}

function levels(
  value: LosslessValue | undefined,
  side: BookSideName,
  field: string,
  out: BookChange[],
  raw: string,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new ProtocolError(`Expected an array in ${field}`, raw);
  for (let i = 0; i < value.length; i++) {
    const l = value[i] as { [key: string]: LosslessValue } | undefined;
    if (typeof l !== 'object' || l === null || Array.isArray(l)) {
      throw new ProtocolError(`Expected an object in ${field}[${i}]`, raw);
    }
    const pv = l['price'];
    const qv = l['qty'];
    const p = pv instanceof LosslessNumber ? pv.text : numberText(pv, `${field}[${i}].price`);
    const q = qv instanceof LosslessNumber ? qv.text : numberText(qv, `${field}[${i}].qty`);
    out.push({ side, price: Number(p), amount: Number(q), priceText: p, amountText: q });
  }
}
