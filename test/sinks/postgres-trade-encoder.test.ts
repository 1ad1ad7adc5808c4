import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Trade } from '../../src/core/records.js';
import { columnsEncoder, copyPlan } from '../../src/sinks/postgres/copy-text.js';

const trade = fc.record({
  tsNs: fc.oneof(
    fc.bigInt({ min: 0n, max: 253_402_300_799_999_999_999n }),
    fc.bigInt({ min: 1_767_225_600_000_000_000n, max: 1_767_225_660_000_000_000n }), // many in one minute
  ),
  id: fc.oneof(fc.string(), fc.constantFrom('a\tb', 'x\\y', 'l\nm', 'c\rd', '5853617067')),
  price: fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer().map((i) => i / 100),
  ),
  amount: fc.double({ min: 0, max: 1e9, noNaN: true }),
  side: fc.constantFrom('buy', 'sell', 'unknown'),
}) as fc.Arbitrary<Trade>;

describe('the trades COPY encoder', () => {
  it('writes exactly what the column-by-column encoder writes, for any trades in any order', () => {
    const scope = { exchange: 'bin\tance', symbol: 'BTC/USDT' };
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 30 }), (trades) => {
        const plan = copyPlan('public', 'trades', scope);
        const generic = columnsEncoder('trades', 'bin\\tance\tBTC/USDT\t');
        for (const t of trades) expect(plan.encode(t)).toBe(generic(t));
      }),
      { numRuns: 3000 },
    );
  });
});
