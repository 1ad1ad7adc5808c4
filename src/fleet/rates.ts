/**
 * The documented rate limit of each exchange, scaled, as a fleet worker's shared limiter needs them
 * before any adapter exists; optionally with another limit per window (a share of an IP's allowance, or
 * a simulator's smaller budget).
 *
 * @module
 */
import { EXCHANGES, type ExchangeId } from '../adapters/adapter.js';
import { BINANCE_RATE } from '../adapters/binance/capabilities.js';
import { BINANCE_USDM_RATE, USDM_BUDGETS } from '../adapters/binance-usdm/capabilities.js';
import { BYBIT_RATE } from '../adapters/bybit/capabilities.js';
import { COINBASE_RATE } from '../adapters/coinbase/capabilities.js';
import { KRAKEN_RATE } from '../adapters/kraken/capabilities.js';
import { OKX_RATE } from '../adapters/okx/capabilities.js';
import { limiterKey } from '../adapters/registry.js';
import { scaleLimit } from '../adapters/values.js';
import type { RateLimit } from '../transport/rate-limit/types.js';

/** `rate` with `limit` per window (or interval) instead of its own; a fixed window's margin shrinks with it. */
export function withLimit(rate: RateLimit, limit: number): RateLimit {
  if (rate.kind === 'fixed-window') {
    const margin = Math.ceil(((rate.margin ?? 0) * limit) / rate.limit);
    return { ...rate, limit, margin: Math.min(margin, limit - 1) };
  }
  return { ...rate, limit };
}

/** The documented limit of each exchange's main (per-IP) budget. */
const DOCUMENTED: Readonly<Record<ExchangeId, RateLimit>> = {
  binance: BINANCE_RATE,
  coinbase: COINBASE_RATE,
  kraken: KRAKEN_RATE,
  'binance-usdm': BINANCE_USDM_RATE,
  okx: OKX_RATE,
  bybit: BYBIT_RATE,
  'bybit-linear': BYBIT_RATE,
};

/**
 * Each exchange's documented limit times `scale` (as a simulator with the same scale applies it), keyed as
 * the adapters acquire (`bybit-linear` under `bybit`), plus the endpoint budgets of their own (Binance
 * USDⓈ-M `fundingRate`, `openInterestHist`). `limit` replaces the main budgets' limit per window.
 */
export function scaledRates(scale: number, limit?: number): Record<string, RateLimit> {
  const one = (r: RateLimit): RateLimit => {
    const scaled = scaleLimit(r, scale);
    return limit === undefined ? scaled : withLimit(scaled, limit);
  };
  const out: Record<string, RateLimit> = {};
  for (const id of EXCHANGES) out[limiterKey(id)] = one(DOCUMENTED[id]);
  for (const [key, budget] of Object.entries(USDM_BUDGETS)) out[key] = scaleLimit(budget, scale);
  return out;
}
