import { describe, expect, it } from 'vitest';
import { linkSignals, sleep } from '../../src/transport/sleep.js';

describe('sleep', () => {
  it('waits, and rejects at once with AbortError when aborted', async () => {
    const t0 = performance.now();
    await sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 10);
    const t1 = performance.now();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(performance.now() - t1).toBeLessThan(1000);
  });

  it('rejects before waiting when already aborted', async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });
});

describe('linkSignals', () => {
  it('aborts when any source aborts, with its reason, and removes its listeners', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, b.signal]);
    expect(linked.signal.aborted).toBe(false);
    b.abort('because');
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('because');
    const again = linkSignals([a.signal]);
    again.dispose();
    a.abort();
    expect(again.signal.aborted).toBe(false);
  });

  it('is aborted at once when a source already is', () => {
    expect(linkSignals([new AbortController().signal, AbortSignal.abort('x')]).signal.aborted).toBe(true);
  });
});
