/**
 * OKX v5 payloads → tickwire records. Every answer is the envelope `{"code":"0","msg":"","data":[...]}`
 * with numbers as strings; times are epoch ms strings. Sizes of derivatives are in contracts and are
 * converted to base units here (exactly, see `decimal.ts`) with the instrument's `ctVal × ctMult`.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { FundingRate, OHLCBar, OpenInterest, PriceBar, Trade } from '../../core/records.js';
import { array, decimal, object, text } from '../values.js';
import { type Decimal, scaled } from './decimal.js';

const NS_PER_MS = 1_000_000n;

/** The OKX envelope. */
export type OkxEnvelope = { code: string; msg: string; data: unknown[] };

/** Reads the envelope; a missing or malformed one is a `ProtocolError`. */
export function okxEnvelope(body: unknown): OkxEnvelope {
  const o = object(body, 'response');
  const code = o['code'];
  if (typeof code !== 'string' && typeof code !== 'number') {
    throw new ProtocolError('OKX response without a code', JSON.stringify(body)?.slice(0, 200) ?? '');
  }
  const msg = typeof o['msg'] === 'string' ? o['msg'] : '';
  const data = o['data'] === undefined ? [] : array(o['data'], 'data');
  return { code: String(code), msg, data };
}

/** An epoch-ms string → ns. */
export function msText(value: unknown, field: string): bigint {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !/^\d{1,16}$/.test(s)) {
    throw new ProtocolError(`Expected epoch ms in ${field}`, JSON.stringify(value) ?? '');
  }
  return BigInt(s) * NS_PER_MS;
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ProtocolError(`Expected a decimal string in ${field}`, JSON.stringify(value) ?? '');
  }
  return value;
}

/** One candle row with its completion flag. */
export type OkxCandle<B> = { bar: B; confirmed: boolean };

/**
 * Candle rows `[ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]` (newest first) → bars. `vol` is in contracts
 * for derivatives: `contract` converts it to base units (undefined for spot, whose `vol` is base).
 */
export function parseOkxCandles(data: unknown[], contract: Decimal | undefined): OkxCandle<OHLCBar>[] {
  return data.map((raw, i) => {
    const r = array(raw, `data[${i}]`);
    const f = `data[${i}]`;
    return {
      bar: {
        tsNs: msText(r[0], `${f}[0]`),
        open: decimal(r[1], `${f}[1]`),
        high: decimal(r[2], `${f}[2]`),
        low: decimal(r[3], `${f}[3]`),
        close: decimal(r[4], `${f}[4]`),
        volume: scaled(str(r[5], `${f}[5]`), contract, `${f}[5]`),
      },
      confirmed: r[8] !== '0',
    };
  });
}

/** Mark/index candle rows `[ts,o,h,l,c,confirm]` → price bars. */
export function parseOkxPriceCandles(data: unknown[]): OkxCandle<PriceBar>[] {
  return data.map((raw, i) => {
    const r = array(raw, `data[${i}]`);
    const f = `data[${i}]`;
    return {
      bar: {
        tsNs: msText(r[0], `${f}[0]`),
        open: decimal(r[1], `${f}[1]`),
        high: decimal(r[2], `${f}[2]`),
        low: decimal(r[3], `${f}[3]`),
        close: decimal(r[4], `${f}[4]`),
      },
      confirmed: r[5] !== '0',
    };
  });
}

/** A parsed trade with its numeric id (ids rise with time per instrument). */
export type OkxTrade = Trade & { tradeId: number };

/** One trade object `{instId,tradeId,px,sz,side,ts}` (REST rows and WS `trades-all` pushes). */
export function parseOkxTrade(raw: unknown, contract: Decimal | undefined, field: string): OkxTrade {
  const o = object(raw, field);
  const id = text(o['tradeId'], `${field}.tradeId`);
  const tradeId = Number(id);
  if (!Number.isSafeInteger(tradeId)) {
    throw new ProtocolError(`Expected an integer tradeId in ${field}`, JSON.stringify(id));
  }
  const side = o['side'];
  return {
    id,
    tradeId,
    tsNs: msText(o['ts'], `${field}.ts`),
    price: decimal(o['px'], `${field}.px`),
    amount: scaled(str(o['sz'], `${field}.sz`), contract, `${field}.sz`),
    // `side` is the taker's side.
    side: side === 'buy' ? 'buy' : side === 'sell' ? 'sell' : 'unknown',
  };
}

/** `history-trades` rows (newest first) → trades, in the order given. */
export function parseOkxTrades(data: unknown[], contract: Decimal | undefined): OkxTrade[] {
  return data.map((raw, i) => parseOkxTrade(raw, contract, `data[${i}]`));
}

/**
 * `funding-rate-history` rows → funding events: `realizedRate` is the rate actually applied
 * (`fundingRate` the prediction), as ccxt stores it. OKX reports no mark price with them.
 */
export function parseOkxFunding(data: unknown[]): FundingRate[] {
  return data.map((raw, i) => {
    const o = object(raw, `data[${i}]`);
    const realized = o['realizedRate'];
    const rate = typeof realized === 'string' && realized !== '' ? realized : o['fundingRate'];
    return {
      tsNs: msText(o['fundingTime'], `data[${i}].fundingTime`),
      rate: decimal(rate, `data[${i}].realizedRate`),
    };
  });
}

/**
 * Rubik open-interest rows `[ts, oi (contracts), oiCcy (base), oiUsd]` → samples in base units (`oi`
 * converted with the contract size); `value` is `oiUsd` when present.
 */
export function parseOkxOpenInterest(data: unknown[], contract: Decimal | undefined): OpenInterest[] {
  return data.map((raw, i) => {
    const r = array(raw, `data[${i}]`);
    const f = `data[${i}]`;
    const out: OpenInterest = {
      tsNs: msText(r[0], `${f}[0]`),
      amount: scaled(str(r[1], `${f}[1]`), contract, `${f}[1]`),
    };
    if (typeof r[3] === 'string' && r[3] !== '') out.value = decimal(r[3], `${f}[3]`);
    return out;
  });
}

/** `/public/time` → epoch ns. */
export function parseOkxTime(data: unknown[]): bigint {
  const first = object(data[0], 'data[0]');
  return msText(first['ts'], 'data[0].ts');
}
