/**
 * A head start for a download: its first pages are requested while the market list and the exchange's
 * clock are still being asked (`marketAndTime`), for the market already known (`ExchangeAdapter.knownMarket`:
 * the list was loaded by an earlier download on the same adapter) or the one the symbol's spelling names
 * (`ExchangeAdapter.guessMarket`), and the range the local clock predicts. Nothing those pages hold is
 * delivered until both answers are in and the caller has confirmed that the guess is what it would have
 * fetched anyway: the same market ({@link sameMarket}) and the same range. Otherwise the pages are
 * discarded (their requests aborted, their records never seen) and the download runs from the answers as
 * it would have without the head start.
 *
 * What it saves is the round trip before the first page, on every download: on a job of a few pages a
 * third of its time. What it may cost, on a wrong guess, is the weight of the pages in flight (at most
 * the download's concurrency).
 *
 * @module
 */
import type { ExchangeAdapter } from '../adapters/adapter.js';
import { type Market, sameMarket } from '../adapters/symbols.js';
import { linkedController } from '../transport/paginate/abortable.js';

/**
 * How far the exchange's clock may lag the local one before a head start's predicted range could be
 * wrong: a range ending this long before the local now is taken to be over at the exchange too (and is
 * checked against the exchange's answer before anything is delivered).
 */
export const CLOCK_SLACK_NS = 60_000_000_000n;

/** Pages started ahead of the answers they depend on; see the module documentation. */
export type HeadStart<T> = {
  /** The market the pages were started for (the guess). */
  readonly market: Market;
  /**
   * The pages, from the first, for the caller to deliver once it has confirmed the guess. Call at most
   * once, and not after {@link discard}.
   */
  take(): AsyncGenerator<readonly T[], void, undefined>;
  /** Aborts the pages' requests and drops whatever they fetched. Idempotent; a no-op after {@link take}. */
  discard(): Promise<void>;
};

/**
 * The market to start early for, or `undefined` when no head start should be tried: the adapter neither
 * has its market list loaded already ({@link ExchangeAdapter.knownMarket}) nor can guess from the
 * spelling, or `endNs` is too close to the local now for the range to be predicted.
 */
export function headStartMarket(adapter: ExchangeAdapter, symbol: string, endNs: bigint): Market | undefined {
  if (endNs > BigInt(Date.now()) * 1_000_000n - CLOCK_SLACK_NS) return undefined;
  return adapter.knownMarket?.(symbol) ?? adapter.guessMarket?.(symbol);
}

/**
 * Starts `start(signal)` at once: its first `next()` is called, so its first requests go out now. The
 * signal it receives follows `signal` and is also aborted by {@link HeadStart.discard}.
 */
export function headStart<T>(
  market: Market,
  start: (signal: AbortSignal) => AsyncGenerator<readonly T[], void, undefined>,
  signal: AbortSignal | undefined,
): HeadStart<T> {
  const ctl = linkedController(signal);
  const pages = start(ctl.signal);
  const first = pages.next();
  first.catch(() => {}); // surfaced by take(); dropped by discard()
  let state: 'started' | 'taken' | 'discarded' = 'started';
  return {
    market,
    take() {
      if (state !== 'started') throw new Error(`HeadStart.take() called when ${state}`);
      state = 'taken';
      return deliver(first, pages, ctl.dispose);
    },
    async discard() {
      if (state !== 'started') return;
      state = 'discarded';
      ctl.dispose();
      await first.catch(() => {});
      await pages.return(undefined);
    },
  };
}

async function* deliver<T>(
  first: Promise<IteratorResult<readonly T[], void>>,
  pages: AsyncGenerator<readonly T[], void, undefined>,
  dispose: () => void,
): AsyncGenerator<readonly T[], void, undefined> {
  try {
    const head = await first;
    if (head.done) return;
    yield head.value;
    yield* pages;
  } finally {
    await pages.return(undefined);
    dispose();
  }
}

/**
 * The pages to deliver once the answers are in: the head start's when it was started for `market` and
 * `sameRange` (the range it predicted is the one the answers give), else, after discarding it, `fallback()`'s.
 */
export async function* confirmedOr<T>(
  early: HeadStart<T> | undefined,
  market: Market,
  sameRange: boolean,
  fallback: () => AsyncGenerator<readonly T[], void, undefined>,
): AsyncGenerator<readonly T[], void, undefined> {
  if (early !== undefined && sameRange && sameMarket(early.market, market)) {
    yield* early.take();
    return;
  }
  await early?.discard();
  yield* fallback();
}
