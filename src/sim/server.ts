/**
 * The loopback HTTP server: parses requests, hands them to the exchange's dialect, applies latency
 * and faults, keeps statistics, and closes promptly (keep-alive sockets destroyed).
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedClock, runningClock, wallClock } from './clock.js';
import { createBinanceDialect } from './dialects/binance.js';
import { prerenderMinuteKlines } from './dialects/binance-data.js';
import { createBinanceUsdmDialect } from './dialects/binance-usdm.js';
import { createBybitDialect } from './dialects/bybit.js';
import { createCoinbaseDialect } from './dialects/coinbase.js';
import { createKrakenDialect } from './dialects/kraken.js';
import { createOkxDialect } from './dialects/okx.js';
import type { Dialect, DialectContext, SimResponse } from './dialects/types.js';
import { type FaultDecision, FaultPlan } from './faults.js';
import type { WindowUsage } from './limits.js';
import { MarketModel } from './market/model.js';
import type { SimExchange } from './market/symbols.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { createGroundTruth, type GroundTruth } from './truth.js';
import type { SimWs } from './ws/api.js';
import { createBinanceWs } from './ws/binance.js';
import { createBinanceUsdmWs } from './ws/binance-usdm.js';
import { createBybitWs } from './ws/bybit.js';
import { createCoinbaseWs } from './ws/coinbase.js';
import { attachWsHub, WsHub } from './ws/hub.js';
import { createKrakenWs } from './ws/kraken.js';
import { createOkxWs } from './ws/okx.js';
import type { WsDialect } from './ws/types.js';

/** Counters of one simulator since it started. */
export type SimStats = {
  /** Requests received. */
  requests: number;
  /** Responses by HTTP status sent (faulted responses count under the status they began with). */
  byStatus: Record<string, number>;
  /** Requests by path (no query string). */
  byPath: Record<string, number>;
  /** HTTP 429 answers. */
  status429: number;
  /** HTTP 418 answers (Binance IP bans). */
  status418: number;
  /** Rate-limit answers in any form (429, 418, Bybit's 403, Kraken's HTTP 200 `EGeneral:Too many requests`, OKX's HTTP 200 `50011`). */
  throttled: number;
  /** Faults injected, by kind. */
  faults: { error: number; reset: number; truncate: number; stall: number };
  /**
   * Fixed-window limits (Binance's request weight): what each client IP had counted per window, oldest
   * first, the current window included. Empty for exchanges limited otherwise.
   */
  windows: WindowUsage[];
  /** The most requests the simulator was answering at once (received, response not yet finished). */
  maxInFlight: number;
  /**
   * Milliseconds from receiving each request to finishing its response, summed over all requests; divided
   * by {@link SimStats.busyMs} it is how many requests were in flight on average while any was.
   */
  requestMs: number;
  /** Milliseconds during which at least one request was in flight. */
  busyMs: number;
};

/** A running simulator. */
export type RunningSimulator = {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /**
   * WebSocket base URL on the same port, e.g. `ws://127.0.0.1:PORT`. Paths as on the exchange: Binance
   * `/ws/<stream>` and `/stream?streams=a/b`, Coinbase `/`, Kraken `/v2`, OKX `/ws/v5/public` and
   * `/ws/v5/business`, Bybit `/v5/public/spot` (`bybit`) and `/v5/public/linear` (`bybit-linear`).
   */
  wsUrl: string;
  /** The WebSocket side's test API: fault injection and counters. */
  ws: SimWs;
  exchange: SimExchange;
  /** What the dialect serves, in domain form. */
  truth: GroundTruth;
  /** A snapshot of the counters. */
  stats(): SimStats;
  /** Stops listening, destroys open connections (keep-alive and stalled ones) and resolves when closed. */
  close(): Promise<void>;
};

const WS_DIALECTS: Record<SimExchange, () => WsDialect> = {
  binance: createBinanceWs,
  coinbase: createCoinbaseWs,
  kraken: createKrakenWs,
  bybit: () => createBybitWs('bybit'),
  'bybit-linear': () => createBybitWs('bybit-linear'),
  okx: createOkxWs,
  'binance-usdm': createBinanceUsdmWs,
};

const DIALECTS: Record<SimExchange, (ctx: DialectContext) => Dialect> = {
  binance: createBinanceDialect,
  coinbase: createCoinbaseDialect,
  kraken: createKrakenDialect,
  bybit: (ctx) => createBybitDialect(ctx, 'bybit'),
  'bybit-linear': (ctx) => createBybitDialect(ctx, 'bybit-linear'),
  okx: createOkxDialect,
  'binance-usdm': createBinanceUsdmDialect,
};

/** Starts a simulator of one exchange on a loopback port. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const o = resolveOptions(options);
  const clock = o.clock ? runningClock(o.clock) : o.now === 'real' ? wallClock() : fixedClock(o.now);
  const nowUs = clock.nowUs;
  const model = new MarketModel({
    exchange: o.exchange,
    seed: o.seed,
    historyStartUs: Number(o.historyStartNs / 1000n),
    nowUs,
    overrides: o.overrides,
  });
  for (const r of o.prerenderKlines1m) {
    const s = model.find(r.symbol);
    if (s !== undefined)
      prerenderMinuteKlines(s, Number(r.startNs / 1_000_000n), Number(r.endNs / 1_000_000n));
  }
  const dialect = DIALECTS[o.exchange]({
    model,
    limits: {
      enabled: o.limitsEnabled,
      scale: o.limitScale,
      ...(o.weightPerWindow === undefined ? {} : { weightPerWindow: o.weightPerWindow }),
    },
    nowMs: Date.now(),
  });
  const plan = new FaultPlan(o.faults, o.seed);
  const stats: SimStats = {
    requests: 0,
    byStatus: {},
    byPath: {},
    status429: 0,
    status418: 0,
    throttled: 0,
    faults: { error: 0, reset: 0, truncate: 0, stall: 0 },
    windows: [],
    maxInFlight: 0,
    requestMs: 0,
    busyMs: 0,
  };
  let inFlight = 0;
  let busySince = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const send = (res: ServerResponse, r: SimResponse, f: FaultDecision) => {
    if (closing || res.destroyed) return;
    const key = String(r.status);
    stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
    if (r.status === 429) stats.status429++;
    if (r.status === 418) stats.status418++;
    const throttledBody = typeof r.body === 'string' && r.body.startsWith('{"error":["EGeneral:Too many');
    if (r.status === 429 || r.status === 418 || r.status === 403 || throttledBody || r.throttled)
      stats.throttled++;
    const headers = { 'content-type': 'application/json; charset=utf-8', ...r.headers };
    const body = r.body;
    if (f.kind === 'none' || f.kind === 'error') {
      res.writeHead(r.status, { ...headers, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    stats.faults[f.kind]++;
    const part = body.slice(0, Math.max(1, Math.floor(body.length * f.cut)));
    if (f.kind === 'truncate') {
      res.writeHead(r.status, { ...headers, 'content-length': Buffer.byteLength(part) });
      res.end(part);
      return;
    }
    res.writeHead(r.status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.write(part);
    if (f.kind === 'reset') setImmediate(() => res.socket?.destroy());
    // 'stall': never ends; close() destroys the socket.
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    stats.requests++;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const received = performance.now();
    if (inFlight === 0) busySince = received;
    if (++inFlight > stats.maxInFlight) stats.maxInFlight = inFlight;
    res.once('close', () => {
      const now = performance.now();
      stats.requestMs += now - received;
      if (--inFlight === 0) stats.busyMs += now - busySince;
    });
    const f = plan.next();
    if (f.kind === 'error') stats.faults.error++;
    const run = () => {
      let r: SimResponse;
      try {
        r = dialect.handle({
          method: req.method ?? 'GET',
          path,
          query,
          nowMs: Date.now(),
          ip: req.socket.remoteAddress ?? '',
        });
      } catch {
        r = dialect.serverError(500);
      }
      if (f.kind === 'error') r = dialect.serverError(f.status);
      send(res, r, f);
    };
    if (f.delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        run();
      }, f.delayMs);
      timers.add(t);
    } else run();
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, onRequest);
  const hub = new WsHub(model, clock, o.ws, WS_DIALECTS[o.exchange]());
  attachWsHub(server, hub);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host}:${addr.port}`,
    wsUrl: `ws://${host}:${addr.port}`,
    ws: hub,
    exchange: o.exchange,
    truth: createGroundTruth(model),
    stats: () => ({ ...structuredClone(stats), windows: dialect.windowUsage?.() ?? [] }),
    close() {
      if (!closed) {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        hub.close();
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return closed;
    },
  };
}
