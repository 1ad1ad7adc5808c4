/**
 * Binance spot WebSocket payloads → live records: `aggTrade` and `trade` events, `depthUpdate` diffs,
 * and the REST depth snapshot `/api/v3/depth` the local book starts from. Combined-stream frames
 * (`{"stream":..,"data":{..}}`) are unwrapped. Times are ms on the wire; `m: true` means the taker sold.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { msToNs } from '../../core/time.js';
import { readLevelPairs } from '../book-levels.js';
import type { LiveBookMessage, LiveRecord } from '../live.js';
import type { BookChange } from '../order-book.js';
import { decimal, integer, object, text } from '../values.js';
import { looksLikeDepthUpdate, scanBinanceDepthFrame } from './depth-scan.js';

/** Parses one Binance WebSocket frame (raw or combined stream) into live records (none for acks). */
export function parseBinanceWsFrame(raw: string): LiveRecord[] {
  // Depth diffs (thousands of levels) are read in place; any other frame, or any surprise, is parsed below.
  if (looksLikeDepthUpdate(raw)) {
    const fast = scanBinanceDepthFrame(raw);
    if (fast !== undefined) return [fast];
  }
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('Binance sent a frame that is not JSON', raw, { cause: error });
  }
  return binanceEventRecords(binanceFrameData(msg));
}

/** The event of a parsed frame: a combined-stream frame's `data`, or the frame itself. */
export function binanceFrameData(msg: unknown): Record<string, unknown> {
  const o = object(msg, 'binance frame');
  return typeof o['stream'] === 'string' && o['data'] !== undefined ? object(o['data'], 'data') : o;
}

/**
 * The live records of one Binance event (spot and USDⓈ-M share these payloads): trades, depth diffs,
 * error replies; none for acks and unknown events.
 */
export function binanceEventRecords(data: Record<string, unknown>): LiveRecord[] {
  switch (data['e']) {
    case 'aggTrade':
      return [tradeRecord(data, 'a')];
    case 'trade':
      return [tradeRecord(data, 't')];
    case 'depthUpdate':
      return [depthUpdate(data)];
    default:
      break;
  }
  if (data['code'] !== undefined && data['msg'] !== undefined) {
    return [{ kind: 'error', message: `Binance error ${String(data['code'])}: ${String(data['msg'])}` }];
  }
  // Subscription acks (`{"result":null,"id":1}`), serverShutdown and unknown events carry no records.
  return [];
}

function tradeRecord(d: Record<string, unknown>, idField: 'a' | 't'): LiveRecord {
  const seq = integer(d[idField], `${String(d['e'])}.${idField}`);
  const m = d['m'];
  if (typeof m !== 'boolean')
    throw new ProtocolError('Expected a boolean in trade.m', JSON.stringify(m) ?? '');
  return {
    kind: 'trade',
    market: text(d['s'], 'trade.s'),
    seq,
    trade: {
      id: String(seq),
      tsNs: msToNs(integer(d['T'], 'trade.T')),
      price: decimal(d['p'], 'trade.p'),
      amount: decimal(d['q'], 'trade.q'),
      side: m ? 'sell' : 'buy',
    },
  };
}

function depthUpdate(d: Record<string, unknown>): LiveBookMessage {
  const changes: BookChange[] = [];
  readLevelPairs(d['b'], 'bid', 'depthUpdate.b', changes);
  readLevelPairs(d['a'], 'ask', 'depthUpdate.a', changes);
  return {
    kind: 'book-update',
    market: text(d['s'], 'depthUpdate.s'),
    changes,
    firstId: integer(d['U'], 'depthUpdate.U'),
    lastId: integer(d['u'], 'depthUpdate.u'),
    // USDⓈ-M futures chain their diffs: `pu` is the previous event's `u`.
    ...(d['pu'] === undefined ? {} : { prevId: integer(d['pu'], 'depthUpdate.pu') }),
    tsNs: msToNs(integer(d['E'], 'depthUpdate.E')),
  };
}

/** Parses `GET /api/v3/depth` (`{lastUpdateId, bids, asks}`) into a snapshot message for `market`. */
export function parseBinanceDepthSnapshot(body: unknown, market: string): LiveBookMessage {
  const o = object(body, 'depth');
  const changes: BookChange[] = [];
  readLevelPairs(o['bids'], 'bid', 'depth.bids', changes);
  readLevelPairs(o['asks'], 'ask', 'depth.asks', changes);
  return { kind: 'book-snapshot', market, changes, lastId: integer(o['lastUpdateId'], 'depth.lastUpdateId') };
}
