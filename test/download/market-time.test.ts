/** marketAndTime: the symbol and the exchange's clock asked at once; the symbol's error wins. */
import { describe, expect, it } from 'vitest';
import type { ExchangeAdapter } from '../../src/adapters/adapter.js';
import type { Market } from '../../src/adapters/symbols.js';
import { ValidationError } from '../../src/core/errors.js';
import { marketAndTime } from '../../src/download/market-time.js';

/** An adapter whose two answers the test settles by hand, recording the order of the questions. */
function manual() {
  const asked: string[] = [];
  const settle: {
    market?: (m: Market) => void;
    badSymbol?: (e: Error) => void;
    clock?: (ns: bigint) => void;
    badClock?: (e: Error) => void;
  } = {};
  const adapter = {
    resolveSymbol: () => {
      asked.push('symbol');
      return new Promise<Market>((resolve, reject) => {
        settle.market = resolve;
        settle.badSymbol = reject;
      });
    },
    serverTimeNs: () => {
      asked.push('clock');
      return new Promise<bigint>((resolve, reject) => {
        settle.clock = resolve;
        settle.badClock = reject;
      });
    },
  } as unknown as ExchangeAdapter;
  return { adapter, asked, settle };
}

const btc = { id: 'BTCUSDT', symbol: 'BTC/USDT' } as Market;

describe('marketAndTime', () => {
  it('asks for the clock before the symbol is resolved, and returns both', async () => {
    const { adapter, asked, settle } = manual();
    const both = marketAndTime(adapter, 'BTCUSDT', undefined);
    expect(asked.sort()).toEqual(['clock', 'symbol']);
    settle.clock?.(42n);
    settle.market?.(btc);
    await expect(both).resolves.toEqual({ market: btc, nowNs: 42n });
  });

  it('a bad symbol is the error thrown even when the clock fails first (and nothing is left unhandled)', async () => {
    const { adapter, settle } = manual();
    const both = marketAndTime(adapter, 'NOPE', undefined);
    settle.badClock?.(new Error('clock down'));
    await new Promise((r) => setTimeout(r, 10));
    const bad = new ValidationError('symbol', 'NOPE', 'a listed symbol');
    settle.badSymbol?.(bad);
    await expect(both).rejects.toBe(bad);
  });

  it('a clock that fails after the symbol resolved is the error thrown', async () => {
    const { adapter, settle } = manual();
    const both = marketAndTime(adapter, 'BTCUSDT', undefined);
    settle.market?.(btc);
    const down = new Error('clock down');
    settle.badClock?.(down);
    await expect(both).rejects.toBe(down);
  });
});
