/**
 * Binance's market list (`GET /api/v3/exchangeInfo`) → {@link Market}s.
 *
 * @module
 */
import type { Market } from '../symbols.js';
import { array, object, text } from '../values.js';

/** Parses `exchangeInfo.symbols[]`: `BTCUSDT` with `baseAsset` `BTC`, `quoteAsset` `USDT`. */
export function parseBinanceMarkets(body: unknown): Market[] {
  const symbols = array(object(body, 'exchangeInfo')['symbols'], 'exchangeInfo.symbols');
  return symbols.map((raw, i) => {
    const s = object(raw, `exchangeInfo.symbols[${i}]`);
    const id = text(s['symbol'], `symbols[${i}].symbol`);
    const base = text(s['baseAsset'], `symbols[${i}].baseAsset`);
    const quote = text(s['quoteAsset'], `symbols[${i}].quoteAsset`);
    return {
      id,
      symbol: `${base}/${quote}`,
      base,
      quote,
      aliases: [`${base}-${quote}`],
      active: s['status'] === undefined || s['status'] === 'TRADING',
    };
  });
}
