/**
 * Coinbase Exchange WebSocket payloads → live records: `match` / `last_match` trades (the wire `side` is
 * the MAKER's side: flipped here to the taker's), `heartbeat` trade-id marks, `level2_batch` `snapshot`
 * and `l2update` messages, and `error`. Times are RFC 3339 with up to µs.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import { parseIsoNs } from '../../core/time.js';
import { readLevelPairs } from '../book-levels.js';
import type { LiveRecord } from '../live.js';
import type { BookChange } from '../order-book.js';
import { array, arrayAt, decimal, decimalAt, integer, object, text, textAt } from '../values.js';
import { scanCoinbaseL2Update } from './l2-scan.js';

function isoNs(value: unknown, field: string): bigint {
  const t = text(value, field);
  try {
    return parseIsoNs(t, field);
  } catch (error) {
    throw new ProtocolError(`Expected an RFC 3339 time in ${field}`, t, { cause: error });
  }
}

/**
 * Parses one Coinbase WebSocket frame into live records (none for subscriptions and unknown types).
 * @param symbols product id → unified symbol: a trade of a product in it carries `symbol` too
 */
export function parseCoinbaseWsFrame(raw: string, symbols?: ReadonlyMap<string, string>): LiveRecord[] {
  // Book diffs (hundreds of levels) are read in place; any other frame, or any surprise, is parsed below.
  if (raw.startsWith('{"type":"l2update"')) {
    const fast = scanCoinbaseL2Update(raw);
    if (fast !== undefined) return [fast];
  }
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('Coinbase sent a frame that is not JSON', raw, { cause: error });
  }
  const o = object(msg, 'coinbase frame');
  switch (o['type']) {
    case 'match':
    case 'last_match': {
      const seq = integer(o['trade_id'], 'match.trade_id');
      const maker = o['side'];
      if (maker !== 'buy' && maker !== 'sell') {
        throw new ProtocolError('Expected "buy" or "sell" in match.side', JSON.stringify(maker) ?? '');
      }
      const market = text(o['product_id'], 'match.product_id');
      const symbol = symbols?.get(market);
      const id = String(seq);
      const tsNs = isoNs(o['time'], 'match.time');
      const price = decimal(o['price'], 'match.price');
      const amount = decimal(o['size'], 'match.size');
      const side = maker === 'sell' ? 'buy' : 'sell';
      return [
        {
          kind: 'trade',
          market,
          seq,
          trade:
            symbol === undefined
              ? { id, tsNs, price, amount, side }
              : { id, tsNs, price, amount, side, symbol },
        },
      ];
    }
    case 'heartbeat': {
      const seq =
        o['last_trade_id'] === undefined ? 0 : integer(o['last_trade_id'], 'heartbeat.last_trade_id');
      // A last_trade_id of 0 has been reported for products without trades: no information.
      if (seq <= 0) return [];
      return [
        {
          kind: 'trade-mark',
          market: text(o['product_id'], 'heartbeat.product_id'),
          seq,
          tsNs: isoNs(o['time'], 'heartbeat.time'),
        },
      ];
    }
    case 'snapshot': {
      const changes: BookChange[] = [];
      readLevelPairs(o['bids'], 'bid', 'snapshot.bids', changes);
      readLevelPairs(o['asks'], 'ask', 'snapshot.asks', changes);
      const snap = {
        kind: 'book-snapshot' as const,
        market: text(o['product_id'], 'snapshot.product_id'),
        changes,
      };
      return [o['time'] === undefined ? snap : { ...snap, tsNs: isoNs(o['time'], 'snapshot.time') }];
    }
    case 'l2update': {
      const rows = array(o['changes'], 'l2update.changes');
      const changes: BookChange[] = [];
      for (let i = 0; i < rows.length; i++) {
        const row = arrayAt(rows[i], 'l2update.changes', i);
        const s = row[0];
        if (s !== 'buy' && s !== 'sell') {
          throw new ProtocolError(
            `Expected "buy" or "sell" in l2update.changes[${i}][0]`,
            JSON.stringify(s) ?? '',
          );
        }
        const p = textAt(row[1], 'l2update.changes', i, '[1]');
        const q = textAt(row[2], 'l2update.changes', i, '[2]');
        changes.push({
          side: s === 'buy' ? 'bid' : 'ask',
          price: decimalAt(p, 'l2update.changes', i, '[1]'),
          amount: decimalAt(q, 'l2update.changes', i, '[2]'),
          priceText: p,
          amountText: q,
        });
      }
      const rec = {
        kind: 'book-update' as const,
        market: text(o['product_id'], 'l2update.product_id'),
        changes,
      };
      return [o['time'] === undefined ? rec : { ...rec, tsNs: isoNs(o['time'], 'l2update.time') }];
    }
    case 'error':
      return [
        {
          kind: 'error',
          message: `Coinbase error: ${String(o['message'])} ${String(o['reason'] ?? '')}`.trim(),
        },
      ];
    default:
      // subscriptions, ticker, status...: clients must ignore types they do not know.
      return [];
  }
}
