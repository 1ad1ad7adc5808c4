/**
 * Public exports of `src/transport/websocket`: the reconnecting WebSocket base, its options, stream
 * and stream events. The session, iterator, queue and the pure backoff / liveness decisions stay private
 * (tested through their own modules).
 *
 * @module
 */
export {
  type ConnectedEvent,
  type DisconnectCause,
  type DisconnectedEvent,
  FEED_EVENT,
  type FeedEvent,
  type FeedEventKind,
  isFeedEvent,
  type ParseErrorEvent,
  type ReconnectedEvent,
} from './events.js';
export type { FeedStats, FeedStream, FrameContext } from './feed-iterator.js';
export {
  type ReconnectScheduled,
  WEBSOCKET_DEFAULTS,
  type WebSocketOptions,
} from './options.js';
export type { FeedSocket } from './socket.js';
export { WebSocketBase } from './websocket-base.js';
