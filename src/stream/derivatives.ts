/**
 * `stream.mark` and `stream.liquidations`: the live derivatives feeds of any exchange whose live wiring
 * (`LIVE[exchange]`) has a `markFeed` / `liquidationFeed`. Records carry the unified symbol and the local
 * receive time (`recvNs`); duplicates a reconnect replays are dropped; and because neither feed has a
 * REST history to refill from, a lost connection is a `gap` event per symbol naming the time span whose
 * updates were not received, never a silence.
 *
 * Liquidation feeds are often sampled by the exchange (Binance USDⓈ-M pushes at most one liquidation per
 * symbol per second): such records have `sampled: true`, and the stream is not a complete record of
 * liquidations.
 *
 * @module
 */
import type { ExchangeAdapter, ExchangeId } from '../adapters/adapter.js';
import type { LiveRecord } from '../adapters/live.js';
import { createAdapter } from '../adapters/registry.js';
import type { Market } from '../adapters/symbols.js';
import { ExchangeError, UnsupportedKindError } from '../core/errors.js';
import { KINDS } from '../core/kinds.js';
import type { Liquidation, MarkPrice } from '../core/records.js';
import { nowNs } from '../core/time.js';
import {
  type FeedEvent,
  isFeedEvent,
  type WebSocketBase,
  type WebSocketOptions,
} from '../transport/websocket/index.js';
import type {
  LiquidationStreamItem,
  LiveGapEvent,
  MarkStreamItem,
  StreamLiquidation,
  StreamMark,
} from './events.js';
import { LIVE, type LiveSpec } from './exchanges.js';
import { checkLiveOptions, isCallerAbort, type LiveOptions, symbolList } from './options.js';

/** Options of {@link streamMark} and {@link streamLiquidations}. */
export type DerivativesStreamOptions = LiveOptions & {
  /** Markets, in any accepted spelling (`BTC/USDT:USDT`, `BTCUSDT`). */
  symbols: string | readonly string[];
};

/**
 * Live mark-price updates (mark, index, current funding rate, next funding time) of `symbols`, in time
 * order per market, with `gap` events after a reconnect and the WebSocket's connection events.
 *
 * @example
 * for await (const m of stream.mark({ exchange: 'binance-usdm', symbols: ['BTC/USDT:USDT'] })) {
 *   if (isStreamEvent(m)) continue;
 *   console.log(m.symbol, m.markPrice, m.fundingRate);
 * }
 */
export function streamMark(
  options: DerivativesStreamOptions,
): AsyncGenerator<MarkStreamItem, void, undefined> {
  return liveDerivatives(
    options,
    'mark',
    (spec) => spec.markFeed,
    (r, symbol, recvNs) =>
      r.kind === 'mark' ? ({ ...r.mark, symbol, recvNs } satisfies StreamMark) : undefined,
  );
}

/**
 * Live liquidations of `symbols` (`side` = the liquidated position's side), with `gap` events after a
 * reconnect and the WebSocket's connection events. Check `sampled`: Binance sends at most one per symbol
 * per second.
 */
export function streamLiquidations(
  options: DerivativesStreamOptions,
): AsyncGenerator<LiquidationStreamItem, void, undefined> {
  return liveDerivatives(
    options,
    'liquidations',
    (spec) => spec.liquidationFeed,
    (r, symbol, recvNs) =>
      r.kind === 'liquidation'
        ? ({ ...r.liquidation, symbol, recvNs } satisfies StreamLiquidation)
        : undefined,
  );
}

type FeedOf = (spec: LiveSpec) => LiveSpec['markFeed'];
type Pick<T> = (r: LiveRecord, symbol: string, recvNs: bigint) => T | undefined;

/** Per market: what was delivered last, so replays are dropped and gaps are dated. */
type State = { readonly market: Market; lastTsNs: bigint | undefined; keysAtLast: Set<string> };

async function* liveDerivatives<T extends (MarkPrice | Liquidation) & { symbol: string; recvNs: bigint }>(
  options: DerivativesStreamOptions,
  kind: 'mark' | 'liquidations',
  feedOf: FeedOf,
  pick: Pick<T>,
): AsyncGenerator<T | LiveGapEvent | FeedEvent, void, undefined> {
  checkLiveOptions(options);
  const symbols = symbolList(options.symbols);
  const exchange: ExchangeId = options.exchange;
  const spec = LIVE[exchange];
  const makeFeed = feedOf(spec);
  if (makeFeed === undefined) {
    const live = (['mark', 'liquidations'] as const).filter((k) =>
      k === 'mark' ? spec.markFeed !== undefined : spec.liquidationFeed !== undefined,
    );
    throw new UnsupportedKindError(
      exchange,
      kind,
      ['trades', 'book', ...live],
      `tickwire has no live ${kind} feed for ${exchange}`,
    );
  }
  const signal = options.signal;
  const owned = options.adapter === undefined;
  const adapter: ExchangeAdapter =
    options.adapter ??
    createAdapter(exchange, {
      ...options.adapterOptions,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
  try {
    const markets = await Promise.all(symbols.map((s) => adapter.resolveSymbol(s, signal ? { signal } : {})));
    const states = new Map<string, State>();
    for (const m of markets)
      states.set(spec.wireName(m), { market: m, lastTsNs: undefined, keysAtLast: new Set() });
    const ws: WebSocketOptions = { ...options.websocket, ...(signal ? { signal } : {}) };
    const feed: WebSocketBase<LiveRecord> = makeFeed(options.wsUrl ?? spec.wsUrl, markets, ws);
    const key = KINDS[kind].key as (r: T) => string;
    const it = feed.stream();
    try {
      for await (const item of it) {
        if (isFeedEvent(item)) {
          yield item;
          if (item.kind === 'reconnected') {
            for (const s of states.values()) {
              yield {
                kind: 'gap',
                exchange,
                symbol: s.market.symbol,
                sinceNs: s.lastTsNs !== undefined && s.lastTsNs > item.sinceNs ? s.lastTsNs : item.sinceNs,
                untilNs: item.untilNs,
                reason: 'reconnect',
                detail: `connection lost for ${Math.round(item.downtimeMs)} ms: ${kind} in between were not received (no REST history to refill from)`,
              };
            }
          }
          continue;
        }
        if (item.kind === 'error') {
          throw new ExchangeError(
            exchange,
            'ws',
            `${item.message} (the ${kind} stream cannot continue as asked)`,
          );
        }
        const market = (item as { market?: string }).market;
        const s = market === undefined ? undefined : states.get(market);
        if (!s) continue;
        const rec = pick(item, s.market.symbol, nowNs());
        if (!rec) continue;
        // A replay after a reconnect: older than what was delivered, or the same record again.
        const k = key(rec);
        if (
          s.lastTsNs !== undefined &&
          (rec.tsNs < s.lastTsNs || (rec.tsNs === s.lastTsNs && s.keysAtLast.has(k)))
        ) {
          continue;
        }
        if (rec.tsNs !== s.lastTsNs) s.keysAtLast.clear();
        s.lastTsNs = rec.tsNs;
        s.keysAtLast.add(k);
        yield rec;
      }
    } finally {
      await it.return();
    }
  } catch (error) {
    if (isCallerAbort(error, signal)) return;
    throw error;
  } finally {
    if (owned) await adapter.close();
  }
}
