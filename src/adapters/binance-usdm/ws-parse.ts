/**
 * Binance USDⓈ-M WebSocket payloads → live records. Trades (`aggTrade`, `trade`) and `depthUpdate`
 * diffs (with `pu`) have the spot format and go through `../binance/ws-parse.ts`; this file adds
 * `markPriceUpdate` (mark, index, funding rate, next funding time) and `forceOrder` liquidations, whose
 * order side is turned into the liquidated position's side (a forced SELL closes a long). Binance pushes
 * at most one liquidation per symbol per second, so every liquidation record is marked `sampled`.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { Liquidation, MarkPrice } from '../../core/records.js';
import { msToNs } from '../../core/time.js';
import { looksLikeDepthUpdate, scanBinanceDepthFrame } from '../binance/depth-scan.js';
import { binanceEventRecords, binanceFrameData } from '../binance/ws-parse.js';
import type { LiveRecord } from '../live.js';
import { decimal, integer, object, text } from '../values.js';

/** Parses one USDⓈ-M WebSocket frame (raw or combined stream) into live records (none for acks). */
export function parseUsdmWsFrame(raw: string): LiveRecord[] {
  // Depth diffs are read in place (`depth-scan.ts`); any other frame, or any surprise, is parsed below.
  if (looksLikeDepthUpdate(raw)) {
    const fast = scanBinanceDepthFrame(raw);
    if (fast !== undefined) return [fast];
  }
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('Binance USDⓈ-M sent a frame that is not JSON', raw, { cause: error });
  }
  const data = binanceFrameData(msg);
  switch (data['e']) {
    case 'markPriceUpdate':
      return [markRecord(data)];
    case 'forceOrder':
      return [liquidationRecord(data)];
    default:
      return binanceEventRecords(data);
  }
}

function optionalDecimal(v: unknown, field: string): number | undefined {
  return v === undefined || v === '' || v === null ? undefined : decimal(v, field);
}

function markRecord(d: Record<string, unknown>): LiveRecord {
  const mark: MarkPrice = {
    tsNs: msToNs(integer(d['E'], 'markPriceUpdate.E')),
    markPrice: decimal(d['p'], 'markPriceUpdate.p'),
  };
  const index = optionalDecimal(d['i'], 'markPriceUpdate.i');
  if (index !== undefined) mark.indexPrice = index;
  const rate = optionalDecimal(d['r'], 'markPriceUpdate.r');
  if (rate !== undefined) mark.fundingRate = rate;
  // `T` is 0 for contracts without funding (delivery futures).
  const next = d['T'] === undefined ? 0 : integer(d['T'], 'markPriceUpdate.T');
  if (next > 0) mark.nextFundingNs = msToNs(next);
  return { kind: 'mark', market: text(d['s'], 'markPriceUpdate.s'), mark };
}

function liquidationRecord(d: Record<string, unknown>): LiveRecord {
  const o = object(d['o'], 'forceOrder.o');
  const side = o['S'];
  if (side !== 'SELL' && side !== 'BUY') {
    throw new ProtocolError('Expected SELL or BUY in forceOrder.o.S', JSON.stringify(side) ?? '');
  }
  // The average fill price when there is one, else the order price.
  const avg = optionalDecimal(o['ap'], 'forceOrder.o.ap');
  const liquidation: Liquidation = {
    tsNs: msToNs(integer(o['T'], 'forceOrder.o.T')),
    side: side === 'SELL' ? 'long' : 'short',
    price: avg !== undefined && avg > 0 ? avg : decimal(o['p'], 'forceOrder.o.p'),
    amount: decimal(o['q'], 'forceOrder.o.q'),
    sampled: true,
  };
  return { kind: 'liquidation', market: text(o['s'], 'forceOrder.o.s'), liquidation };
}
