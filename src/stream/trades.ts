/**
 * `stream.trades`: live trades of one or more markets that lose nothing. Each market's trade ids are
 * followed; when they jump (a lost message, a reconnect, a heartbeat announcing newer trades), the
 * missing ids are fetched over REST and yielded in order before live trades go on. Live frames wait in
 * the WebSocket's bounded buffer meanwhile (the socket is paused when it fills), and trades the backfill
 * already delivered are dropped when they arrive live. Whatever REST cannot supply is a `gap` event
 * naming the ids and times, never a silence.
 *
 * @module
 */
import type { ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import type { LiveRecord, LiveTrade } from '../adapters/live.js';
import { createAdapter } from '../adapters/registry.js';
import type { Market } from '../adapters/symbols.js';
import { ExchangeError, ValidationError } from '../core/errors.js';
import type { Trade } from '../core/records.js';
import { assertPositiveInt } from '../core/validate.js';
import { type FeedEvent, type FeedStream, isFeedEvent } from '../transport/websocket/index.js';
import type { GapReason, GapTrigger, StreamTrade, TradeGapEvent, TradeStreamItem } from './events.js';
import { LIVE } from './exchanges.js';
import { LaneStream, type Lanes, SKIP, SLOW } from './lane-stream.js';
import { checkLiveOptions, isCallerAbort, type LiveOptions, symbolList } from './options.js';
import { fetchTradeRange } from './repair.js';
import { fetchMissedTrades, RecentIds } from './repair-window.js';

/** Options of {@link streamTrades}. */
export type TradeStreamOptions = LiveOptions & {
  /** Markets, in any accepted spelling (`BTC/USDT`, `BTCUSDT`, `btc-usdt`). */
  symbols: string | readonly string[];
  /** Refill missing trades over REST. Off: every gap is a `gap` event with reason `repair-disabled`. @default true */
  repair?: boolean;
  /**
   * Most trades one repair may fetch. A larger hole (e.g. after hours offline) is reported as a `gap`
   * with reason `too-large` instead: use the download API for history.
   * @default 100_000
   */
  maxRepairTrades?: number;
};

type SymbolState = {
  readonly market: Market;
  lastSeq: number | undefined;
  lastTsNs: bigint;
  reconnected: boolean;
  /** Opaque-id exchanges: ids delivered lately (live or refilled), so none is handed on twice. */
  recent: RecentIds | undefined;
};

/**
 * Live trades of `symbols` on `exchange`, in id order per market, with gap repair; plus `repaired`,
 * `gap` and connection events (tell them apart with `isStreamEvent`). Break out of the loop, call
 * `return()`, or abort `signal` to stop.
 *
 * @example
 * for await (const item of stream.trades({ exchange: 'binance', symbols: ['BTC/USDT'] })) {
 *   if (isStreamEvent(item)) { if (item.kind === 'gap') console.error(item); continue; }
 *   console.log(item.symbol, item.price);
 * }
 */
export function streamTrades(options: TradeStreamOptions): AsyncGenerator<TradeStreamItem, void, undefined> {
  return new LaneStream(() => openTrades(options));
}

type FeedItem = LiveRecord | FeedEvent;

/**
 * Checks the options, resolves the markets and opens the feed: the lanes of {@link streamTrades}, or
 * `undefined` when the caller aborted meanwhile.
 */
async function openTrades(
  options: TradeStreamOptions,
): Promise<Lanes<TradeStreamItem, LiveRecord> | undefined> {
  checkLiveOptions(options);
  const symbols = symbolList(options.symbols);
  const maxRepair = options.maxRepairTrades ?? 100_000;
  assertPositiveInt('options.maxRepairTrades', maxRepair);
  const repair = options.repair ?? true;
  if (typeof repair !== 'boolean') throw new ValidationError('options.repair', repair, 'a boolean');
  const exchange: ExchangeId = options.exchange;
  const signal = options.signal;
  const spec = LIVE[exchange];
  const owned = options.adapter === undefined;
  const adapter: ExchangeAdapter =
    options.adapter ??
    createAdapter(exchange, {
      ...options.adapterOptions,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
  const close = async (): Promise<void> => {
    if (owned) await adapter.close();
  };
  const states = new Map<string, SymbolState>();
  let source: FeedStream<FeedItem>;
  try {
    const markets = await Promise.all(symbols.map((s) => adapter.resolveSymbol(s, signal ? { signal } : {})));
    for (const m of markets)
      states.set(spec.wireName(m), {
        market: m,
        lastSeq: undefined,
        lastTsNs: 0n,
        reconnected: false,
        recent: spec.tradeIds === 'opaque' ? new RecentIds() : undefined,
      });
    const feed = spec.tradeFeed(options.wsUrl ?? spec.wsUrl, markets, {
      ...options.websocket,
      ...(signal ? { signal } : {}),
    });
    source = feed.stream();
  } catch (error) {
    await close();
    // An abort from the caller ends the stream quietly, like the feed does.
    if (isCallerAbort(error, signal)) return undefined;
    throw error;
  }
  const ctx: RepairContext = { adapter, exchange, repair, maxRepair, signal };
  return {
    source,
    fast: (item) => fastTrade(item, states),
    slow: (item) => onRecord(item as Exclude<LiveRecord, FeedEvent>, states, ctx),
    quiet: (error) => isCallerAbort(error, signal),
    close,
  };
}

/**
 * The hot path of one feed item, synchronous: an event, the next id of a sequential market, or a
 * duplicate; {@link SLOW} for what needs a repair or ends the stream.
 */
function fastTrade(
  item: FeedItem,
  states: Map<string, SymbolState>,
): TradeStreamItem | typeof SKIP | typeof SLOW {
  if (isFeedEvent(item)) {
    if (item.kind === 'reconnected') for (const s of states.values()) s.reconnected = true;
    return item;
  }
  switch (item.kind) {
    case 'trade': {
      const s = states.get(item.market);
      if (s === undefined) return SKIP;
      if (s.recent !== undefined) return SLOW;
      const last = s.lastSeq;
      if (last === undefined || item.seq === last + 1) {
        s.reconnected = false;
        return emit(s, item);
      }
      if (item.seq <= last) return SKIP; // already delivered (live duplicate or refilled by a repair)
      return SLOW;
    }
    case 'trade-mark': {
      const s = states.get(item.market);
      if (s === undefined || s.lastSeq === undefined || item.seq <= s.lastSeq) return SKIP;
      return SLOW;
    }
    case 'error':
      return SLOW;
    default:
      return SKIP;
  }
}

type RepairContext = {
  readonly adapter: ExchangeAdapter;
  readonly exchange: ExchangeId;
  readonly repair: boolean;
  readonly maxRepair: number;
  readonly signal: AbortSignal | undefined;
};

async function* onRecord(
  r: Exclude<LiveRecord, FeedEvent>,
  states: Map<string, SymbolState>,
  ctx: RepairContext,
): AsyncGenerator<TradeStreamItem, void, undefined> {
  switch (r.kind) {
    case 'trade': {
      const s = states.get(r.market);
      if (s === undefined) return;
      if (s.recent !== undefined) {
        yield* onOpaqueTrade(s, r, ctx);
        return;
      }
      const last = s.lastSeq;
      if (last !== undefined) {
        if (r.seq <= last) return; // already delivered (live duplicate or refilled by a repair)
        if (r.seq > last + 1) {
          yield* repairGap(s, r.seq - 1, r.trade.tsNs, s.reconnected ? 'reconnect' : 'id-jump', ctx);
        }
      }
      s.reconnected = false;
      yield emit(s, r);
      return;
    }
    case 'trade-mark': {
      const s = states.get(r.market);
      if (s === undefined || s.lastSeq === undefined || r.seq <= s.lastSeq) return;
      yield* repairGap(s, r.seq, r.tsNs, 'heartbeat', ctx);
      return;
    }
    case 'error':
      throw new ExchangeError(ctx.exchange, 'ws', `${r.message} (the trade stream cannot continue as asked)`);
    default:
      return;
  }
}

/**
 * A trade of an exchange whose ids are not contiguous: dropped when already delivered (a refill brought
 * it); the first after a reconnect first refills the window since the last trade, by time.
 */
async function* onOpaqueTrade(
  s: SymbolState,
  r: LiveTrade,
  ctx: RepairContext,
): AsyncGenerator<TradeStreamItem, void, undefined> {
  const recent = s.recent as RecentIds;
  if (recent.has(r.trade.id)) return;
  if (s.reconnected && s.lastSeq !== undefined) yield* refillWindow(s, r, ctx);
  s.reconnected = false;
  recent.add(r.trade.id);
  yield emit(s, r);
}

/** Refills the trades between `s`'s last trade and `r` over REST; a `gap` event when it cannot. */
async function* refillWindow(
  s: SymbolState,
  r: LiveTrade,
  ctx: RepairContext,
): AsyncGenerator<TradeStreamItem, void, undefined> {
  const recent = s.recent as RecentIds;
  const sinceNs = s.lastTsNs;
  // The ids of the missing trades are unknown here: the gap names its times only.
  const gap = (reason: GapReason, error?: Error): TradeGapEvent => ({
    kind: 'gap',
    exchange: ctx.exchange,
    symbol: s.market.symbol,
    fromId: '',
    toId: '',
    count: -1,
    sinceNs,
    untilNs: r.trade.tsNs,
    reason,
    trigger: 'reconnect',
    ...(error ? { error } : {}),
  });
  if (!ctx.repair) {
    yield gap('repair-disabled');
    return;
  }
  const started = performance.now();
  let found: Awaited<ReturnType<typeof fetchMissedTrades>>;
  try {
    found = await fetchMissedTrades(
      ctx.adapter,
      s.market.id,
      sinceNs,
      r.trade,
      recent,
      ctx.maxRepair,
      ctx.signal,
    );
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    yield gap('repair-failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  if (!found.ok) {
    yield gap(found.reason);
    return;
  }
  const [first] = found.trades;
  const last = found.trades.at(-1);
  if (first === undefined || last === undefined) return;
  yield {
    kind: 'repaired',
    exchange: ctx.exchange,
    symbol: s.market.symbol,
    fromId: first.id,
    toId: last.id,
    count: found.trades.length,
    trigger: 'reconnect',
    elapsedMs: performance.now() - started,
  };
  for (const t of found.trades) {
    recent.add(t.id);
    s.lastTsNs = t.tsNs;
    yield withSymbol(t, s.market.symbol);
  }
}

function emit(s: SymbolState, r: LiveTrade): StreamTrade {
  const t = r.trade;
  s.lastSeq = r.seq;
  s.lastTsNs = t.tsNs;
  // A feed told the unified symbols built the trade whole: handed on as it is, not copied.
  const symbol = s.market.symbol;
  return t.symbol === symbol ? (t as StreamTrade) : withSymbol(t, symbol);
}

function withSymbol(t: Trade, symbol: string): StreamTrade {
  return { id: t.id, tsNs: t.tsNs, price: t.price, amount: t.amount, side: t.side, symbol };
}

/** Refills ids `lastSeq + 1 .. toSeq` of `s`, yielding trades, then `repaired` and/or `gap` events. */
async function* repairGap(
  s: SymbolState,
  toSeq: number,
  untilNs: bigint,
  trigger: GapTrigger,
  ctx: RepairContext,
): AsyncGenerator<TradeStreamItem, void, undefined> {
  const fromSeq = (s.lastSeq as number) + 1;
  const count = toSeq - fromSeq + 1;
  const sinceNs = s.lastTsNs;
  const gap = (
    from: number,
    to: number,
    since: bigint,
    until: bigint,
    reason: GapReason,
    error?: Error,
  ): TradeGapEvent => ({
    kind: 'gap',
    exchange: ctx.exchange,
    symbol: s.market.symbol,
    fromId: String(from),
    toId: String(to),
    count: to - from + 1,
    sinceNs: since,
    untilNs: until,
    reason,
    trigger,
    ...(error ? { error } : {}),
  });
  const skip = (reason: GapReason, error?: Error): TradeGapEvent => {
    s.lastSeq = toSeq;
    s.lastTsNs = untilNs > sinceNs ? untilNs : sinceNs;
    return gap(fromSeq, toSeq, sinceNs, untilNs, reason, error);
  };
  if (!ctx.repair) {
    yield skip('repair-disabled');
    return;
  }
  if (count > ctx.maxRepair) {
    yield skip('too-large');
    return;
  }
  const started = performance.now();
  let fetched: Awaited<ReturnType<typeof fetchTradeRange>>;
  try {
    fetched = await fetchTradeRange(ctx.adapter, s.market.id, fromSeq, toSeq, sinceNs, untilNs, ctx.signal);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    yield skip('repair-failed', error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const elapsedMs = performance.now() - started;
  if (fetched.trades.length > 0) {
    yield {
      kind: 'repaired',
      exchange: ctx.exchange,
      symbol: s.market.symbol,
      fromId: String(fromSeq),
      toId: String(toSeq),
      count: fetched.trades.length,
      trigger,
      elapsedMs,
    };
  }
  // Walk ids in order: trades, with a gap event where a run of ids is missing.
  let i = 0;
  let prevTs = sinceNs;
  for (const [from, to] of fetched.missing) {
    while (i < fetched.trades.length && Number((fetched.trades[i] as Trade).id) < from) {
      const t = fetched.trades[i++] as Trade;
      prevTs = t.tsNs;
      s.lastSeq = Number(t.id);
      s.lastTsNs = t.tsNs;
      yield withSymbol(t, s.market.symbol);
    }
    const next = fetched.trades[i];
    s.lastSeq = to;
    yield gap(from, to, prevTs, next ? next.tsNs : untilNs, 'not-found');
  }
  for (; i < fetched.trades.length; i++) {
    const t = fetched.trades[i] as Trade;
    s.lastSeq = Number(t.id);
    s.lastTsNs = t.tsNs;
    yield withSymbol(t, s.market.symbol);
  }
  s.lastSeq = toSeq;
}
