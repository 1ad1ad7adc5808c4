/**
 * Reading `[price, size]` string pairs (Binance depth, Coinbase level2 snapshots) into book changes that
 * keep the exact wire text beside the parsed number.
 *
 * @module
 */
import type { BookChange, BookSideName } from './order-book.js';
import { array, arrayAt, decimalAt, textAt } from './values.js';

/** Appends one {@link BookChange} per `[price, size, ...]` row of `value` to `out`; `field` names it in errors. */
export function readLevelPairs(value: unknown, side: BookSideName, field: string, out: BookChange[]): void {
  const rows = array(value, field);
  // Error names are built only on a bad value: a Binance diff can list thousands of levels.
  for (let i = 0; i < rows.length; i++) {
    const row = arrayAt(rows[i], field, i);
    const p = textAt(row[0], field, i, '[0]');
    const q = textAt(row[1], field, i, '[1]');
    out.push({
      side,
      price: decimalAt(p, field, i, '[0]'),
      amount: decimalAt(q, field, i, '[1]'),
      priceText: p,
      amountText: q,
    });
  }
}
