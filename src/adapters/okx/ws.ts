/**
 * OKX v5 live feed on the reconnecting WebSocket base. `/ws/v5/business` carries `trades-all` (one push
 * per fill, unlike the aggregated `trades`); `/ws/v5/public` carries `books`, `mark-price`,
 * `funding-rate` and `liquidation-orders`. The keep-alive is the text `ping` (answered `pong`), sent at
 * the base's ping interval, well inside the 30 s after which OKX drops a silent connection. A `notice`
 * with code 64008 (service upgrade, disconnect in 30 s) closes the connection at once so the base
 * reconnects on our terms; the gap is visible as `disconnected`/`reconnected` events and the trade
 * stream refills it over REST.
 *
 * @module
 */
import type WebSocket from 'ws';
import type { MarkPrice } from '../../core/records.js';
import { WebSocketBase, type WebSocketOptions } from '../../transport/websocket/index.js';
import type { LiveRecord } from '../live.js';
import type { Market } from '../symbols.js';
import type { OkxMarket } from './symbols.js';
import { type ContractSizes, type OkxMarkPart, parseOkxWsFrame } from './ws-parse.js';

/** The real OKX WebSocket host (the feed appends `/ws/v5/public` or `/ws/v5/business`). */
export const OKX_WS_URL = 'wss://ws.okx.com:8443';

/** Which OKX endpoint a channel lives on. */
export type OkxWsPath = 'public' | 'business';

/** One subscription argument. */
export type OkxArg = { readonly channel: string; readonly instId?: string; readonly instType?: string };

/** The notice code OKX sends 30 s before a service upgrade disconnects everyone. */
export const OKX_UPGRADE_NOTICE = '64008';

/** The contract sizes of the swaps among `markets`. */
export function contractSizes(markets: readonly Market[]): ContractSizes {
  const out = new Map<string, NonNullable<OkxMarket['contract']>>();
  for (const m of markets) {
    const c = (m as Partial<OkxMarket>).contract;
    if (c) out.set(m.id, c);
  }
  return out;
}

/** An OKX v5 connection yielding {@link LiveRecord}s. */
export class OkxFeed extends WebSocketBase<LiveRecord> {
  readonly #args: readonly OkxArg[];
  readonly #contracts: ContractSizes;
  readonly #marks = new Map<string, { markPrice?: number; fundingRate?: number; nextFundingNs?: bigint }>();
  #ws: WebSocket | undefined;

  /**
   * @param baseUrl `wss://ws.okx.com:8443` or a simulator's `ws://127.0.0.1:PORT`; `/ws/v5/<path>` is appended
   * @param contracts contract size per swap `instId`, to convert sizes to base units
   */
  constructor(
    baseUrl: string,
    path: OkxWsPath,
    args: readonly OkxArg[],
    contracts: ContractSizes,
    options?: WebSocketOptions,
  ) {
    const base = baseUrl.replace(/\/+$/, '').replace(/\/ws\/v5\/(public|business|private)$/, '');
    super(`${base}/ws/v5/${path}`, { pingIntervalMs: 15_000, ...options });
    this.#args = args;
    this.#contracts = contracts;
  }

  protected override onConnect(ws: WebSocket): void {
    this.#ws = ws;
    ws.send(JSON.stringify({ op: 'subscribe', args: this.#args }));
  }

  protected override sendHeartbeat(ws: WebSocket): void {
    ws.send('ping');
  }

  /**
   * Unsubscribes and subscribes `args` again on the current connection, so a fresh book snapshot follows
   * (OKX's way back after a `seqId` gap or a checksum mismatch). False when no connection is open (the
   * next connect subscribes anyway).
   */
  resubscribe(args: readonly OkxArg[] = this.#args): boolean {
    const ws = this.#ws;
    if (ws === undefined || ws.readyState !== ws.OPEN) return false;
    ws.send(JSON.stringify({ op: 'unsubscribe', args }));
    ws.send(JSON.stringify({ op: 'subscribe', args }));
    return true;
  }

  protected override *parseMessage(raw: string | Buffer): Generator<LiveRecord> {
    for (const r of parseOkxWsFrame(typeof raw === 'string' ? raw : raw.toString('utf8'), this.#contracts)) {
      if (r.kind === 'notice') {
        // 64008: the server will disconnect for an upgrade; reconnect now rather than be cut off.
        if (r.code === OKX_UPGRADE_NOTICE) this.#ws?.close(4000, 'okx service upgrade notice');
        continue;
      }
      if (r.kind === 'mark-part') {
        const mark = this.#merge(r);
        if (mark) yield { kind: 'mark', market: r.market, mark };
        continue;
      }
      yield r;
    }
  }

  /**
   * Merges a `mark-price` or `funding-rate` push into the market's state; a full record is emitted for
   * each `mark-price` push (stamped with its time) once a price is known, carrying the latest funding.
   */
  #merge(p: OkxMarkPart): MarkPrice | undefined {
    let s = this.#marks.get(p.market);
    if (!s) {
      s = {};
      this.#marks.set(p.market, s);
    }
    if (p.fundingRate !== undefined) s.fundingRate = p.fundingRate;
    if (p.nextFundingNs !== undefined) s.nextFundingNs = p.nextFundingNs;
    if (p.markPrice === undefined) return undefined;
    s.markPrice = p.markPrice;
    const out: MarkPrice = { tsNs: p.tsNs, markPrice: p.markPrice };
    if (s.fundingRate !== undefined) out.fundingRate = s.fundingRate;
    if (s.nextFundingNs !== undefined) out.nextFundingNs = s.nextFundingNs;
    return out;
  }
}
