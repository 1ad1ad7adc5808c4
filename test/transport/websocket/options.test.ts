import { describe, expect, it } from 'vitest';
import { resolveWebSocketOptions, WEBSOCKET_DEFAULTS } from '../../../src/transport/websocket/options.js';

describe('resolveWebSocketOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveWebSocketOptions()).toMatchObject({
      ...WEBSOCKET_DEFAULTS,
      perMessageDeflate: false,
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      maxBufferedFrames: 1024,
      parseErrors: 'skip',
    });
    expect(resolveWebSocketOptions({ pingIntervalMs: undefined }).pingIntervalMs).toBe(10_000);
  });

  it.each([
    ['maxPayload', 0],
    ['handshakeTimeoutMs', -1],
    ['pingIntervalMs', Number.NaN],
    ['idleTimeoutMs', -5],
    ['initialDelayMs', '1'],
    ['maxDelayMs', 10],
    ['factor', 0.5],
    ['stableAfterMs', -1],
    ['maxReconnectAttempts', 1.5],
    ['maxBufferedFrames', 0],
    ['parseErrors', 'ignore'],
    ['perMessageDeflate', 'yes'],
    ['onParseError', 42],
    ['signal', {}],
  ])('rejects %s = %j naming the option', (name, value) => {
    expect(() => resolveWebSocketOptions({ [name]: value })).toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        code: 'ERR_VALIDATION',
        argument: `options.${name}`,
      }),
    );
  });

  it('never echoes a header value (it may be a secret)', () => {
    try {
      resolveWebSocketOptions({ headers: { 'X-Key': 123 as unknown as string } });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'ValidationError', argument: 'options.headers["X-Key"]' });
      expect(String((e as Error).message)).not.toContain('123');
    }
  });
});
