/**
 * One simulated WebSocket connection: sends text unless stalled, answers protocol pings (manually, so
 * a stall can withhold them), tracks pongs and traffic, and holds the faults armed against it.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { WsStats } from './api.js';
import type { WsFaultKind } from './types.js';

export type { WsStats } from './api.js';

/** Seeded fault draws per data message, shared by all connections of one simulator. */
export type FaultDraw = (kind: WsFaultKind) => boolean;

/**
 * At most this many messages go into one coalesced write: a write of thousands of small buffers
 * (two per frame) exceeds the kernel's iovec limit and drains far slower than several writes.
 */
const BATCH_WRITE_MESSAGES = 256;

/** A connection as dialects see it. */
export class SimConn {
  readonly #ws: WebSocket;
  /** Set when the emissions are coalesced (`ws.coalesce`): corked during each batch. */
  readonly #socket: Duplex | undefined;
  #batched = -1;
  /** Real ms (performance clock) when it opened. */
  readonly openedAt: number;
  /** Real ms of the last message sent. */
  lastSentAt: number;
  /** Real ms of the last pong received. */
  lastPongAt: number;
  #stalled = false;
  #closed = false;
  readonly #armed: Record<WsFaultKind, number> = {
    drop: 0,
    stall: 0,
    'skip-update-id': 0,
    'drop-messages': 0,
    'bad-checksum': 0,
    'replay-trades': 0,
    resnapshot: 0,
    'book-restart': 0,
    'stale-update': 0,
  };
  readonly #draw: FaultDraw;
  readonly #stats: WsStats;
  readonly #now: () => number;

  constructor(ws: WebSocket, draw: FaultDraw, stats: WsStats, now: () => number, socket?: Duplex) {
    this.#ws = ws;
    this.#socket = socket;
    this.#draw = draw;
    this.#stats = stats;
    this.#now = now;
    this.openedAt = this.lastSentAt = this.lastPongAt = now();
    ws.on('ping', (data) => {
      if (!this.#stalled && !this.#closed) ws.pong(data);
    });
    ws.on('pong', () => {
      this.lastPongAt = now();
    });
    ws.on('close', () => {
      this.#closed = true;
    });
  }

  /** Real ms now. */
  now(): number {
    return this.#now();
  }

  /** True once stalled: nothing is sent or answered any more. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** True once closed or terminated. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when sending is possible (open, not stalled). */
  get live(): boolean {
    return !this.#closed && !this.#stalled;
  }

  /** Sends one text message (dropped silently when stalled or closed). */
  send(text: string): void {
    if (!this.live) return;
    if (this.#batched >= 0 && ++this.#batched > BATCH_WRITE_MESSAGES) {
      this.#socket?.uncork();
      this.#socket?.cork();
      this.#batched = 1;
    }
    this.#ws.send(text);
    this.lastSentAt = this.#now();
    this.#stats.messagesSent++;
  }

  /**
   * Starts one emission: with `ws.coalesce`, its messages are held and written together (in writes of
   * at most {@link BATCH_WRITE_MESSAGES}) by {@link endBatch}. Without, nothing changes.
   */
  beginBatch(): void {
    if (this.#socket === undefined || this.#batched >= 0) return;
    this.#socket.cork();
    this.#batched = 0;
  }

  /** Ends the emission begun by {@link beginBatch}: what it held is written now. */
  endBatch(): void {
    if (this.#batched < 0) return;
    this.#batched = -1;
    this.#socket?.uncork();
  }

  /** Sends a protocol ping frame (not when stalled). */
  ping(): void {
    if (this.live) this.#ws.ping();
  }

  /** Closes with a close frame. */
  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.close(code, reason);
  }

  /** Destroys the socket without a close frame (the `drop` fault). */
  terminate(): void {
    this.#closed = true;
    this.#ws.terminate();
  }

  /** Goes silent without closing (the `stall` fault). */
  stall(): void {
    this.#stalled = true;
  }

  /** Arms `count` occurrences of a fault for this connection. */
  arm(kind: WsFaultKind, count: number): void {
    this.#armed[kind] += count;
  }

  /**
   * Whether a fault of `kind` strikes the next message: an armed one is consumed first, otherwise the
   * seeded rate decides. Counts it in the statistics.
   */
  strikes(kind: WsFaultKind): boolean {
    let hit = false;
    if (this.#armed[kind] > 0) {
      this.#armed[kind]--;
      hit = true;
    } else hit = this.#draw(kind);
    if (hit) this.#stats.faults[kind]++;
    return hit;
  }

  /**
   * Call before each data message: applies armed or drawn `drop`/`stall` faults. False when the message
   * must not be sent (the connection was dropped or is stalled).
   */
  beforeData(): boolean {
    if (!this.live) return false;
    if (this.strikes('drop')) {
      this.terminate();
      return false;
    }
    if (this.strikes('stall')) {
      this.stall();
      return false;
    }
    return true;
  }
}
