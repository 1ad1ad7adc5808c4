/**
 * `OrderBook.applyAll` (one merge per sorted run of a side) against `apply` per change, the path it
 * replaces: after any batches (sorted best-first as Binance and Coinbase send them, with repeats, out of
 * order, mixed sides, short and long), trims and clears, both books hold the same levels in the same
 * order with the same wire strings, and the same level objects stay valid where `apply` keeps them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookChange, type BookSide, OrderBook } from '../../src/adapters/order-book.js';

function levels(side: BookSide): [number, number, string, string][] {
  const out: [number, number, string, string][] = [];
  for (let i = 0; i < side.size; i++) {
    const l = side.levelAt(i);
    if (l) out.push([l.price, l.amount, l.priceText, l.qtyText]);
  }
  return out;
}

const change = (side: 'bid' | 'ask', tick: number, qty: number, texts: boolean): BookChange => {
  const price = 100 + (side === 'bid' ? -tick : tick) / 10;
  const amount = qty / 4;
  return texts
    ? { side, price, amount, priceText: `${price.toFixed(2)}0`, amountText: amount.toFixed(8) }
    : { side, price, amount };
};

/** A batch of changes: one side or both, sorted best-first (the merge's case) or not, any length. */
const batch = fc
  .record({
    bids: fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3 })), {
      maxLength: 80,
      size: 'max',
    }),
    asks: fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3 })), {
      maxLength: 80,
      size: 'max',
    }),
    order: fc.constantFrom('best-first', 'best-first-unique', 'as-generated', 'interleaved'),
    texts: fc.boolean(),
  })
  .map(({ bids, asks, order, texts }) => {
    const unique = (xs: [number, number][]) => [...new Map(xs).entries()];
    const sort = (xs: [number, number][]) => [...xs].sort((a, b) => a[0] - b[0]);
    const pick = (xs: [number, number][]) =>
      order === 'best-first' ? sort(xs) : order === 'best-first-unique' ? sort(unique(xs)) : xs;
    const b = pick(bids).map(([t, q]) => change('bid', t, q, texts));
    const a = pick(asks).map(([t, q]) => change('ask', t, q, texts));
    if (order !== 'interleaved') return [...b, ...a];
    const out: BookChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (b[i]) out.push(b[i] as BookChange);
      if (a[i] && i % 3 === 0) out.push(a[i] as BookChange);
    }
    return out;
  });

const step = fc.oneof(
  { weight: 12, arbitrary: batch.map((changes) => ({ op: 'batch' as const, changes })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }).map((depth) => ({ op: 'trim' as const, depth })) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('OrderBook.applyAll', () => {
  it('leaves what apply per change leaves, batch after batch (property)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const merged = new OrderBook();
        const single = new OrderBook();
        for (const s of steps) {
          if (s.op === 'batch') {
            merged.applyAll(s.changes);
            for (const c of s.changes) single.apply(c);
          } else if (s.op === 'trim') {
            merged.trim(s.depth);
            single.trim(s.depth);
          } else {
            merged.clear();
            single.clear();
          }
          expect(levels(merged.bidSide)).toEqual(levels(single.bidSide));
          expect(levels(merged.askSide)).toEqual(levels(single.askSide));
          expect(merged.bids()).toEqual(single.bids());
          expect(merged.asks(5)).toEqual(single.asks(5));
          expect(merged.depth).toEqual(single.depth);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('merges a long sorted run: levels come, change and go in one pass', () => {
    const book = new OrderBook();
    const run = (ticks: [number, number][]) => ticks.map(([t, q]) => change('ask', t, q, true));
    book.applyAll(run(Array.from({ length: 40 }, (_, i) => [i * 2, 1] as [number, number])));
    expect(book.askSide.size).toBe(40);
    const kept = book.askSide.levelAt(1);
    // Odd ticks come in, every fourth even tick goes, tick 2 changes size.
    const next = Array.from(
      { length: 80 },
      (_, t) => [t, t % 2 === 1 ? 2 : t % 8 === 0 ? 0 : 1] as [number, number],
    );
    next[2] = [2, 3];
    book.applyAll(run(next));
    expect(book.askSide.size).toBe(80 - 10);
    expect(book.askSide.levelAt(0)?.price).toBeCloseTo(100.1);
    // A level whose size changed is updated in place, as `set` does.
    expect(kept).toBe(book.askSide.get(kept?.price as number));
    expect(kept?.amount).toBe(0.75);
  });
});
