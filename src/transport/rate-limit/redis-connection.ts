/**
 * The Redis side of {@link RedisRateLimiter}: the command connection (its own, or the caller's), the
 * pub/sub connection, and the answer to "may I send a command now?" — so that an outage is detected in
 * at most `timeoutMs` instead of hanging in an offline queue.
 *
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';
import { TimeoutError } from '../../core/errors.js';

/** What {@link RedisConnection} needs to know. */
export type RedisConnectionOptions = {
  timeoutMs: number;
  redisOptions: RedisOptions;
  clock: () => number;
  /** Pub/sub channel to listen on, or undefined for no subscription. */
  channel: string | undefined;
  /** Called on every (re)connection of the command connection. */
  onReady: () => void;
  /** Called with each message on `channel`. */
  onMessage: (message: string) => void;
};

/** The connections of one limiter and their availability. */
export class RedisConnection {
  /** The command connection. */
  readonly client: Redis;
  readonly #owns: boolean;
  readonly #subscriber: Redis | undefined;
  readonly #opts: RedisConnectionOptions;
  readonly #onReady = (): void => {
    this.#everReady = true;
    this.#retryAt = 0;
    this.#endFirstWait();
    this.#opts.onReady();
  };
  readonly #firstReady: Promise<void>;
  #firstTimer: NodeJS.Timeout | undefined;
  #endFirstWait: () => void = () => {};
  #everReady: boolean;
  /** Local clock ms before which no command is sent (after an error or a timeout). */
  #retryAt = 0;

  /** @param redis a URL (connections opened here, closed by {@link close}) or a caller-owned instance */
  constructor(redis: string | Redis, opts: RedisConnectionOptions) {
    this.#opts = opts;
    if (typeof redis === 'string') {
      this.#owns = true;
      this.client = new Redis(redis, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: Math.max(opts.timeoutMs, 1000),
        ...opts.redisOptions,
      });
      // Connection errors of our own client reach the user through onWarning, not as unhandled 'error's.
      this.client.on('error', () => {});
    } else {
      this.#owns = false;
      this.client = redis;
    }
    this.#everReady = this.client.status === 'ready';
    this.client.on('ready', this.#onReady);
    this.#firstReady = new Promise((resolve) => {
      this.#endFirstWait = () => {
        clearTimeout(this.#firstTimer);
        resolve();
      };
      if (this.#everReady) return resolve();
      this.#firstTimer = setTimeout(resolve, opts.timeoutMs);
      this.#firstTimer.unref();
    });

    if (opts.channel !== undefined) {
      const subOptions = { enableOfflineQueue: true, maxRetriesPerRequest: null } as const;
      const sub =
        typeof redis === 'string'
          ? new Redis(redis, { ...opts.redisOptions, ...subOptions })
          : redis.duplicate(subOptions);
      sub.on('error', () => {});
      sub.on('message', (_channel: string, message: string) => opts.onMessage(message));
      sub.subscribe(opts.channel).catch(() => {});
      this.#subscriber = sub;
    }
  }

  /**
   * Whether to send a command now: connected and not backing off after a failure. Before the first
   * connection, waits up to `timeoutMs` for it.
   */
  async ready(): Promise<boolean> {
    if (!this.#everReady && this.client.status !== 'wait') await this.#firstReady;
    const status = this.client.status;
    if (status === 'wait') return true; // a lazyConnect client connects on its first command
    return status === 'ready' && this.#opts.clock() >= this.#retryAt;
  }

  /** Why {@link ready} said no, for the warning. */
  describe(): string {
    return `not connected (connection ${this.client.status})`;
  }

  /**
   * Runs a command within `timeoutMs` (which also bounds a caller-owned client's offline queue). On any
   * failure, no command is sent for `timeoutMs`.
   */
  async call<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
    const pending = fn(this.client);
    pending.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(this.#opts.timeoutMs)), this.#opts.timeoutMs);
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (error) {
      this.#retryAt = this.#opts.clock() + this.#opts.timeoutMs;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connections opened here (never a caller-owned client). */
  async close(): Promise<void> {
    this.#endFirstWait();
    this.client.off('ready', this.#onReady);
    if (this.#subscriber) await quitOrDisconnect(this.#subscriber);
    if (this.#owns) await quitOrDisconnect(this.client);
  }
}

async function quitOrDisconnect(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}
