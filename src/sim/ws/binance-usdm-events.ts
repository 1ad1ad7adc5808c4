/**
 * The USDⓈ-M-only WebSocket events of the simulator: `markPriceUpdate` from the derivatives model's
 * mark state and `forceOrder` for its liquidations (the session in `binance.ts` emits them).
 *
 * @module
 */
import { fixedWidth } from '../dialects/format.js';
import { derivativesOf } from '../market/derivatives.js';
import type { SymbolMarket } from '../market/symbol-market.js';

function px(s: SymbolMarket, ticks: number): string {
  return fixedWidth(ticks, s.spec.priceDecimals, 8);
}

/** `markPriceUpdate` of `s` at sim time `us` (a whole second), from the derivatives model's mark state. */
export function markPriceEvent(s: SymbolMarket, us: number): string {
  const st = derivativesOf(s).markState(us, s.nowUs());
  const mark = st.markTicks === undefined ? '0.00000000' : px(s, st.markTicks);
  const index = st.indexTicks === undefined ? '' : px(s, st.indexTicks);
  const rate = fixedWidth(st.rate1e8, 8, 8);
  return `{"e":"markPriceUpdate","E":${Math.floor(us / 1000)},"s":"${s.spec.id}","p":"${mark}","P":"${mark}","i":"${index}","r":"${rate}","T":${Math.floor(st.nextFundingUs / 1000)}}`;
}

/** `forceOrder` events of `s` for the liquidations with `fromUs <= us < toUs`. */
export function forceOrderEvents(s: SymbolMarket, fromUs: number, toUs: number, E: number): string[] {
  const sd = s.spec.sizeDecimals;
  return derivativesOf(s)
    .liquidations(fromUs, toUs, s.nowUs())
    .map((l) => {
      const p = px(s, l.price);
      const q = fixedWidth(l.lots, sd, sd);
      const T = Math.floor(l.us / 1000);
      return `{"e":"forceOrder","E":${E},"o":{"s":"${s.spec.id}","S":"${l.side === 'long' ? 'SELL' : 'BUY'}","o":"LIMIT","f":"IOC","q":"${q}","p":"${p}","ap":"${p}","X":"FILLED","l":"${q}","z":"${q}","T":${T}}}`;
    });
}

/** Seconds between two mark updates of a stream kind. */
export function markEverySeconds(kind: string): number {
  return kind === 'markPrice@1s' ? 1 : 3;
}
