/**
 * Bybit v5 public WebSocket frames → typed messages, stateless: `publicTrade` rows, `orderbook`
 * snapshots and deltas, `tickers` snapshots and deltas (only the changed fields), `allLiquidation` rows,
 * and the `op` answers. Merging ticker deltas and dropping repeated trades need state across frames and
 * live in `ws-state.ts`. Times are ms on the wire.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { msToNs } from '../../core/time.js';
import { readLevelPairs } from '../book-levels.js';
import type { LiveBookMessage, LiveLiquidation } from '../live.js';
import type { BookChange } from '../order-book.js';
import { array, decimal, integer, object, text } from '../values.js';
import { takerSide } from './parse.js';

/** One trade row of `publicTrade`. */
export type BybitWsTrade = {
  market: string;
  id: string;
  tsNs: bigint;
  price: number;
  amount: number;
  side: 'buy' | 'sell';
  /** Bybit's cross sequence (rises, with gaps; shared by the trades of one match). */
  crossSeq: number | undefined;
};

/** The ticker fields tickwire reads, as sent (a delta holds only the changed ones). */
export type BybitTickerFields = {
  markPrice?: number;
  indexPrice?: number;
  fundingRate?: number;
  nextFundingNs?: bigint;
  openInterest?: number;
};

/** A parsed frame. */
export type BybitWsMessage =
  | { kind: 'trades'; trades: BybitWsTrade[] }
  | { kind: 'book'; message: LiveBookMessage }
  | { kind: 'ticker'; market: string; snapshot: boolean; tsNs: bigint; fields: BybitTickerFields }
  | { kind: 'liquidations'; records: LiveLiquidation[] }
  | { kind: 'error'; message: string }
  | { kind: 'none' };

/** Parses one frame. */
export function parseBybitWsFrame(raw: string): BybitWsMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('Bybit sent a frame that is not JSON', raw, { cause: error });
  }
  const o = object(msg, 'bybit frame');
  const topic = o['topic'];
  if (typeof topic !== 'string') {
    // `op` answers: subscribe acks, pongs; a failed subscribe is an error the stream must not ignore.
    if (o['success'] === false && o['op'] !== 'ping') {
      return { kind: 'error', message: `Bybit refused ${String(o['op'])}: ${String(o['ret_msg'] ?? '')}` };
    }
    return { kind: 'none' };
  }
  const dot = topic.indexOf('.');
  const channel = dot < 0 ? topic : topic.slice(0, dot);
  switch (channel) {
    case 'publicTrade':
      return { kind: 'trades', trades: array(o['data'], 'publicTrade.data').map(tradeRow) };
    case 'orderbook':
      return { kind: 'book', message: bookMessage(o) };
    case 'tickers':
      return tickerMessage(o);
    case 'allLiquidation':
      return { kind: 'liquidations', records: array(o['data'], 'allLiquidation.data').map(liquidationRow) };
    default:
      return { kind: 'none' };
  }
}

function tradeRow(raw: unknown, i: number): BybitWsTrade {
  const r = object(raw, `publicTrade.data[${i}]`);
  const seq = r['seq'];
  return {
    market: text(r['s'], 'publicTrade.s'),
    id: text(r['i'], 'publicTrade.i'),
    tsNs: msToNs(integer(r['T'], 'publicTrade.T')),
    price: decimal(r['p'], 'publicTrade.p'),
    amount: decimal(r['v'], 'publicTrade.v'),
    side: takerSide(r['S'], 'publicTrade.S'),
    crossSeq: seq === undefined ? undefined : integer(seq, 'publicTrade.seq'),
  };
}

function bookMessage(o: Record<string, unknown>): LiveBookMessage {
  const d = object(o['data'], 'orderbook.data');
  const changes: BookChange[] = [];
  readLevelPairs(d['b'], 'bid', 'orderbook.b', changes);
  readLevelPairs(d['a'], 'ask', 'orderbook.a', changes);
  const type = o['type'];
  if (type !== 'snapshot' && type !== 'delta') {
    throw new ProtocolError('Expected "snapshot" or "delta" in orderbook.type', JSON.stringify(type) ?? '');
  }
  return {
    kind: type === 'snapshot' ? 'book-snapshot' : 'book-update',
    market: text(d['s'], 'orderbook.s'),
    changes,
    lastId: integer(d['u'], 'orderbook.u'),
    tsNs: msToNs(integer(o['ts'], 'orderbook.ts')),
  };
}

function tickerMessage(o: Record<string, unknown>): BybitWsMessage {
  const d = object(o['data'], 'tickers.data');
  const fields: BybitTickerFields = {};
  const num = (k: string) => (d[k] === undefined || d[k] === '' ? undefined : decimal(d[k], `tickers.${k}`));
  const mark = num('markPrice');
  if (mark !== undefined) fields.markPrice = mark;
  const index = num('indexPrice');
  if (index !== undefined) fields.indexPrice = index;
  const rate = num('fundingRate');
  if (rate !== undefined) fields.fundingRate = rate;
  const oi = num('openInterest');
  if (oi !== undefined) fields.openInterest = oi;
  if (d['nextFundingTime'] !== undefined && d['nextFundingTime'] !== '') {
    fields.nextFundingNs = msToNs(integer(d['nextFundingTime'], 'tickers.nextFundingTime'));
  }
  return {
    kind: 'ticker',
    market: text(d['symbol'], 'tickers.symbol'),
    snapshot: o['type'] === 'snapshot',
    tsNs: msToNs(integer(o['ts'], 'tickers.ts')),
    fields,
  };
}

function liquidationRow(raw: unknown, i: number): LiveLiquidation {
  const r = object(raw, `allLiquidation.data[${i}]`);
  const s = r['S'];
  if (s !== 'Buy' && s !== 'Sell') {
    throw new ProtocolError('Expected "Buy" or "Sell" in allLiquidation.S', JSON.stringify(s) ?? '');
  }
  return {
    kind: 'liquidation',
    market: text(r['s'], 'allLiquidation.s'),
    liquidation: {
      tsNs: msToNs(integer(r['T'], 'allLiquidation.T')),
      // `S` is the position's side: Buy means a long position was liquidated.
      side: s === 'Buy' ? 'long' : 'short',
      price: decimal(r['p'], 'allLiquidation.p'),
      amount: decimal(r['v'], 'allLiquidation.v'),
      sampled: false,
    },
  };
}
