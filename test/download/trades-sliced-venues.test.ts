/**
 * `download.trades` with concurrent time slices against the Coinbase (id search per slice) and Kraken (ns
 * `since` cursor per slice) simulators with faults on: the output equals the ground truth exactly.
 */
import { describe, it } from 'vitest';
import { expectExactSlicedTrades } from '../helpers/download-trades-sliced.js';

describe('concurrent trade slices equal the ground truth (faults on)', () => {
  it('coinbase: 2 h of trades, concurrency 4', () =>
    expectExactSlicedTrades({ exchange: 'coinbase', symbol: 'BTC-USD', scale: 5, hours: 2n }));

  it('kraken: 2 h of trades, concurrency 4', () =>
    expectExactSlicedTrades({ exchange: 'kraken', symbol: 'XBTUSD', scale: 50, hours: 2n }));
});
