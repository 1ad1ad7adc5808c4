/**
 * The resync backoff as arithmetic: the same capped, full-jitter ceilings as a reconnect, the count
 * reset only after a stable valid period, the give-up past `maxRetries`, defaults taken from the
 * WebSocket options, and validation that names the option. The wrapper is driven with a fake clock and
 * a zero random source (no real waits).
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESYNC_RETRIES,
  decideResync,
  markResyncInvalid,
  markResyncValid,
  RESYNC_START,
  ResyncBackoff,
  type ResyncPolicy,
  type ResyncState,
  resolveResyncPolicy,
} from '../../src/stream/resync-backoff.js';
import { WEBSOCKET_DEFAULTS } from '../../src/transport/websocket/index.js';

const POLICY: ResyncPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 1000,
  factor: 2,
  stableAfterMs: 5000,
  maxRetries: 5,
};

describe('decideResync', () => {
  it('grows the ceiling per failure in a row, capped, with the delay drawn below it', () => {
    let state: ResyncState = RESYNC_START;
    const ceilings: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = decideResync(state, 1000 * i, POLICY, () => 0.5);
      state = r.state;
      expect(r.decision.type).toBe('wait');
      if (r.decision.type === 'wait') {
        ceilings.push(r.decision.ceilingMs);
        delays.push(r.decision.delayMs);
        expect(r.decision.failures).toBe(i + 1);
      }
    }
    expect(ceilings).toEqual([100, 200, 400, 800, 1000]);
    expect(delays).toEqual([50, 100, 200, 400, 500]);
  });

  it('gives up on the failure after maxRetries, and says whether the book was ever valid', () => {
    let state: ResyncState = RESYNC_START;
    for (let i = 0; i < 5; i++) state = decideResync(state, i, POLICY, () => 0).state;
    const last = decideResync(state, 10, POLICY, () => 0);
    expect(last.decision).toEqual({ type: 'give-up', failures: 6 });
    expect(last.state.everValid).toBe(false);
    const zero = decideResync(RESYNC_START, 0, { ...POLICY, maxRetries: 0 }, () => 0);
    expect(zero.decision).toEqual({ type: 'give-up', failures: 1 });
  });

  it('a book valid only briefly keeps counting; one valid for stableAfterMs starts again at 1', () => {
    let state: ResyncState = RESYNC_START;
    state = decideResync(state, 0, POLICY, () => 0).state;
    state = markResyncValid(state, 100);
    expect(state).toEqual({ failures: 1, validSinceMs: 100, everValid: true });
    // Broke 4.9 s after it became valid: not stable.
    let r = decideResync(state, 5000, POLICY, () => 0);
    expect(r.decision).toMatchObject({ type: 'wait', failures: 2, ceilingMs: 200 });
    state = markResyncValid(r.state, 6000);
    // Valid for exactly stableAfterMs: the count starts again.
    r = decideResync(state, 11_000, POLICY, () => 0);
    expect(r.decision).toMatchObject({ type: 'wait', failures: 1, ceilingMs: 100 });
    expect(r.state.validSinceMs).toBeUndefined();
    expect(r.state.everValid).toBe(true);
  });

  it('a second snapshot on a valid book keeps the first time; a reconnect clears validity without counting', () => {
    const a = markResyncValid(RESYNC_START, 10);
    expect(markResyncValid(a, 20)).toBe(a);
    const b = markResyncInvalid({ ...a, failures: 3 });
    expect(b).toEqual({ failures: 3, validSinceMs: undefined, everValid: true });
    // Valid again later: the stable period is measured from the new time.
    const c = markResyncValid(b, 9000);
    expect(decideResync(c, 13_000, POLICY, () => 0).decision).toMatchObject({ failures: 4 });
  });
});

describe('resolveResyncPolicy', () => {
  it('defaults to the reconnect backoff of the WebSocket options, then to its defaults', () => {
    expect(resolveResyncPolicy(undefined)).toEqual({
      initialDelayMs: WEBSOCKET_DEFAULTS.initialDelayMs,
      maxDelayMs: WEBSOCKET_DEFAULTS.maxDelayMs,
      factor: WEBSOCKET_DEFAULTS.factor,
      stableAfterMs: WEBSOCKET_DEFAULTS.stableAfterMs,
      maxRetries: DEFAULT_RESYNC_RETRIES,
    });
    expect(
      resolveResyncPolicy(
        { maxRetries: 2, factor: 3 },
        { initialDelayMs: 5, maxDelayMs: 20, stableAfterMs: 7 },
      ),
    ).toEqual({ initialDelayMs: 5, maxDelayMs: 20, factor: 3, stableAfterMs: 7, maxRetries: 2 });
  });

  it('rejects bad values naming the option', () => {
    const bad = (o: object, argument: string) => {
      expect(() => resolveResyncPolicy(o as never)).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_VALIDATION', argument }),
      );
    };
    bad({ maxRetries: -1 }, 'options.resync.maxRetries');
    bad({ maxRetries: 1.5 }, 'options.resync.maxRetries');
    bad({ initialDelayMs: Number.NaN }, 'options.resync.initialDelayMs');
    bad({ initialDelayMs: 100, maxDelayMs: 50 }, 'options.resync.maxDelayMs');
    bad({ factor: 0.5 }, 'options.resync.factor');
    bad({ stableAfterMs: -1 }, 'options.resync.stableAfterMs');
    expect(() => resolveResyncPolicy(5 as never)).toThrow(
      expect.objectContaining({ argument: 'options.resync' }),
    );
    expect(resolveResyncPolicy({ maxRetries: Number.POSITIVE_INFINITY }).maxRetries).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('ResyncBackoff', () => {
  it('waits, reports each wait, then throws BookResyncExhaustedError naming symbol and reason', async () => {
    let t = 0;
    const waits: [number, number, string][] = [];
    const b = new ResyncBackoff(
      { exchange: 'kraken', symbol: 'BTC/USD' },
      { ...POLICY, maxRetries: 2 },
      { now: () => t, random: () => 0, onWait: (d, reason) => waits.push([d.failures, d.ceilingMs, reason]) },
    );
    await b.failed('checksum-mismatch', 'local CRC32 1 != 2');
    t += 10;
    await b.failed('checksum-mismatch', 'local CRC32 1 != 2');
    t += 10;
    const err = await b.failed('checksum-mismatch', 'local CRC32 3 != 4').catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'BookResyncExhaustedError',
      code: 'ERR_RESYNC_EXHAUSTED',
      exchange: 'kraken',
      symbol: 'BTC/USD',
      reason: 'checksum-mismatch',
      detail: 'local CRC32 3 != 4',
      attempts: 3,
      neverValid: true,
    });
    expect((err as Error).message).toMatch(/kraken BTC\/USD order book never became valid: 3 sync attempts/);
    expect(waits).toEqual([
      [1, 100, 'checksum-mismatch'],
      [2, 200, 'checksum-mismatch'],
    ]);
  });

  it('a book that stays valid long enough never gives up', async () => {
    let t = 0;
    const b = new ResyncBackoff(
      { exchange: 'binance', symbol: 'BTC/USDT' },
      { ...POLICY, maxRetries: 1 },
      {
        now: () => t,
        random: () => 0,
      },
    );
    for (let i = 0; i < 20; i++) {
      b.valid();
      t += POLICY.stableAfterMs;
      await b.failed('sequence-gap', 'skipped');
      expect(b.state.failures).toBe(1);
    }
  });

  it('a real wait is abortable', async () => {
    const b = new ResyncBackoff(
      { exchange: 'kraken', symbol: 'BTC/USD' },
      { ...POLICY, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      {
        random: () => 0.99,
      },
    );
    const ac = new AbortController();
    const p = b.failed('checksum-mismatch', 'x', ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });
});
