import { describe, expect, it } from 'vitest';
import { CoinbaseBookSync } from '../../../src/adapters/coinbase/book.js';
import { parseCoinbaseWsFrame } from '../../../src/adapters/coinbase/ws-parse.js';
import type { LiveBookMessage } from '../../../src/adapters/live.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

const frames = fixture('coinbase', 'ws-frames') as Record<string, string>;

describe('parseCoinbaseWsFrame', () => {
  it('flips the maker side of a match to the taker side; µs time', () => {
    expect(parseCoinbaseWsFrame(frames.match!)).toEqual([
      {
        kind: 'trade',
        market: 'BTC-USD',
        seq: 10,
        trade: { id: '10', tsNs: 1415348367028459000n, price: 400.23, amount: 5.23512, side: 'buy' },
      },
    ]);
    expect(parseCoinbaseWsFrame(frames.lastMatch!)[0]).toMatchObject({ seq: 9, trade: { side: 'sell' } });
  });

  it('given the unified symbols, builds the trade of a known product with its symbol', () => {
    const known = parseCoinbaseWsFrame(frames.match!, new Map([['BTC-USD', 'BTC/USD']]))[0] as {
      trade: object;
    };
    expect(known.trade).toEqual({
      id: '10',
      tsNs: 1415348367028459000n,
      price: 400.23,
      amount: 5.23512,
      side: 'buy',
      symbol: 'BTC/USD',
    });
    expect(Object.keys(known.trade)).toEqual(['id', 'tsNs', 'price', 'amount', 'side', 'symbol']);
    expect(parseCoinbaseWsFrame(frames.match!, new Map([['ETH-USD', 'ETH/USD']]))).toEqual(
      parseCoinbaseWsFrame(frames.match!),
    );
  });

  it('turns a heartbeat into a trade-id mark, and ignores last_trade_id 0', () => {
    expect(parseCoinbaseWsFrame(frames.heartbeat!)).toEqual([
      { kind: 'trade-mark', market: 'BTC-USD', seq: 20, tsNs: 1415348368464459000n },
    ]);
    expect(parseCoinbaseWsFrame(frames.heartbeatZero!)).toEqual([]);
  });

  it('parses level2 snapshot and l2update (buy = bid, "0.00000000" removes)', () => {
    const [s] = parseCoinbaseWsFrame(frames.snapshot!) as LiveBookMessage[];
    expect(s?.kind).toBe('book-snapshot');
    expect(s?.changes).toHaveLength(3);
    const [u] = parseCoinbaseWsFrame(frames.l2update!) as LiveBookMessage[];
    expect(u).toMatchObject({ kind: 'book-update', market: 'BTC-USD', tsNs: 1565815347265000000n });
    expect(u?.changes.map((c) => [c.side, c.price, c.amount])).toEqual([
      ['bid', 10101.8, 0.162567],
      ['ask', 10102.55, 0],
    ]);
  });

  it('ignores subscriptions; reports errors; rejects a bad side', () => {
    expect(parseCoinbaseWsFrame(frames.subscriptions!)).toEqual([]);
    expect(parseCoinbaseWsFrame(frames.error!)[0]).toMatchObject({ kind: 'error' });
    expect(() => parseCoinbaseWsFrame(frames.match!.replace('"side":"sell"', '"side":"x"'))).toThrow(
      expect.objectContaining({ code: 'ERR_PROTOCOL' }),
    );
    expect(() => parseCoinbaseWsFrame(frames.match!.replace('2014-11-07T08', 'yesterday'))).toThrow(
      expect.objectContaining({ code: 'ERR_PROTOCOL' }),
    );
  });
});

describe('CoinbaseBookSync', () => {
  it('ignores updates before the snapshot, applies after, waits again after reset', () => {
    const s = new CoinbaseBookSync();
    const [snap] = parseCoinbaseWsFrame(frames.snapshot!) as LiveBookMessage[];
    const [upd] = parseCoinbaseWsFrame(frames.l2update!) as LiveBookMessage[];
    expect(s.onMessage(upd!)).toEqual({ type: 'none' });
    expect(s.onMessage(snap!)).toEqual({ type: 'snapshot' });
    expect(s.onMessage(upd!)).toMatchObject({ type: 'update' });
    expect(s.book.bids()).toEqual([
      { price: 10101.8, amount: 0.162567 },
      { price: 10101.1, amount: 0.4505414 },
      { price: 10101, amount: 1 },
    ]);
    expect(s.book.asks()).toEqual([]);
    s.reset();
    expect(s.synced).toBe(false);
    expect(s.onMessage(upd!)).toEqual({ type: 'none' });
  });
});
