/**
 * Bybit's instrument lists (`GET /v5/market/instruments-info`) → {@link Market}s. The same symbol
 * (`BTCUSDT`) names a spot pair in category `spot` and a perpetual in `linear`, so each category is its
 * own exchange id; on `linear` both `BTC/USDT:USDT` (unified) and `BTC/USDT` are accepted.
 *
 * @module
 */
import type { Market } from '../symbols.js';
import { array, object, text } from '../values.js';
import type { BybitCategory } from './capabilities.js';

/** One page of instruments and the cursor of the next (`undefined` when it was the last). */
export type InstrumentPage = { markets: Market[]; cursor: string | undefined };

/** Parses one `instruments-info` result of `category`. */
export function parseBybitInstruments(
  result: Record<string, unknown>,
  category: BybitCategory,
): InstrumentPage {
  const list = array(result['list'], 'instruments-info.list');
  const markets: Market[] = [];
  list.forEach((raw, i) => {
    const s = object(raw, `instruments-info.list[${i}]`);
    const id = text(s['symbol'], `instruments[${i}].symbol`);
    const base = text(s['baseCoin'], `instruments[${i}].baseCoin`);
    const quote = text(s['quoteCoin'], `instruments[${i}].quoteCoin`);
    const active = s['status'] === undefined || s['status'] === 'Trading';
    if (category === 'spot') {
      markets.push({ id, symbol: `${base}/${quote}`, base, quote, aliases: [`${base}-${quote}`], active });
      return;
    }
    const settle = typeof s['settleCoin'] === 'string' && s['settleCoin'] !== '' ? s['settleCoin'] : quote;
    const contract = s['contractType'];
    const future = contract === 'LinearFutures' || contract === 'InverseFutures';
    const symbol = future
      ? `${base}/${quote}:${settle}-${expiry(s['deliveryTime'], id)}`
      : `${base}/${quote}:${settle}`;
    markets.push({
      id,
      symbol,
      base,
      quote,
      aliases: future ? [] : [`${base}/${quote}`, `${base}-${quote}-SWAP`],
      active,
      type: future ? 'future' : 'perpetual',
      settle,
    });
  });
  const c = result['nextPageCursor'];
  return { markets, cursor: typeof c === 'string' && c !== '' ? c : undefined };
}

/** A dated future's expiry as `YYMMDD` (UTC) from `deliveryTime` (ms), as ccxt names it; else its id. */
function expiry(deliveryTime: unknown, id: string): string {
  const ms = typeof deliveryTime === 'string' && /^\d{1,15}$/.test(deliveryTime) ? Number(deliveryTime) : 0;
  if (ms <= 0) return id;
  return new Date(ms).toISOString().slice(2, 10).replace(/-/g, '');
}
