/** Test helper for the simulator's WebSocket side: a raw `ws` client that records every message. */
import WebSocket from 'ws';

export type Rec = { text: string; json: Record<string, unknown>; at: number };

export class RawClient {
  readonly ws: WebSocket;
  readonly messages: Rec[] = [];
  closed: { code: number; at: number } | undefined;
  readonly opened: Promise<void>;
  readonly pings: number[] = [];
  #waiters: (() => void)[] = [];

  constructor(url: string, opts: { autoPong?: boolean } = {}) {
    this.ws = new WebSocket(url, { autoPong: opts.autoPong ?? true });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (d) => {
      const text = d.toString();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* keep text */
      }
      this.messages.push({ text, json, at: performance.now() });
      this.#wake();
    });
    this.ws.on('ping', () => {
      this.pings.push(performance.now());
      this.#wake();
    });
    this.ws.on('close', (code) => {
      this.closed = { code, at: performance.now() };
      this.#wake();
    });
    this.ws.on('error', () => {});
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Waits until `pred()` is true (checked after every event), or fails after `ms`. */
  async until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const end = performance.now() + ms;
    while (!pred()) {
      const left = end - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the first message (after index `from`) matching `pred`. */
  async next(pred: (m: Rec) => boolean, ms = 5000, from = 0): Promise<Rec> {
    let found: Rec | undefined;
    await this.until(
      () => {
        found = this.messages.slice(from).find(pred);
        return found !== undefined;
      },
      ms,
      'a matching message',
    );
    return found!;
  }

  close(): void {
    this.ws.terminate();
  }
}
