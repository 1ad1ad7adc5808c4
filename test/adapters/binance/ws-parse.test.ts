import { describe, expect, it } from 'vitest';
import { BinanceBookSync } from '../../../src/adapters/binance/book.js';
import { parseBinanceDepthSnapshot, parseBinanceWsFrame } from '../../../src/adapters/binance/ws-parse.js';
import type { LiveBookMessage } from '../../../src/adapters/live.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

type Frames = {
  aggTrade: string;
  combinedAggTrade: string;
  trade: string;
  depthUpdate: string;
  ack: string;
  error: string;
  serverShutdown: string;
  depthSnapshot: unknown;
};
const frames = fixture('binance', 'ws-frames') as Frames;

describe('parseBinanceWsFrame', () => {
  it('parses an aggTrade: id a, ms time, m=true is a taker sell', () => {
    expect(parseBinanceWsFrame(frames.aggTrade)).toEqual([
      {
        kind: 'trade',
        market: 'BNBBTC',
        seq: 12345,
        trade: { id: '12345', tsNs: 1672515782136000000n, price: 0.001, amount: 100, side: 'sell' },
      },
    ]);
  });

  it('unwraps a combined-stream frame; m=false is a taker buy', () => {
    const [r] = parseBinanceWsFrame(frames.combinedAggTrade);
    expect(r).toMatchObject({ kind: 'trade', market: 'BTCUSDT', seq: 26129 });
    expect(r?.kind === 'trade' && r.trade).toEqual({
      id: '26129',
      tsNs: 1672515782199000000n,
      price: 16500.1,
      amount: 0.25,
      side: 'buy',
    });
  });

  it('parses a raw trade event by its t id', () => {
    expect(parseBinanceWsFrame(frames.trade)[0]).toMatchObject({ kind: 'trade', seq: 12345 });
  });

  it('parses a depthUpdate with U/u and absolute sizes, keeping the wire strings', () => {
    const [r] = parseBinanceWsFrame(frames.depthUpdate) as LiveBookMessage[];
    expect(r).toMatchObject({ kind: 'book-update', market: 'BNBBTC', firstId: 157, lastId: 160 });
    expect(r?.changes).toEqual([
      { side: 'bid', price: 0.0024, amount: 10, priceText: '0.0024', amountText: '10' },
      { side: 'ask', price: 0.0026, amount: 100, priceText: '0.0026', amountText: '100' },
      { side: 'ask', price: 0.0027, amount: 0, priceText: '0.0027', amountText: '0' },
    ]);
  });

  it('yields nothing for acks and serverShutdown, an error record for an error', () => {
    expect(parseBinanceWsFrame(frames.ack)).toEqual([]);
    expect(parseBinanceWsFrame(frames.serverShutdown)).toEqual([]);
    expect(parseBinanceWsFrame(frames.error)).toEqual([
      { kind: 'error', message: expect.stringContaining('2') },
    ]);
  });

  it('throws a ProtocolError for non-JSON and for a bad field', () => {
    expect(() => parseBinanceWsFrame('not json')).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
    expect(() => parseBinanceWsFrame('{"e":"aggTrade","a":"x"}')).toThrow(
      expect.objectContaining({ name: 'ProtocolError' }),
    );
  });

  it('parses the REST depth snapshot', () => {
    const s = parseBinanceDepthSnapshot(frames.depthSnapshot, 'BNBBTC');
    expect(s).toMatchObject({ kind: 'book-snapshot', lastId: 1027024 });
    expect(s.changes.map((c) => [c.side, c.price, c.amount])).toEqual([
      ['bid', 4, 431],
      ['ask', 4.000002, 12],
    ]);
  });
});

function upd(U: number, u: number, bid?: [number, number]): LiveBookMessage {
  return {
    kind: 'book-update',
    market: 'X',
    firstId: U,
    lastId: u,
    changes: bid ? [{ side: 'bid', price: bid[0], amount: bid[1] }] : [],
  };
}

function snap(lastId: number, bids: [number, number][]): LiveBookMessage {
  return {
    kind: 'book-snapshot',
    market: 'X',
    lastId,
    changes: bids.map(([price, amount]) => ({ side: 'bid' as const, price, amount })),
  };
}

describe('BinanceBookSync', () => {
  it('buffers until a snapshot, drops events with u <= lastUpdateId, applies the rest', () => {
    const s = new BinanceBookSync();
    expect(s.needsSnapshot).toBe(false);
    expect(s.onMessage(upd(100, 105, [1, 1]))).toEqual({ type: 'none' });
    expect(s.needsSnapshot).toBe(true);
    s.onMessage(upd(106, 110, [2, 2]));
    s.onMessage(upd(111, 115, [3, 3]));
    expect(s.onSnapshot(snap(108, [[9, 9]]))).toEqual({ type: 'snapshot' });
    // 100..105 dropped (u <= 108); 106..110 straddles and is applied; 111..115 applied.
    expect(s.book.bids()).toEqual([
      { price: 9, amount: 9 },
      { price: 3, amount: 3 },
      { price: 2, amount: 2 },
    ]);
    expect(s.updateId).toBe(115);
    expect(s.synced).toBe(true);
    expect(s.onMessage(upd(116, 116, [3, 0]))).toMatchObject({ type: 'update' });
    expect(s.book.bids(5).map((l) => l.price)).toEqual([9, 2]);
    expect(s.onMessage(upd(110, 116))).toEqual({ type: 'none' });
  });

  it('resyncs (depth-exhausted) when the levels shown reach past the snapshot, not before', () => {
    // Snapshot limited to 3 bids (9, 8, 7): nothing below 7 is known. Shown depth: 2.
    const s = new BinanceBookSync(undefined, { depth: 2, snapshotLimit: 3 });
    s.onMessage(upd(11, 11));
    expect(
      s.onSnapshot(
        snap(11, [
          [9, 1],
          [8, 1],
          [7, 1],
        ]),
      ),
    ).toEqual({ type: 'snapshot' });
    // Removing 9 leaves 8, 7 on top: still inside the snapshot.
    expect(s.onMessage(upd(12, 12, [9, 0]))).toMatchObject({ type: 'update' });
    // A level deeper than the snapshot's boundary changes: known now, but the top 2 are still 8, 7.
    expect(s.onMessage(upd(13, 13, [5, 2]))).toMatchObject({ type: 'update' });
    // Removing 8: the top 2 would be 7 and 5, but 6 (say) is unknown: resync instead of a book with holes.
    expect(s.onMessage(upd(14, 14, [8, 0]))).toMatchObject({ type: 'resync', reason: 'depth-exhausted' });
    expect(s.synced).toBe(false);
    // A snapshot that returned fewer levels than asked holds the whole side: no boundary to cross.
    const whole = new BinanceBookSync(undefined, { depth: 2, snapshotLimit: 100 });
    whole.onMessage(upd(11, 11));
    whole.onSnapshot(
      snap(11, [
        [9, 1],
        [8, 1],
      ]),
    );
    expect(whole.onMessage(upd(12, 12, [9, 0]))).toMatchObject({ type: 'update' });
  });

  it('asks for another snapshot when it is older than the first buffered U', () => {
    const s = new BinanceBookSync();
    s.onMessage(upd(200, 205));
    expect(s.onSnapshot(snap(150, []))).toMatchObject({ type: 'refetch' });
    expect(s.needsSnapshot).toBe(true);
    expect(s.onSnapshot(snap(201, []))).toEqual({ type: 'snapshot' });
  });

  it('a skipped update id clears the book and restarts from step 1', () => {
    const s = new BinanceBookSync();
    s.onMessage(upd(10, 10));
    s.onSnapshot(snap(10, [[1, 1]]));
    s.onMessage(upd(11, 12, [2, 2]));
    const r = s.onMessage(upd(14, 15, [3, 3]));
    expect(r).toMatchObject({ type: 'resync', reason: 'sequence-gap' });
    expect(s.synced).toBe(false);
    expect(s.book.depth).toEqual({ bids: 0, asks: 0 });
    expect(s.needsSnapshot).toBe(true);
    expect(s.firstBufferedId).toBe(14);
    expect(s.onSnapshot(snap(16, [[5, 5]]))).toEqual({ type: 'snapshot' });
    expect(s.book.bids()).toEqual([{ price: 5, amount: 5 }]);
  });

  it('a gap inside the buffer after the snapshot is a resync too', () => {
    const s = new BinanceBookSync();
    s.onMessage(upd(10, 12));
    s.onMessage(upd(20, 22));
    expect(s.onSnapshot(snap(11, []))).toMatchObject({ type: 'resync', reason: 'sequence-gap' });
    expect(s.synced).toBe(false);
  });
});
