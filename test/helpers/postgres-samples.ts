/** Hand-built records of every kind for the PostgreSQL sink tests. */
import type { BookRow, KindId, RecordOfKind } from '../../src/core/kinds.js';
import type {
  FundingRate,
  Liquidation,
  MarkPrice,
  OHLCBar,
  OpenInterest,
  PriceBar,
  Trade,
} from '../../src/core/records.js';

const T0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const MIN = 60_000_000_000n;

/** Hand-built records of every kind, with optional fields both present and absent and awkward numbers. */
export function samples(): { [K in KindId]: RecordOfKind<K>[] } {
  const bar = (i: number): PriceBar => ({
    tsNs: T0 + BigInt(i) * MIN,
    open: 42_000.1 + i,
    high: 42_100.25,
    low: 1e-7,
    close: 0.1 + 0.2,
  });
  return {
    ohlc: [0, 1, 2].map((i): OHLCBar => ({ ...bar(i), volume: i === 2 ? 0 : 12.345678901234567 })),
    trades: [
      { id: '1001', tsNs: T0 + 1n, price: 42_000.5, amount: 0.001, side: 'buy' },
      { id: '1002', tsNs: T0 + 1n, price: 42_000.5, amount: 2.5e-8, side: 'sell' },
      { id: 'id\twith\\odd\nchars', tsNs: T0 + 999_999_999n, price: 1.5e21, amount: 3, side: 'unknown' },
    ] satisfies Trade[],
    funding: [
      { tsNs: T0, rate: 0.0001, markPrice: 42_000.12 },
      { tsNs: T0 + 480n * MIN, rate: -0.00012345 },
    ] satisfies FundingRate[],
    'open-interest': [
      { tsNs: T0, amount: 81_234.567, value: 3_411_851_814.1 },
      { tsNs: T0 + 5n * MIN, amount: 81_000 },
    ] satisfies OpenInterest[],
    'mark-ohlc': [bar(0), bar(1)],
    'index-ohlc': [bar(0)],
    'premium-ohlc': [{ ...bar(0), open: -0.000123, high: 0.0002, low: -0.0003, close: 0 }],
    liquidations: [
      { tsNs: T0 + 5n, side: 'long', price: 41_000, amount: 0.5, sampled: true, recvNs: T0 + 7_000_000n },
      { tsNs: T0 + 5n, side: 'short', price: 41_000, amount: 0.5 },
    ] satisfies Liquidation[],
    mark: [
      {
        tsNs: T0,
        markPrice: 42_000.01,
        indexPrice: 41_999.9,
        fundingRate: 0.0001,
        nextFundingNs: T0 + 480n * MIN,
        recvNs: T0 + 3n,
      },
      { tsNs: T0 + 1_000_000_000n, markPrice: 42_000.02 },
    ] satisfies MarkPrice[],
    book: [
      {
        tsNs: T0,
        recvNs: T0 + 1n,
        updateId: 77n,
        side: 'bid',
        price: 41_999.5,
        amount: 1.25,
        isSnapshot: true,
      },
      {
        tsNs: T0,
        recvNs: T0 + 1n,
        updateId: 77n,
        side: 'ask',
        price: 42_000.5,
        amount: 0.75,
        isSnapshot: true,
      },
      {
        tsNs: T0 + 100n,
        recvNs: T0 + 101n,
        updateId: 78n,
        side: 'bid',
        price: 41_999.5,
        amount: 0,
        isSnapshot: false,
      },
    ] satisfies BookRow[],
  };
}
