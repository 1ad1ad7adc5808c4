/**
 * The simulator's WebSocket side: a `ws` server in `noServer` mode on the HTTP server's `upgrade`
 * event, one exchange dialect, and one real-time timer that cuts the moving market into frames
 * (trades since the previous frame, book ticks) handed to every session.
 *
 * @module
 */
import type { IncomingMessage, Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ValidationError } from '../../core/errors.js';
import type { SimClock } from '../clock.js';
import { bookOf } from '../market/book.js';
import type { MarketModel } from '../market/model.js';
import { mulberry32 } from '../market/rng.js';
import type { SimWs, WsStats } from './api.js';
import { SimConn } from './conn.js';
import type { ResolvedWsOptions } from './options.js';
import {
  Frame,
  type SessionContext,
  WS_FAULT_KINDS,
  type WsDialect,
  type WsInjection,
  type WsSession,
} from './types.js';

export type { SimWs } from './api.js';

/** The WebSocket hub of one simulator. */
export class WsHub implements SimWs {
  readonly #wss = new WebSocketServer({ noServer: true, autoPong: false });
  readonly #dialect: WsDialect;
  readonly #ctx: SessionContext;
  readonly #clock: SimClock;
  readonly #sessions = new Map<SimConn, WsSession>();
  readonly #pendingNext: WsInjection[] = [];
  readonly #stats: WsStats = {
    connections: 0,
    messagesSent: 0,
    messagesReceived: 0,
    faults: {
      drop: 0,
      stall: 0,
      'skip-update-id': 0,
      'drop-messages': 0,
      'bad-checksum': 0,
      'replay-trades': 0,
      resnapshot: 0,
      'book-restart': 0,
      'stale-update': 0,
    },
  };
  readonly #rnd: () => number;
  readonly #o: ResolvedWsOptions;
  #boundaryUs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(model: MarketModel, clock: SimClock, options: ResolvedWsOptions, dialect: WsDialect) {
    this.#dialect = dialect;
    this.#clock = clock;
    this.#o = options;
    this.#rnd = mulberry32(options.faults.seed ^ 0x3ebd);
    this.#boundaryUs = clock.nowUs();
    this.#ctx = {
      model,
      options,
      boundaryUs: () => this.#boundaryUs,
      book: (s, k) => bookOf(s).at(k),
    };
  }

  /** Handles an HTTP upgrade (the server's `upgrade` event). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : url.slice(qi + 1));
    if (!this.#dialect.accepts(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#stats.connections++;
      const conn = new SimConn(
        ws,
        (k) => this.#draw(k),
        this.#stats,
        () => performance.now(),
        this.#o.coalesce ? socket : undefined,
      );
      for (const f of this.#pendingNext.splice(0)) conn.arm(f.kind, f.count ?? 1);
      this.#start();
      const session = this.#dialect.open(conn, path, query, this.#ctx);
      this.#sessions.set(conn, session);
      ws.on('message', (data, isBinary) => {
        this.#stats.messagesReceived++;
        if (conn.stalled || isBinary) return;
        session.onMessage(data.toString());
      });
      ws.on('close', () => {
        this.#sessions.delete(conn);
        session.onClose();
      });
      ws.on('error', () => {
        /* the close event follows */
      });
    });
  }

  #draw(kind: (typeof WS_FAULT_KINDS)[number]): boolean {
    const f = this.#o.faults;
    const rates: Record<(typeof WS_FAULT_KINDS)[number], number> = {
      drop: f.dropRate,
      stall: f.stallRate,
      'skip-update-id': f.skipUpdateIdRate,
      'drop-messages': f.dropMessageRate,
      'bad-checksum': f.badChecksumRate,
      'replay-trades': f.replayTradesRate,
      resnapshot: f.resnapshotRate,
      'book-restart': f.bookRestartRate,
      'stale-update': f.staleUpdateRate,
    };
    const rate = rates[kind];
    return rate > 0 && this.#rnd() < rate;
  }

  #start(): void {
    if (this.#timer) return;
    // After an idle spell, live data starts now (not with everything since the last frame).
    this.#boundaryUs = Math.max(this.#boundaryUs, this.#clock.nowUs());
    this.#timer = setInterval(() => this.#tick(), this.#o.batchMs);
    this.#timer.unref();
  }

  #tick(): void {
    const nowUs = this.#clock.nowUs();
    const frame = new Frame(this.#boundaryUs, Math.max(nowUs, this.#boundaryUs));
    this.#boundaryUs = frame.toUs;
    for (const [conn, session] of this.#sessions) {
      if (conn.closed) continue;
      conn.beginBatch();
      try {
        session.onFrame(frame);
      } catch {
        conn.terminate();
      } finally {
        conn.endBatch();
      }
    }
    if (this.#sessions.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  inject(fault: WsInjection): number {
    if (typeof fault !== 'object' || fault === null || !WS_FAULT_KINDS.includes(fault.kind)) {
      throw new ValidationError('fault.kind', fault?.kind, `one of ${WS_FAULT_KINDS.join(', ')}`);
    }
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new ValidationError('fault.count', count, 'an integer ≥ 1');
    const target = fault.target ?? 'current';
    if (target !== 'current' && target !== 'next') {
      throw new ValidationError('fault.target', target, "'current' or 'next'");
    }
    if (target === 'next') {
      this.#pendingNext.push({ kind: fault.kind, count });
      return 0;
    }
    let n = 0;
    for (const conn of this.#sessions.keys()) {
      if (conn.closed) continue;
      n++;
      if (fault.kind === 'drop') {
        this.#stats.faults.drop++;
        conn.terminate();
      } else if (fault.kind === 'stall') {
        this.#stats.faults.stall++;
        conn.stall();
      } else conn.arm(fault.kind, count);
    }
    return n;
  }

  connections(): number {
    return this.#sessions.size;
  }

  stats(): WsStats {
    return structuredClone(this.#stats);
  }

  /** Terminates every connection and stops the timer. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const conn of this.#sessions.keys()) conn.terminate();
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
  }
}

/** Attaches a hub to an HTTP server's `upgrade` event. */
export function attachWsHub(server: Server, hub: WsHub): void {
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
}
