/**
 * OKX's public rate limits as the exchange counts them: fixed windows of 2 s, N requests per endpoint
 * per IP (funding and open interest also per instrument). A pure state machine with the clock passed
 * in; the dialect turns a refusal into `50011`.
 *
 * @module
 */

/** Requests per 2 s per endpoint (paths under `/api/v5`), from the OKX docs. */
export const OKX_SIM_LIMITS: Readonly<Record<string, number>> = {
  '/market/candles': 40,
  '/market/history-candles': 20,
  '/market/mark-price-candles': 20,
  '/market/history-mark-price-candles': 10,
  '/market/index-candles': 20,
  '/market/history-index-candles': 10,
  '/market/trades': 100,
  '/market/history-trades': 20,
  '/public/funding-rate-history': 10,
  '/public/funding-rate': 20,
  '/rubik/stat/contracts/open-interest-history': 10,
  '/public/instruments': 20,
  '/public/time': 10,
};

/** Endpoints whose limit is kept per IP and instrument. */
const PER_INSTRUMENT = new Set([
  '/public/funding-rate-history',
  '/public/funding-rate',
  '/rubik/stat/contracts/open-interest-history',
]);

/** Most keys remembered (client × endpoint × instrument); the oldest windows are forgotten beyond it. */
const MAX_KEYS = 10_000;

/** Fixed-window request counters per (client, endpoint[, instrument]). */
export class OkxWindowLimiter {
  readonly windowMs: number;
  readonly #counts = new Map<string, { window: number; used: number }>();

  /** @param windowMs window length in ms (2000 divided by the simulator's rate scale) */
  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** Counts one request; false when it is over the endpoint's limit in the current window. */
  allow(nowMs: number, client: string, path: string, instId: string | null): boolean {
    const limit = OKX_SIM_LIMITS[path] ?? 20;
    const key = `${client} ${path}${PER_INSTRUMENT.has(path) ? ` ${instId ?? ''}` : ''}`;
    const window = Math.floor(nowMs / this.windowMs);
    let c = this.#counts.get(key);
    if (!c || c.window !== window) {
      if (!c && this.#counts.size >= MAX_KEYS) {
        const oldest = this.#counts.keys().next().value;
        if (oldest !== undefined) this.#counts.delete(oldest);
      }
      c = { window, used: 0 };
      this.#counts.set(key, c);
    }
    c.used++;
    return c.used <= limit;
  }
}
