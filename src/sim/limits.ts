/**
 * The exchanges' rate limits as pure state machines with the clock passed in (ms, monotonic): a
 * token bucket (Coinbase's 10/s burst 15; Kraken's public call counter) and Binance's per-minute
 * request weight with 429 → 418 ban escalation, one counter per client IP as Binance keeps them.
 * Dialects turn the decisions into their wire answers.
 *
 * @module
 */

/** A lazily refilled token bucket. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  /**
   * @param ratePerS tokens added per second
   * @param burst bucket capacity (and initial fill)
   */
  constructor(
    readonly ratePerS: number,
    readonly burst: number,
    nowMs: number,
  ) {
    this.#tokens = burst;
    this.#last = nowMs;
  }

  /** Takes `cost` tokens if available: returns 0, else the ms until they would be. */
  take(nowMs: number, cost = 1): number {
    const elapsed = Math.max(0, nowMs - this.#last);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerS) / 1000);
    this.#last = nowMs;
    if (this.#tokens >= cost) {
      this.#tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - this.#tokens) * 1000) / this.ratePerS);
  }
}

/** Binance's answer to one request's weight. */
export type WeightDecision =
  | { kind: 'ok'; used: number }
  | { kind: 'limited'; used: number; retryAfterS: number }
  | { kind: 'banned'; used: number; retryAfterS: number };

/** Settings of {@link BinanceWeightLimiter}. */
export type BinanceWeightOptions = {
  /** Weight allowed per window. @default 6000 */
  limit?: number;
  /** Window length in ms (one minute, divided by the rate-limit scale). @default 60_000 */
  windowMs?: number;
  /**
   * Requests tolerated inside a window that already answered 429 before the IP is banned (418).
   * Binance does not publish the number (unconfirmed). @default 3
   */
  toleratedAfter429?: number;
  /** First ban length in ms; each further ban doubles it. @default 120_000 (2 minutes) */
  firstBanMs?: number;
  /** Longest ban in ms. @default 259_200_000 (3 days) */
  maxBanMs?: number;
};

/** What one client IP had counted in one finished (or the current) window. */
export type WindowUsage = {
  /** The client's address, as the server saw it. */
  ip: string;
  /** Window start, epoch ms. */
  startMs: number;
  /** Weight counted in it (refused requests included, as Binance counts them). */
  used: number;
  /** Requests answered 429 or 418 in it. */
  refused: number;
};

/** Windows of history each limiter keeps for {@link WindowUsage} reports. */
const HISTORY = 10_000;

/**
 * Binance's REQUEST_WEIGHT limit: fixed windows aligned to the clock; weight past the limit answers
 * 429 with Retry-After = seconds to the window's end; requests that keep coming during that window
 * (beyond a tolerance) ban the IP with 418, for 2 minutes doubling per ban up to 3 days.
 */
export class BinanceWeightLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #tolerated: number;
  readonly #firstBanMs: number;
  readonly #maxBanMs: number;
  #window = Number.NaN;
  #used = 0;
  #limited = false;
  #strikes = 0;
  #bannedUntil = 0;
  #bans = 0;
  #refused = 0;
  readonly #history: { startMs: number; used: number; refused: number }[] = [];

  constructor(o: BinanceWeightOptions = {}) {
    this.limit = o.limit ?? 6000;
    this.windowMs = o.windowMs ?? 60_000;
    this.#tolerated = o.toleratedAfter429 ?? 3;
    this.#firstBanMs = o.firstBanMs ?? 120_000;
    this.#maxBanMs = o.maxBanMs ?? 259_200_000;
  }

  /** Weight used in the current window. */
  used(nowMs: number): number {
    this.#roll(nowMs);
    return this.#used;
  }

  /** Windows seen so far (oldest first, at most 10,000), the current one included. */
  history(): { startMs: number; used: number; refused: number }[] {
    const out = this.#history.map((h) => ({ ...h }));
    if (!Number.isNaN(this.#window)) {
      out.push({ startMs: this.#window * this.windowMs, used: this.#used, refused: this.#refused });
    }
    return out;
  }

  #roll(nowMs: number): void {
    const w = Math.floor(nowMs / this.windowMs);
    if (w !== this.#window) {
      if (!Number.isNaN(this.#window) && (this.#used > 0 || this.#refused > 0)) {
        this.#history.push({
          startMs: this.#window * this.windowMs,
          used: this.#used,
          refused: this.#refused,
        });
        if (this.#history.length > HISTORY) this.#history.shift();
      }
      this.#refused = 0;
      this.#window = w;
      this.#used = 0;
      this.#limited = false;
      this.#strikes = 0;
    }
  }

  /** Charges `weight` and decides. */
  charge(nowMs: number, weight: number): WeightDecision {
    const d = this.#decide(nowMs, weight);
    if (d.kind !== 'ok') this.#refused++;
    return d;
  }

  #decide(nowMs: number, weight: number): WeightDecision {
    this.#roll(nowMs);
    if (nowMs < this.#bannedUntil) {
      return { kind: 'banned', used: this.#used, retryAfterS: Math.ceil((this.#bannedUntil - nowMs) / 1000) };
    }
    const windowEnd = (this.#window + 1) * this.windowMs;
    if (this.#limited) {
      this.#strikes++;
      if (this.#strikes > this.#tolerated) {
        const banMs = Math.min(this.#maxBanMs, this.#firstBanMs * 2 ** this.#bans);
        this.#bans++;
        this.#bannedUntil = nowMs + banMs;
        return { kind: 'banned', used: this.#used, retryAfterS: Math.ceil(banMs / 1000) };
      }
      return {
        kind: 'limited',
        used: this.#used,
        retryAfterS: Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)),
      };
    }
    this.#used += weight;
    if (this.#used > this.limit) {
      this.#limited = true;
      return {
        kind: 'limited',
        used: this.#used,
        retryAfterS: Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)),
      };
    }
    return { kind: 'ok', used: this.#used };
  }
}
