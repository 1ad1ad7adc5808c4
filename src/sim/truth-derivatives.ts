/**
 * Ground truth of the derivatives kinds (funding, open interest, mark/index/premium candles,
 * liquidations, mark state), in tickwire's domain form, from the same {@link DerivativesModel} the
 * derivatives dialects serve.
 *
 * @module
 */
import { ValidationError } from '../core/errors.js';
import type { FundingRate, Liquidation, MarkPrice, OpenInterest, PriceBar } from '../core/records.js';
import { type DerivedPrice, derivativesOf, RATE_SCALE } from './market/derivatives.js';
import type { SymbolMarket } from './market/symbol-market.js';

/** The derivatives part of the ground truth. */
export type DerivativesTruth = {
  /** Funding events with `startNs <= tsNs < endNs`, ascending (rate as served: 8 decimals). */
  funding(symbol: string, startNs: bigint, endNs: bigint): FundingRate[];
  /** Open interest every `periodS` seconds with `startNs <= tsNs < endNs`, ascending; amount in base units. */
  openInterest(symbol: string, periodS: number, startNs: bigint, endNs: bigint): OpenInterest[];
  /**
   * Bars of the mark, index or premium-index price of `spanS` seconds (a multiple of 60) opening in
   * `[startNs, endNs)`, exactly where trade bars exist (no empty bars), aligned to the epoch.
   */
  priceBars(price: DerivedPrice, symbol: string, spanS: number, startNs: bigint, endNs: bigint): PriceBar[];
  /** Every liquidation with `startNs <= tsNs < endNs` (none sampled away), ascending. */
  liquidations(symbol: string, startNs: bigint, endNs: bigint): Liquidation[];
  /** The mark state the live feed shows at `tsNs`. */
  mark(symbol: string, tsNs: bigint): MarkPrice;
};

const NS_PER_US = 1000n;
const US_PER_MINUTE = 60_000_000;

function usCeil(ns: bigint): number {
  const q = ns / NS_PER_US;
  return Number(q * NS_PER_US < ns ? q + 1n : q);
}

/** Builds the derivatives truth over a symbol lookup and the market clock. */
export function createDerivativesTruth(
  lookup: (symbol: string) => SymbolMarket,
  nowUs: () => number,
  fundingIntervalH = 8,
): DerivativesTruth {
  const model = (symbol: string) => derivativesOf(lookup(symbol), { fundingIntervalH });
  return {
    funding(symbol, startNs, endNs) {
      const d = model(symbol);
      const p = 10 ** d.market.spec.priceDecimals;
      return d.funding(usCeil(startNs), usCeil(endNs), nowUs()).map((f) => {
        const r: FundingRate = { tsNs: BigInt(f.us) * NS_PER_US, rate: f.rate1e8 / RATE_SCALE };
        if (f.markTicks !== undefined) r.markPrice = f.markTicks / p;
        return r;
      });
    },
    openInterest(symbol, periodS, startNs, endNs) {
      if (!Number.isInteger(periodS) || periodS <= 0 || periodS % 60 !== 0) {
        throw new ValidationError('periodS', periodS, 'a positive multiple of 60 seconds');
      }
      const d = model(symbol);
      const p = 10 ** d.market.spec.priceDecimals;
      const l = 10 ** d.market.spec.sizeDecimals;
      return d.openInterest(periodS, usCeil(startNs), usCeil(endNs), nowUs()).map((o) => {
        const r: OpenInterest = { tsNs: BigInt(o.us) * NS_PER_US, amount: o.lots / l };
        if (o.markTicks !== undefined) r.value = Math.round((o.lots / l) * (o.markTicks / p) * 100) / 100;
        return r;
      });
    },
    priceBars(price, symbol, spanS, startNs, endNs) {
      if (!Number.isInteger(spanS) || spanS <= 0 || spanS % 60 !== 0) {
        throw new ValidationError('spanS', spanS, 'a positive multiple of 60 seconds');
      }
      const d = model(symbol);
      const scale = price === 'premium' ? RATE_SCALE : 10 ** d.market.spec.priceDecimals;
      const spanMin = spanS / 60;
      const now = nowUs();
      const nowMin = Math.floor(now / US_PER_MINUTE);
      let m = Math.ceil(usCeil(startNs) / US_PER_MINUTE / spanMin) * spanMin;
      m = Math.max(m, Math.floor(d.market.startMinute / spanMin) * spanMin);
      const endMin = Math.ceil(usCeil(endNs) / US_PER_MINUTE);
      const out: PriceBar[] = [];
      for (; m < endMin && m <= nowMin; m += spanMin) {
        const b = d.bar(price, m, spanMin, now);
        if (!b) continue;
        out.push({
          tsNs: BigInt(m) * 60_000_000_000n,
          open: b.open / scale,
          high: b.high / scale,
          low: b.low / scale,
          close: b.close / scale,
        });
      }
      return out;
    },
    liquidations(symbol, startNs, endNs) {
      const d = model(symbol);
      const p = 10 ** d.market.spec.priceDecimals;
      const l = 10 ** d.market.spec.sizeDecimals;
      return d.liquidations(usCeil(startNs), usCeil(endNs), nowUs()).map((x) => ({
        tsNs: BigInt(x.us) * NS_PER_US,
        side: x.side,
        price: x.price / p,
        amount: x.lots / l,
      }));
    },
    mark(symbol, tsNs) {
      const d = model(symbol);
      const p = 10 ** d.market.spec.priceDecimals;
      const us = Number(tsNs / NS_PER_US);
      const s = d.markState(us, nowUs());
      const r: MarkPrice = {
        tsNs,
        markPrice: (s.markTicks ?? 0) / p,
        fundingRate: s.rate1e8 / RATE_SCALE,
        nextFundingNs: BigInt(s.nextFundingUs) * NS_PER_US,
      };
      if (s.indexTicks !== undefined) r.indexPrice = s.indexTicks / p;
      return r;
    },
  };
}
