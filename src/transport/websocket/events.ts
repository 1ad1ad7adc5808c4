/**
 * Connection events that a reconnecting feed puts into the same iterator as its records, so that a gap
 * is an item the consumer sees, never a silence.
 *
 * Why a symbol brand rather than a class or a `kind` field alone: domain records (`Trade`, book deltas)
 * and raw frames (`string | Buffer`) never carry the registered symbol {@link FEED_EVENT}, so
 * {@link isFeedEvent} can tell an event from a record with one property read, whatever `T` looks like
 * (a record with its own `kind` or `type` field is never mistaken for an event). `Symbol.for` keeps the
 * check working across two copies of the package, where `instanceof` would not. Events are plain
 * objects, so they log and serialise naturally (the brand is dropped by `JSON.stringify`).
 *
 * @module
 */
import type { ProtocolError } from '../../core/errors.js';

/** The brand every feed event carries; records never do. */
export const FEED_EVENT: unique symbol = Symbol.for('tickwire.feed-event');

type Branded = { readonly [FEED_EVENT]: true };

/** The first connection of a stream is open (subscriptions are being sent by `onConnect`). */
export type ConnectedEvent = Branded & {
  readonly kind: 'connected';
  /** The endpoint (secrets redacted). */
  readonly url: string;
  /** 1-based number of the connection within this stream: always 1 here. */
  readonly connection: number;
  /** Connection attempts it took (1 when the first one succeeded). */
  readonly attempt: number;
  /** When the connection opened, epoch ns. */
  readonly atNs: bigint;
};

/** Why a connection ended. */
export type DisconnectCause = 'remote-close' | 'idle-timeout' | 'error';

/** An open connection ended; a reconnect follows (or the stream fails with `ReconnectExhaustedError`). */
export type DisconnectedEvent = Branded & {
  readonly kind: 'disconnected';
  /** The endpoint (secrets redacted). */
  readonly url: string;
  /** The connection that ended (1-based). */
  readonly connection: number;
  /** When the loss was noticed, epoch ns. Records from after this moment until the next connect are missing. */
  readonly atNs: bigint;
  /** What ended it. */
  readonly cause: DisconnectCause;
  /** WebSocket close code when there is one (1006: no close frame, e.g. a reset or an idle kill). */
  readonly code: number | undefined;
  /** A human-readable explanation (close reason, error message). */
  readonly reason: string;
};

/**
 * A connection is open again after a disconnect. Everything the server sent between `sinceNs` and
 * `untilNs` was not received: resync an order book, backfill trades over REST.
 */
export type ReconnectedEvent = Branded & {
  readonly kind: 'reconnected';
  /** The endpoint (secrets redacted). */
  readonly url: string;
  /** 1-based number of the new connection within this stream (2 for the first reconnect). */
  readonly connection: number;
  /** Connection attempts this reconnect took. */
  readonly attempt: number;
  /** When the previous connection was lost, epoch ns. */
  readonly sinceNs: bigint;
  /** When the new connection opened, epoch ns. */
  readonly untilNs: bigint;
  /** The gap in ms, measured with a monotonic clock. */
  readonly downtimeMs: number;
};

/** `parseMessage` threw on a frame and `parseErrors` is `'skip'`: the rest of that frame was skipped. */
export type ParseErrorEvent = Branded & {
  readonly kind: 'parse-error';
  /** The connection the frame came on. */
  readonly connection: number;
  /** When the frame was received, epoch ns. */
  readonly atNs: bigint;
  /** The failure; `cause` holds what `parseMessage` threw, `snippet` the frame's first bytes. */
  readonly error: ProtocolError;
};

/** Every event a feed's stream can yield besides records. Switch on `kind`. */
export type FeedEvent = ConnectedEvent | DisconnectedEvent | ReconnectedEvent | ParseErrorEvent;

/** The `kind` of a {@link FeedEvent}. */
export type FeedEventKind = FeedEvent['kind'];

/**
 * True when `item` is a {@link FeedEvent} (not a record or a raw frame). One property read.
 *
 * @example
 * for await (const item of feed.stream()) {
 *   if (isFeedEvent(item)) { if (item.kind === 'reconnected') resync(item.sinceNs); continue; }
 *   handle(item); // narrowed to the record type
 * }
 */
export function isFeedEvent(item: unknown): item is FeedEvent {
  return typeof item === 'object' && item !== null && (item as Partial<Branded>)[FEED_EVENT] === true;
}

/** A {@link FeedEvent} without its brand (what {@link feedEvent} takes). */
type EventFields = FeedEvent extends infer E
  ? E extends FeedEvent
    ? Omit<E, typeof FEED_EVENT>
    : never
  : never;

/** Builds a branded event from its fields (internal). */
export function feedEvent(fields: EventFields): FeedEvent {
  return { [FEED_EVENT]: true, ...fields } as FeedEvent;
}
