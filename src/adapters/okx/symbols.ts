/**
 * OKX instruments (`/api/v5/public/instruments?instType=SPOT|SWAP`) → {@link Market}s: spot `BTC-USDT`
 * is `BTC/USDT`; the linear perpetual `BTC-USDT-SWAP` is `BTC/USDT:USDT`, with
 * `contractSize = ctVal × ctMult` base units per contract. Inverse swaps (`BTC-USD-SWAP`) are left out:
 * their contracts are worth quote units, not base units.
 *
 * @module
 */
import type { Market } from '../symbols.js';
import { object, text } from '../values.js';
import { type Decimal, multiply, parseDecimal, toNumber } from './decimal.js';

/** A market with what the adapter needs besides: exact contract size and the index `instId`. */
export type OkxMarket = Market & {
  /** `ctVal × ctMult` exactly (derivatives); undefined for spot. */
  contract?: Decimal;
  /** The index the instrument refers to (`instFamily`/`uly`, e.g. `BTC-USDT`; spot: its own id). */
  indexId: string;
  /** OKX `instType`. */
  instType: 'SPOT' | 'SWAP';
};

/** Parses the `data` rows of one instruments answer. Unknown types and other rows are skipped. */
export function parseOkxInstruments(data: readonly unknown[]): OkxMarket[] {
  const out: OkxMarket[] = [];
  data.forEach((raw, i) => {
    const o = object(raw, `data[${i}]`);
    const instType = o['instType'];
    const id = text(o['instId'], `data[${i}].instId`);
    const active = o['state'] === undefined || o['state'] === 'live';
    if (instType === 'SPOT') {
      const base = text(o['baseCcy'], `data[${i}].baseCcy`);
      const quote = text(o['quoteCcy'], `data[${i}].quoteCcy`);
      out.push({
        id,
        symbol: `${base}/${quote}`,
        base,
        quote,
        aliases: [],
        active,
        type: 'spot',
        indexId: id,
        instType,
      });
      return;
    }
    // Inverse swaps count contracts in the quote currency (`ctValCcy` USD): not base units, left out.
    if (instType !== 'SWAP' || o['ctType'] === 'inverse') return;
    const family = typeof o['instFamily'] === 'string' && o['instFamily'] !== '' ? o['instFamily'] : o['uly'];
    const index = text(family, `data[${i}].instFamily`);
    const [base = '', quote = ''] = index.split('-');
    const settle = text(o['settleCcy'], `data[${i}].settleCcy`);
    const ctVal = parseDecimal(text(o['ctVal'], `data[${i}].ctVal`), `data[${i}].ctVal`);
    const multText = typeof o['ctMult'] === 'string' && o['ctMult'] !== '' ? o['ctMult'] : '1';
    const contract = multiply(ctVal, parseDecimal(multText, `data[${i}].ctMult`));
    out.push({
      id,
      symbol: `${base}/${quote}:${settle}`,
      base,
      quote,
      aliases: [],
      active,
      type: 'perpetual',
      settle,
      contractSize: toNumber(contract),
      contract,
      indexId: index,
      instType,
    });
  });
  return out;
}
