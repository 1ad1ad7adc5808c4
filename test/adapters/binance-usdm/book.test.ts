/**
 * The USDⓈ-M local-book rule, pure: the first event applied after the snapshot has
 * `U <= lastUpdateId <= u`; every later one must chain (`pu` = the previous `u`), else a resync.
 * Futures ids are not contiguous, so a `U` that jumps is fine as long as `pu` chains.
 */
import { describe, expect, it } from 'vitest';
import { BinanceBookSync } from '../../../src/adapters/binance/book.js';
import type { LiveBookMessage } from '../../../src/adapters/live.js';

const upd = (U: number, u: number, pu: number, bid: [number, number]): LiveBookMessage => ({
  kind: 'book-update',
  market: 'BTCUSDT',
  changes: [{ side: 'bid', price: bid[0], amount: bid[1] }],
  firstId: U,
  lastId: u,
  prevId: pu,
});
const snap = (id: number): LiveBookMessage => ({
  kind: 'book-snapshot',
  market: 'BTCUSDT',
  changes: [{ side: 'bid', price: 9, amount: 9 }],
  lastId: id,
});

describe('BinanceBookSync, futures rule', () => {
  it('drops u < lastUpdateId, applies the event straddling it, then follows the pu chain across id jumps', () => {
    const s = new BinanceBookSync(undefined, undefined, 'futures');
    s.onMessage(upd(100, 150, 90, [1, 1]));
    s.onMessage(upd(151, 210, 150, [2, 2]));
    s.onMessage(upd(260, 300, 210, [3, 3])); // U jumps, pu chains: fine on futures
    expect(s.onSnapshot(snap(180))).toEqual({ type: 'snapshot' });
    expect(s.updateId).toBe(300);
    expect(s.book.bids().map((l) => l.price)).toEqual([9, 3, 2]);
    expect(s.onMessage(upd(301, 320, 300, [4, 4]))).toMatchObject({ type: 'update' });
    expect(s.updateId).toBe(320);
  });

  it('a broken pu chain is a resync (sequence-gap) naming the pu expected and got', () => {
    const s = new BinanceBookSync(undefined, undefined, 'futures');
    s.onMessage(upd(100, 150, 90, [1, 1]));
    s.onSnapshot(snap(120));
    const r = s.onMessage(upd(171, 190, 170, [5, 5])); // 151..170 was lost
    expect(r).toMatchObject({ type: 'resync', reason: 'sequence-gap' });
    expect((r as { detail: string }).detail).toMatch(/expected pu=150.*got pu=170/);
    expect(s.synced).toBe(false);
    expect(s.needsSnapshot).toBe(true);
  });

  it('the first event after the snapshot must reach back to it (U <= lastUpdateId)', () => {
    const s = new BinanceBookSync(undefined, undefined, 'futures');
    s.onMessage(upd(100, 110, 90, [1, 1]));
    expect(s.onSnapshot(snap(115))).toEqual({ type: 'snapshot' }); // buffered 100..110 is stale
    const r = s.onMessage(upd(120, 130, 110, [2, 2])); // 111..119 unseen: does not straddle 115
    expect(r).toMatchObject({ type: 'resync', reason: 'sequence-gap' });
    expect((r as { detail: string }).detail).toMatch(/U <= 115 <= u/);
  });

  it('a snapshot older than the first buffered event is refetched', () => {
    const s = new BinanceBookSync(undefined, undefined, 'futures');
    s.onMessage(upd(200, 210, 199, [1, 1]));
    expect(s.onSnapshot(snap(150))).toMatchObject({ type: 'refetch' });
  });

  it('the spot rule is unchanged: U must not skip past id + 1 (no pu needed)', () => {
    const s = new BinanceBookSync();
    s.onMessage({ ...upd(100, 110, 0, [1, 1]), prevId: undefined } as LiveBookMessage);
    s.onSnapshot(snap(105));
    expect(s.onMessage({ ...upd(111, 120, 0, [2, 2]), prevId: undefined } as LiveBookMessage)).toMatchObject({
      type: 'update',
    });
    expect(s.onMessage({ ...upd(125, 130, 0, [3, 3]) })).toMatchObject({ type: 'resync' });
  });
});
