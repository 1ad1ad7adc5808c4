/**
 * Kraken's market list (`/0/public/AssetPairs`) → {@link Market}s, with its four names for one pair:
 * the internal key `XXBTZUSD`, the REST `altname` `XBTUSD`, the v1 `wsname` `XBT/USD`, and the unified
 * (v2) `BTC/USD`.
 *
 * @module
 */
import type { Market } from '../symbols.js';
import { object, text } from '../values.js';

/** Kraken asset codes whose common code differs (after the X/Z prefix is removed). */
const COMMON_CODES: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' };

/**
 * A Kraken asset code → the common code: `XXBT` → `BTC`, `ZUSD` → `USD`, `XETH` → `ETH`, `XBT` → `BTC`,
 * `DOT` → `DOT`. Four-letter codes starting with X or Z are the legacy prefixed form.
 */
export function krakenAsset(code: string): string {
  const upper = code.toUpperCase();
  const bare = upper.length === 4 && (upper[0] === 'X' || upper[0] === 'Z') ? upper.slice(1) : upper;
  return COMMON_CODES[bare] ?? bare;
}

/** Parses the `result` of `/0/public/AssetPairs`, keyed by the internal pair name. */
export function parseKrakenMarkets(result: Record<string, unknown>): Market[] {
  return Object.entries(result).map(([key, raw]) => {
    const p = object(raw, `AssetPairs.${key}`);
    const altname = typeof p['altname'] === 'string' ? p['altname'] : key;
    const wsname = typeof p['wsname'] === 'string' ? p['wsname'] : undefined;
    let base: string;
    let quote: string;
    if (wsname?.includes('/')) {
      const [b = '', q = ''] = wsname.split('/');
      base = krakenAsset(b);
      quote = krakenAsset(q);
    } else {
      base = krakenAsset(text(p['base'], `AssetPairs.${key}.base`));
      quote = krakenAsset(text(p['quote'], `AssetPairs.${key}.quote`));
    }
    const aliases = [key, ...(wsname ? [wsname] : [])];
    return {
      id: altname,
      symbol: `${base}/${quote}`,
      base,
      quote,
      aliases,
      active: p['status'] === undefined || p['status'] === 'online',
    };
  });
}
