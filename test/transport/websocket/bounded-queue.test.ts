import { describe, expect, it, vi } from 'vitest';
import { BoundedQueue } from '../../../src/transport/websocket/bounded-queue.js';

describe('BoundedQueue', () => {
  it('is FIFO across wrap-around and growth, keeping each item time', () => {
    const q = new BoundedQueue<number>(8, () => undefined);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) q.push(next, next++ * 10);
      while (q.size > round % 3) {
        const v = q.shift()!;
        expect(q.lastTimeMs).toBe(v * 10);
        out.push(v);
      }
    }
    for (let i = 0; i < 100; i++) q.push(next++, 0); // far past the bound: grows, never drops
    while (q.size > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.peak).toBeGreaterThanOrEqual(100);
  });

  it('push refuses at the high-water mark; onDrain fires once at the low-water mark', () => {
    const onDrain = vi.fn();
    const q = new BoundedQueue<number>(4, onDrain);
    expect([q.push(1, 0), q.push(2, 0), q.push(3, 0)]).toEqual([true, true, true]);
    expect(q.push(4, 0)).toBe(false);
    expect(q.push(5, 0)).toBe(false);
    q.shift();
    q.shift();
    expect(onDrain).not.toHaveBeenCalled(); // size 3 > lowWater 2
    q.shift();
    expect(onDrain).toHaveBeenCalledTimes(1);
    q.shift();
    q.shift();
    expect(onDrain).toHaveBeenCalledTimes(1);
  });

  it('clear drops everything and the pending drain', () => {
    const onDrain = vi.fn();
    const q = new BoundedQueue<string>(2, onDrain);
    q.push('a', 0);
    q.push('b', 0);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(onDrain).not.toHaveBeenCalled();
  });
});
