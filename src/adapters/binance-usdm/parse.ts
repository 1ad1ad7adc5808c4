/**
 * Binance USDⓈ-M payloads that differ from spot → tickwire records: funding history, open-interest
 * history, and the OHLC rows of the mark/index/premium-index klines. Klines, aggTrades and the server
 * time have the spot wire format and are parsed by `../binance/parse.ts`. Times arrive in ms.
 *
 * @module
 */
import type { FundingRate, OpenInterest, PriceBar } from '../../core/records.js';
import { msToNs } from '../../core/time.js';
import type { Market } from '../symbols.js';
import { array, decimal, integer, object, text } from '../values.js';

/** Parses `GET /fapi/v1/fundingRate` rows (`{symbol, fundingRate, fundingTime, markPrice}`). */
export function parseUsdmFunding(body: unknown): FundingRate[] {
  return array(body, 'fundingRate').map((raw, i) => {
    const row = object(raw, `fundingRate[${i}]`);
    const r: FundingRate = {
      tsNs: msToNs(integer(row['fundingTime'], `fundingRate[${i}].fundingTime`)),
      rate: decimal(row['fundingRate'], `fundingRate[${i}].fundingRate`),
    };
    // Old rows carry an empty markPrice.
    const mark = row['markPrice'];
    if (mark !== undefined && mark !== '' && mark !== null) {
      r.markPrice = decimal(mark, `fundingRate[${i}].markPrice`);
    }
    return r;
  });
}

/**
 * Parses `GET /futures/data/openInterestHist` rows (`{sumOpenInterest, sumOpenInterestValue, timestamp}`;
 * `timestamp` may be a string). USDⓈ-M counts open interest in the base asset already.
 */
export function parseUsdmOpenInterest(body: unknown): OpenInterest[] {
  return array(body, 'openInterestHist').map((raw, i) => {
    const row = object(raw, `openInterestHist[${i}]`);
    const r: OpenInterest = {
      tsNs: msToNs(integer(row['timestamp'], `openInterestHist[${i}].timestamp`)),
      amount: decimal(row['sumOpenInterest'], `openInterestHist[${i}].sumOpenInterest`),
    };
    const value = row['sumOpenInterestValue'];
    if (value !== undefined && value !== '' && value !== null) {
      r.value = decimal(value, `openInterestHist[${i}].sumOpenInterestValue`);
    }
    return r;
  });
}

/** Parses mark/index/premium-index kline rows: only open time and OHLC are real (volumes are "Ignore"). */
export function parseUsdmPriceKlines(body: unknown, what: string): PriceBar[] {
  return array(body, what).map((raw, i) => {
    const row = array(raw, `${what}[${i}]`);
    return {
      tsNs: msToNs(integer(row[0], `${what}[${i}][0]`)),
      open: decimal(row[1], `${what}[${i}][1]`),
      high: decimal(row[2], `${what}[${i}][2]`),
      low: decimal(row[3], `${what}[${i}][3]`),
      close: decimal(row[4], `${what}[${i}][4]`),
    };
  });
}

/** A USDⓈ-M market with the `pair` its index-price klines are asked by. */
export type UsdmMarket = Market & { pair: string };

/**
 * Parses `GET /fapi/v1/exchangeInfo` symbols: perpetuals (`contractType: PERPETUAL`) become
 * `BTC/USDT:USDT` (base/quote:settle), dated contracts `BTC/USDT:USDT-250328`. Each also answers to its
 * id (`BTCUSDT`) and `BTC-USDT` spellings.
 */
export function parseUsdmMarkets(body: unknown): UsdmMarket[] {
  const symbols = array(object(body, 'exchangeInfo')['symbols'], 'exchangeInfo.symbols');
  return symbols.map((raw, i) => {
    const s = object(raw, `exchangeInfo.symbols[${i}]`);
    const id = text(s['symbol'], `symbols[${i}].symbol`);
    const base = text(s['baseAsset'], `symbols[${i}].baseAsset`);
    const quote = text(s['quoteAsset'], `symbols[${i}].quoteAsset`);
    const settle = typeof s['marginAsset'] === 'string' && s['marginAsset'] !== '' ? s['marginAsset'] : quote;
    const pair = typeof s['pair'] === 'string' && s['pair'] !== '' ? s['pair'] : id;
    const contract = s['contractType'];
    const perpetual = contract === undefined || contract === 'PERPETUAL';
    let symbol = `${base}/${quote}:${settle}`;
    if (!perpetual) {
      const delivery = typeof s['deliveryDate'] === 'number' ? new Date(s['deliveryDate']) : undefined;
      const ymd = delivery ? delivery.toISOString().slice(2, 10).replace(/-/g, '') : id.split('_')[1];
      symbol = `${symbol}-${ymd ?? contract}`;
    }
    return {
      id,
      symbol,
      base,
      quote,
      settle,
      pair,
      type: perpetual ? ('perpetual' as const) : ('future' as const),
      aliases: perpetual ? [`${base}-${quote}`] : [],
      active: s['status'] === undefined || s['status'] === 'TRADING',
    };
  });
}
