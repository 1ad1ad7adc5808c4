/**
 * The two questions every download asks the exchange before its first page: which market the symbol is,
 * and what time it is there (the range is cut at the exchange's now). Asked at once, they cost one round
 * trip instead of two.
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import type { Market } from '../adapters/symbols.js';

/**
 * Resolves `symbol` and reads the exchange's clock concurrently. When both fail, the symbol's error is
 * the one thrown (a bad symbol is the user's to fix; it was reported first when they were asked in turn).
 */
export async function marketAndTime(
  adapter: ExchangeAdapter,
  symbol: string,
  signal: AbortSignal | undefined,
): Promise<{ market: Market; nowNs: bigint }> {
  const options = signal ? { signal } : {};
  const clock = adapter.serverTimeNs(options);
  // Handled here so that a failure while the symbol is still being resolved is never unhandled.
  clock.catch(() => {});
  const market = await adapter.resolveSymbol(symbol, options);
  return { market, nowNs: await clock };
}
