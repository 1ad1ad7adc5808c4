/**
 * Test helpers for the live streams: domain trades written back as each exchange's WebSocket frames,
 * so a scripted server can replay the simulator's ground truth with chosen messages left out.
 */
import type { Trade } from '../../src/core/records.js';
import { formatIsoNs } from '../../src/core/time.js';

/** A Binance combined-stream `aggTrade` frame. */
export function binanceAggTrade(symbol: string, t: Trade): string {
  const data = {
    e: 'aggTrade',
    E: Number(t.tsNs / 1_000_000n),
    s: symbol,
    a: Number(t.id),
    p: String(t.price),
    q: String(t.amount),
    f: Number(t.id),
    l: Number(t.id),
    T: Number(t.tsNs / 1_000_000n),
    m: t.side === 'sell',
    M: true,
  };
  return JSON.stringify({ stream: `${symbol.toLowerCase()}@aggTrade`, data });
}

/** A Coinbase `match` frame (the wire side is the maker's). */
export function coinbaseMatch(product: string, t: Trade, type: 'match' | 'last_match' = 'match'): string {
  return JSON.stringify({
    type,
    trade_id: Number(t.id),
    sequence: Number(t.id) * 3,
    time: formatIsoNs(t.tsNs),
    product_id: product,
    size: String(t.amount),
    price: String(t.price),
    side: t.side === 'buy' ? 'sell' : 'buy',
  });
}

/** A Coinbase heartbeat announcing `lastTradeId`. */
export function coinbaseHeartbeat(product: string, lastTradeId: number, tsNs: bigint): string {
  return JSON.stringify({
    type: 'heartbeat',
    sequence: 1,
    last_trade_id: lastTradeId,
    product_id: product,
    time: formatIsoNs(tsNs),
  });
}

/** A Kraken v2 trade message. */
export function krakenTrades(
  symbol: string,
  trades: readonly Trade[],
  type: 'snapshot' | 'update' = 'update',
): string {
  return JSON.stringify({
    channel: 'trade',
    type,
    data: trades.map((t) => ({
      symbol,
      side: t.side,
      price: t.price,
      qty: t.amount,
      ord_type: 'limit',
      trade_id: Number(t.id),
      timestamp: formatIsoNs(t.tsNs),
    })),
  });
}
