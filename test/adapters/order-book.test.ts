/**
 * The local order book against a plain model (a map per side, sorted on read): any sequence of changes,
 * trims and clears leaves the same levels, in the same order, with the same wire strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/adapters/order-book.js';

type Op =
  | { op: 'set'; side: 'bid' | 'ask'; tick: number; qty: number }
  | { op: 'trim'; depth: number }
  | { op: 'clear' };

const ops = fc.array(
  fc.oneof(
    {
      weight: 30,
      arbitrary: fc.record({
        op: fc.constant('set' as const),
        side: fc.constantFrom('bid' as const, 'ask' as const),
        tick: fc.integer({ min: 0, max: 60 }),
        qty: fc.integer({ min: 0, max: 4 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('trim' as const), depth: fc.integer({ min: 0, max: 30 }) }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
  ),
  { maxLength: 400 },
);

describe('OrderBook', () => {
  it('matches a map-and-sort model after any changes (property)', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const book = new OrderBook();
        const model = { bid: new Map<number, [string, string]>(), ask: new Map<number, [string, string]>() };
        const sorted = (side: 'bid' | 'ask') =>
          [...model[side].entries()].sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
        for (const o of list) {
          if (o.op === 'set') {
            const price = 100 + o.tick / 2;
            const priceText = price.toFixed(o.tick % 3);
            const qtyText = (o.qty / 4).toFixed(8);
            book.apply({ side: o.side, price, amount: o.qty / 4, priceText, amountText: qtyText });
            if (o.qty === 0) model[o.side].delete(price);
            else model[o.side].set(price, [priceText, qtyText]);
          } else if (o.op === 'trim') {
            book.trim(o.depth);
            for (const side of ['bid', 'ask'] as const) {
              const keep = sorted(side).slice(0, o.depth);
              model[side] = new Map(keep);
            }
          } else {
            book.clear();
            model.bid.clear();
            model.ask.clear();
          }
        }
        for (const side of ['bid', 'ask'] as const) {
          const want = sorted(side);
          const s = side === 'bid' ? book.bidSide : book.askSide;
          expect(s.size).toBe(want.length);
          expect([...s.stored()].map((l) => [l.price, l.priceText, l.qtyText])).toEqual(
            want.map(([p, [pt, qt]]) => [p, pt, qt]),
          );
          expect(side === 'bid' ? book.bids() : book.asks()).toEqual(
            want.map(([p, [, qt]]) => ({ price: p, amount: Number(qt) })),
          );
          for (const [p, [pt]] of want) expect(s.get(p)?.priceText).toBe(pt);
          expect(s.get(99)).toBeUndefined();
          want.forEach(([p], i) => {
            expect(s.priceAt(i)).toBe(p);
            expect(s.levelAt(i)?.price).toBe(p);
          });
        }
        expect(book.bestBid()?.price).toBe(sorted('bid')[0]?.[0]);
        expect(book.bestAsk()?.price).toBe(sorted('ask')[0]?.[0]);
      }),
      { numRuns: 300 },
    );
  });
});
