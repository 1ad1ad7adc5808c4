/**
 * The short-page rule, pure: after a page, should the paginator ask for the rest of its window?
 *
 * A page that is not empty but whose newest item lies before its window's end is ambiguous:
 *
 * - the data may be *sparse* (an illiquid market, Coinbase omitting empty candles): the page holds all
 *   there is, and asking again costs a request that returns nothing;
 * - or the source *capped* it below the declared `maxPerRequest`: the rest of the window exists and
 *   skipping it would silently lose records.
 *
 * The rule, assuming a source truncates a request at a fixed number of items and keeps the *oldest* ones
 * (as Binance does):
 *
 * 1. An empty page, or one that covers its window, ends the window.
 * 2. A page with at least `declared` items is full: continue after its newest item.
 * 3. Once a cap below `declared` has been *confirmed*, a page with at least that many items is full
 *    (continue); a smaller one is complete.
 * 4. A page smaller than some earlier page is complete: the source has shown it can return more items
 *    than that in one request, so it returned everything it had.
 * 5. Otherwise (the page is at least as large as any seen so far, and below `declared`) the paginator
 *    *probes*: it asks for the rest of the window once. If the probe returns new items, the page was
 *    capped, the cap is confirmed and reported (`cap-shrunk`); if it returns nothing, the window ends.
 *
 * So a capped page is never taken as complete (its size is the cap, which no page exceeds, so rule 4 cannot
 * apply), and sparse data costs at most one extra request per window, only for windows whose page is at
 * least as large as every page before it. A continuation that returns nothing new always ends the window.
 *
 * @module
 */

/** What the paginator knows about the source's page cap. */
export type CapState = {
  /** The declared cap (`maxPerRequest`). */
  readonly declared: number;
  /** A cap below `declared` proven by a probe, or undefined. */
  readonly confirmed: number | undefined;
  /** The largest page (raw item count) seen so far. */
  readonly largestPage: number;
};

/** What to do after a page. `probe` and `continue` both ask for the rest of the window. */
export type PageVerdict = 'done' | 'continue' | 'probe';

/** The state before any page. */
export function initialCapState(declared: number): CapState {
  return { declared, confirmed: undefined, largestPage: 0 };
}

/** Applies the rule above to a page of `pageLength` raw items; `covered` says whether it covered its window. */
export function judgePage(state: CapState, pageLength: number, covered: boolean): PageVerdict {
  if (pageLength === 0 || covered) return 'done';
  if (pageLength >= state.declared) return 'continue';
  if (state.confirmed !== undefined) return pageLength >= state.confirmed ? 'continue' : 'done';
  if (pageLength < state.largestPage) return 'done';
  return 'probe';
}

/** The state after seeing a page of `pageLength` raw items. */
export function recordPage(state: CapState, pageLength: number): CapState {
  return pageLength > state.largestPage ? { ...state, largestPage: pageLength } : state;
}

/**
 * The state after a probe proved that a page of `pageLength` items was capped. Returns the same object
 * when nothing changes (the cap was already known to be at most that).
 */
export function confirmCap(state: CapState, pageLength: number): CapState {
  if (pageLength >= state.declared) return state;
  if (state.confirmed !== undefined && state.confirmed <= pageLength) return state;
  return { ...state, confirmed: pageLength };
}
