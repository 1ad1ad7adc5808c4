/**
 * Generates one minute's individual trades CONDITIONED on its aggregate: the first trade is at the
 * open, the last at the close, one trade touches the high and one the low, sizes are positive integer
 * lots summing to the volume (taker buys summing to the taker-buy volume), timestamps are integer
 * microseconds inside the minute (several trades of one taker order share a microsecond), ids are
 * contiguous from the minute's first id.
 *
 * @module
 */
import type { Agg } from './agg.js';
import { hash4, mulberry32 } from './rng.js';

const SALT_TRADES = 300;
const US_PER_MINUTE = 60_000_000;

/** One minute's trades, struct-of-arrays, ascending by time then id. */
export type TradeBlock = {
  /** Epoch minute. */
  minute: number;
  /** Id of the first trade; trade `i` has id `firstId + i`. */
  firstId: number;
  /** Number of trades. */
  length: number;
  /** Epoch microseconds. */
  us: Float64Array;
  /** Price, ticks. */
  price: Float64Array;
  /** Size, lots. */
  size: Float64Array;
  /** 1 when the taker bought. */
  buy: Uint8Array;
};

/** Builds the trades of minute `m` from its full aggregate `agg`. */
export function generateTrades(seed: number, key: number, m: number, agg: Agg, firstId: number): TradeBlock {
  const n = agg.count;
  const rnd = mulberry32(hash4(seed, key, m, SALT_TRADES));
  const us = new Float64Array(n);
  const price = new Float64Array(n);
  const size = new Float64Array(n);
  const buy = new Uint8Array(n);
  const block: TradeBlock = { minute: m, firstId, length: n, us, price, size, buy };
  if (n === 0) return block;

  // Sides: exactly buyCount taker buys, shuffled.
  for (let i = 0; i < agg.buyCount; i++) buy[i] = 1;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = buy[i]!;
    buy[i] = buy[j]!;
    buy[j] = t;
  }

  // Times: sorted uniforms from exponential spacings; a taker order sweeping several makers shares
  // the previous trade's microsecond (same side).
  let total = 0;
  const gaps = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const g = -Math.log(1 - rnd());
    gaps[i] = g;
    total += g;
  }
  const base = m * US_PER_MINUTE;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += gaps[i]!;
    let off = Math.floor((cum / total) * US_PER_MINUTE);
    if (off >= US_PER_MINUTE) off = US_PER_MINUTE - 1;
    us[i] = base + off;
    if (i > 0 && buy[i] === buy[i - 1] && rnd() < 0.3) us[i] = us[i - 1]!;
  }

  // Prices: open first, close last, high and low on interior trades, the rest a noisy bridge.
  const { open, close, high, low } = agg;
  price[0] = open;
  if (n > 1) price[n - 1] = close;
  if (n >= 3) {
    const span = high - low;
    for (let i = 1; i < n - 1; i++) {
      const lin = open + ((close - open) * i) / (n - 1);
      let p = Math.round(lin + (rnd() - 0.5) * span * 0.5);
      if (p > high) p = high;
      if (p < low) p = low;
      price[i] = p;
    }
    const needHigh = high > Math.max(open, close);
    const needLow = low < Math.min(open, close);
    const hiIdx = 1 + Math.floor(rnd() * (n - 2));
    let loIdx = 1 + Math.floor(rnd() * (n - 2));
    if (needHigh && needLow && loIdx === hiIdx) loIdx = hiIdx === n - 2 ? 1 : hiIdx + 1;
    if (needHigh) price[hiIdx] = high;
    if (needLow) price[loIdx] = low;
  }

  // Sizes: each side's volume split into positive lots with exponential weights.
  splitSizes(rnd, buy, 1, agg.buyCount, agg.buyVolume, size);
  splitSizes(rnd, buy, 0, n - agg.buyCount, agg.volume - agg.buyVolume, size);
  return block;
}

function splitSizes(
  rnd: () => number,
  buy: Uint8Array,
  side: number,
  count: number,
  volume: number,
  out: Float64Array,
): void {
  if (count === 0) return;
  const extra = volume - count;
  const w = new Float64Array(buy.length);
  let sum = 0;
  let maxI = -1;
  for (let i = 0; i < buy.length; i++) {
    if (buy[i] !== side) continue;
    const x = -Math.log(1 - rnd());
    w[i] = x;
    sum += x;
    if (maxI < 0 || x > w[maxI]!) maxI = i;
  }
  let given = 0;
  for (let i = 0; i < buy.length; i++) {
    if (buy[i] !== side) continue;
    const part = Math.floor((extra * w[i]!) / sum);
    out[i] = 1 + part;
    given += part;
  }
  out[maxI] = out[maxI]! + (extra - given);
}
