/**
 * Request parameters of the Binance dialects (spot and USDⓈ-M answer bad input the same way): the
 * `{"code":..,"msg":..}` errors for a missing or malformed parameter, and readers of `symbol`, `limit`
 * and time/id parameters that return the value or the error.
 *
 * @module
 */
import type { MarketModel } from '../market/model.js';
import type { SymbolMarket } from '../market/symbol-market.js';
import type { BinanceError } from './binance-data.js';
import { intParam } from './types.js';

const SYMBOL_RE = /^[A-Z0-9\-_.]{1,20}$/;

/** A Binance error answer. */
export function binanceErr(status: number, code: number, msg: string): BinanceError {
  return [status, code, msg];
}

/** -1102: a mandatory parameter is missing. */
export function mandatory(name: string): BinanceError {
  return binanceErr(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

/** -1100: a parameter has characters outside `range`. */
export function illegal(name: string, range: string): BinanceError {
  return binanceErr(
    400,
    -1100,
    `Illegal characters found in parameter '${name}'; legal range is '${range}'.`,
  );
}

/** Readers of the common parameters over one market model. */
export function binanceParams(model: MarketModel) {
  return {
    /** The market named by parameter `name` (`symbol`, or `pair` for index klines). */
    symbolOf(q: URLSearchParams, name = 'symbol'): SymbolMarket | BinanceError {
      const id = q.get(name);
      if (id === null || id === '') return mandatory(name);
      if (!SYMBOL_RE.test(id)) return illegal(name, '^[A-Z0-9-_.]{1,20}$');
      return model.find(id) ?? binanceErr(400, -1121, 'Invalid symbol.');
    },
    /** `limit`, `def` when absent; larger than `max` is cut silently (as Binance does). */
    limitOf(q: URLSearchParams, def: number, max: number): number | BinanceError {
      const v = intParam(q, 'limit');
      if (v === undefined) return def;
      if (Number.isNaN(v)) return illegal('limit', '^[0-9]{1,20}$');
      if (v < 1) return binanceErr(400, -1130, "Data sent for parameter 'limit' is not valid.");
      return Math.min(v, max);
    },
    /** A non-negative integer parameter (times, ids), or `undefined` when absent. */
    timeOf(q: URLSearchParams, name: string): number | undefined | BinanceError {
      const v = intParam(q, name);
      if (v !== undefined && (Number.isNaN(v) || v < 0)) return illegal(name, '^[0-9]{1,20}$');
      return v;
    },
  };
}
