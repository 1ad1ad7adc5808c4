/**
 * Coinbase's market list (`GET /products`) → {@link Market}s.
 *
 * @module
 */
import type { Market } from '../symbols.js';
import { array, object, text } from '../values.js';

/**
 * Parses `GET /products`. The id is `BASE-QUOTE`; odd ids such as `BTCAUCTION-USD` keep their own base,
 * so the unified symbol comes from splitting the id, as ccxt does, not from `display_name`.
 */
export function parseCoinbaseMarkets(body: unknown): Market[] {
  return array(body, 'products').map((raw, i) => {
    const p = object(raw, `products[${i}]`);
    const id = text(p['id'], `products[${i}].id`);
    const dash = id.indexOf('-');
    const base = dash > 0 ? id.slice(0, dash) : text(p['base_currency'], `products[${i}].base_currency`);
    const quote = dash > 0 ? id.slice(dash + 1) : text(p['quote_currency'], `products[${i}].quote_currency`);
    return {
      id,
      symbol: `${base}/${quote}`,
      base,
      quote,
      aliases: [`${base}${quote}`],
      active: p['trading_disabled'] !== true && (p['status'] === undefined || p['status'] === 'online'),
    };
  });
}
