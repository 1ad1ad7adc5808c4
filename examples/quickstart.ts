/**
 * The library in one screen: start the built-in exchange simulator (no network needed), download a day of
 * Binance 1m candles and an hour of trades from it, and print what arrived and whether anything is missing.
 *
 * Run: `npm run example`
 */
import { download, formatIsoNs, formatReport, startSimulator } from '../src/index.js';

const sim = await startSimulator({ exchange: 'binance', seed: 7 });
try {
  const bars = download.ohlc({
    exchange: 'binance',
    symbol: 'BTC/USDT',
    span: '1m',
    start: '2025-12-30T00:00:00Z',
    end: '2025-12-31T00:00:00Z',
    baseUrl: sim.url,
  });
  let count = 0;
  let last: bigint | undefined;
  for await (const bar of bars) {
    count++;
    last = bar.tsNs;
  }
  console.log(`candles: ${count}, last opened at ${last === undefined ? '-' : formatIsoNs(last)}`);
  console.log(formatReport(await bars.report));

  const trades = await download.collectTrades({
    exchange: 'binance',
    symbol: 'BTCUSDT',
    start: '2025-12-31T23:00:00Z',
    end: '2026-01-01T00:00:00Z',
    baseUrl: sim.url,
  });
  console.log(formatReport(trades.report));
  const first = trades.items[0];
  if (first) console.log('first trade:', { ...first, tsNs: `${first.tsNs}n`, time: formatIsoNs(first.tsNs) });
} finally {
  await sim.close();
}
