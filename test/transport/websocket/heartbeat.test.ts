import { describe, expect, it, vi } from 'vitest';
import { Heartbeat, livenessAction, livenessTickMs } from '../../../src/transport/websocket/heartbeat.js';

const base = { pingIntervalMs: 1000, idleTimeoutMs: 3000, lastActivityMs: 0, lastPingMs: 0 };

describe('livenessAction', () => {
  it('waits, pings when due, declares death after the idle timeout', () => {
    expect(livenessAction({ ...base, nowMs: 999 })).toBe('wait');
    expect(livenessAction({ ...base, nowMs: 1000 })).toBe('ping');
    expect(livenessAction({ ...base, nowMs: 2500, lastPingMs: 2000 })).toBe('wait');
    expect(livenessAction({ ...base, nowMs: 3000, lastPingMs: 2000 })).toBe('dead');
    expect(livenessAction({ ...base, nowMs: 3000, lastActivityMs: 100, lastPingMs: 2500 })).toBe('wait');
  });

  it('0 disables pings or the idle check', () => {
    expect(livenessAction({ ...base, pingIntervalMs: 0, nowMs: 2000 })).toBe('wait');
    expect(livenessAction({ ...base, idleTimeoutMs: 0, pingIntervalMs: 0, nowMs: 1e9 })).toBe('wait');
  });

  it('ticks at a quarter of the idle timeout or the ping interval, within [5 ms, 1 s]', () => {
    expect(livenessTickMs(10_000, 30_000)).toBe(1000);
    expect(livenessTickMs(50, 300)).toBe(50);
    expect(livenessTickMs(0, 100)).toBe(25);
    expect(livenessTickMs(1, 0)).toBe(5);
    expect(livenessTickMs(0, 0)).toBeUndefined();
  });
});

describe('Heartbeat (fake timers: only the arithmetic of one timer)', () => {
  it('pings on schedule, counts activity, is suspended while paused, and reports death once', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const ping = vi.fn();
      const dead = vi.fn();
      const hb = new Heartbeat({ pingIntervalMs: 100, idleTimeoutMs: 400 }, { ping, dead }, () => now);
      const advance = (ms: number): void => {
        for (let i = 0; i < ms / 25; i++) {
          now += 25;
          vi.advanceTimersByTime(25);
        }
      };
      advance(300);
      expect(ping).toHaveBeenCalledTimes(3);
      hb.activity++;
      advance(300);
      expect(dead).not.toHaveBeenCalled();
      hb.suspend();
      advance(1000);
      expect(dead).not.toHaveBeenCalled();
      hb.resume();
      advance(375);
      expect(dead).not.toHaveBeenCalled();
      advance(50);
      expect(dead).toHaveBeenCalledTimes(1);
      advance(1000);
      expect(dead).toHaveBeenCalledTimes(1);
      hb.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a blocked event loop does not count as the peer going silent', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const dead = vi.fn();
      const hb = new Heartbeat(
        { pingIntervalMs: 100, idleTimeoutMs: 400 },
        { ping: () => {}, dead },
        () => now,
      );
      now += 25;
      vi.advanceTimersByTime(25);
      // The process was busy for 2 s: the next tick runs late, before any socket read.
      now += 2000;
      vi.advanceTimersByTime(25);
      expect(dead).not.toHaveBeenCalled();
      // Real silence after the stall is still caught.
      for (let i = 0; i < 20; i++) {
        now += 25;
        vi.advanceTimersByTime(25);
      }
      expect(dead).toHaveBeenCalledTimes(1);
      hb.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
