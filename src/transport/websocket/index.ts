/**
 * Public exports of `src/transport/websocket`: the reconnecting WebSocket base, its options, stream
 * events and the pure backoff / liveness decisions. The session and iterator classes stay private.
 *
 * @module
 */
export {
  type BackoffDelay,
  type BackoffPolicy,
  backoffCeiling,
  backoffDelay,
  nextFailureCount,
} from './backoff.js';
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
export { type LivenessAction, type LivenessInput, livenessAction } from './heartbeat.js';
export {
  type ReconnectScheduled,
  type ResolvedWebSocketOptions,
  resolveWebSocketOptions,
  WEBSOCKET_DEFAULTS,
  type WebSocketOptions,
} from './options.js';
export { WebSocketBase } from './websocket-base.js';
