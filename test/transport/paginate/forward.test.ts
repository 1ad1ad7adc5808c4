import { describe, expect, it } from 'vitest';
import { IncompleteRangeError } from '../../../src/core/errors.js';
import {
  collect,
  type FetchExtras,
  type ProgressInfo,
  paginateForward,
} from '../../../src/transport/paginate/index.js';
import { drain, type Item, windowSource } from '../../helpers/paginate-sources.js';

const S = 1_000_000_000n;

/** Items at 0..n-1 seconds. */
function perSecond(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({ tsNs: BigInt(i) * S, id: `i${i}` }));
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('paginateForward: windows and output', () => {
  it('snaps the start to windowS by default and advances by windowS whatever a page returns', async () => {
    const src = windowSource([{ tsNs: 12n * S, id: 'a' }]);
    const got = await collect(paginateForward(src.fetch, 7n * S, 35n * S, 10, 100));
    expect(got.map((i) => i.id)).toEqual(['a']);
    expect(src.calls.map((c) => [c.startNs, c.endNs])).toEqual([
      [7n * S, 10n * S - 1n],
      [10n * S, 20n * S - 1n],
      // One item that does not reach the window's end, and no page seen yet to compare with: probe once.
      [12n * S + 1n, 20n * S - 1n],
      [20n * S, 30n * S - 1n],
      [30n * S, 35n * S - 1n],
    ]);
  });

  it('drops items before startNs and at or after endNs (half-open range)', async () => {
    const src = windowSource(perSecond(100), { spillAfterNs: 5n * S, spillBeforeNs: 5n * S });
    const got = await collect(paginateForward(src.fetch, 10n * S, 50n * S, 10, 100));
    expect(got.map((i) => i.tsNs / S)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i + 10)));
  });

  it('sorts a window answered newest first into ascending order', async () => {
    const src = windowSource(perSecond(30), { newestFirst: true });
    const got = await collect(paginateForward(src.fetch, 0n, 30n * S, 10, 100));
    expect(got).toEqual(perSecond(30));
  });

  it('with a custom key, a capped page cut inside one nanosecond continues at that nanosecond without loss or repeat', async () => {
    const items: Item[] = [];
    for (let i = 0; i < 30; i++) items.push({ tsNs: BigInt(Math.floor(i / 4)) * S, id: `x${i}` });
    const src = windowSource(items, { realCap: 6 });
    const got = await collect(paginateForward(src.fetch, 0n, 100n * S, 100, 10, { key: (i) => i.id }));
    expect(got).toEqual(items);
  });

  it('with a custom key, a capped page ending on the window’s last nanosecond continues there (found by the property test)', async () => {
    // fast-check's counterexample (seed 1706775769): the second page ends on the window's last ns with
    // one of the two items there cut off by the real cap of 3; it used to be taken as covering the window.
    let t = 1_000_000n;
    const items: Item[] = [38n, 1403n, 17n, 950n, 5n, 0n].map((g, i) => {
      t += g;
      return { tsNs: t, id: `i${i}` };
    });
    const src = windowSource(items, { realCap: 3 });
    const got = await collect(
      paginateForward(src.fetch, 1_000_000n, 1_134_650n, 2_694 / 1e9, 4, {
        alignS: 4_659 / 1e9,
        key: (i) => i.id,
      }),
    );
    expect(got).toEqual(items);
    // And no request for the grid window wholly before the start (it ends at 999,719 ns).
    expect(src.calls.every((c) => c.startNs <= c.endNs && c.startNs >= 1_000_000n)).toBe(true);
  });

  it('with a custom key, more items on the window’s last nanosecond than a page holds is a ProtocolError, not a loss', async () => {
    const items: Item[] = [0, 1, 2, 3].map((i) => ({ tsNs: 10n * S - 1n, id: `x${i}` }));
    const src = windowSource(items, { realCap: 3 });
    await expect(
      collect(paginateForward(src.fetch, 0n, 10n * S, 10, 3, { key: (i) => i.id })),
    ).rejects.toMatchObject({ code: 'ERR_INCOMPLETE_RANGE', cause: { code: 'ERR_PROTOCOL' } });
  });

  it('reports progress as (windowsDone, windowsTotal, info) after each window', async () => {
    const reports: [number, number, ProgressInfo][] = [];
    const src = windowSource(perSecond(40));
    await collect(
      paginateForward(src.fetch, 0n, 40n * S, 10, 100, {
        stepS: 1,
        onProgress: (d, t, i) => reports.push([d, t, i]),
      }),
    );
    expect(reports.map(([d, t]) => [d, t])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(reports[3]![2]).toMatchObject({
      itemsSoFar: 40,
      coveredUntilNs: 40n * S,
      requests: 4,
      windowS: 10,
    });
  });
});

describe('paginateForward: concurrency', () => {
  it('yields strictly in window order when pages resolve out of order', async () => {
    // Later windows answer first.
    const src = windowSource(perSecond(80), { delayMs: (n) => (8 - n) * 15 });
    const got = await collect(paginateForward(src.fetch, 0n, 80n * S, 10, 100, { concurrency: 4 }));
    expect(got).toEqual(perSecond(80));
    expect(src.maxInFlight).toBeGreaterThan(1);
  });

  it('holds at most `concurrency` windows and prefetches only as the consumer pulls', async () => {
    const pending: { start: bigint; d: ReturnType<typeof deferred<Item[]>> }[] = [];
    const fetch = (start: bigint): Promise<Item[]> => {
      const d = deferred<Item[]>();
      pending.push({ start, d });
      return d.promise;
    };
    const it = paginateForward(fetch, 0n, 100n * S, 10, 100, { concurrency: 3, stepS: 10 });
    expect(pending.length).toBe(0); // nothing before the first pull
    const first = it.next();
    await Promise.resolve();
    expect(pending.length).toBe(3);
    for (const p of pending) p.d.resolve([{ tsNs: p.start, id: String(p.start / S) }]);
    expect((await first).value).toEqual({ tsNs: 0n, id: '0' });
    // The consumer is busy with window 0: windows 1 and 2 are done, nothing more was requested.
    await new Promise((r) => setTimeout(r, 20));
    expect(pending.length).toBe(3);
    const second = it.next();
    await new Promise((r) => setTimeout(r, 0));
    expect(pending.length).toBe(4);
    expect((await second).value).toEqual({ tsNs: 10n * S, id: '10' });
    await it.return(undefined);
  });

  it('with concurrency 1, nothing is fetched ahead of the consumer', async () => {
    const src = windowSource(perSecond(100));
    const it = paginateForward(src.fetch, 0n, 100n * S, 10, 100, { stepS: 1 });
    await it.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(src.calls.length).toBe(1);
    await it.return(undefined);
  });
});

describe('paginateForward: stopping', () => {
  it('break stops fetching: no further page is requested', async () => {
    const src = windowSource(perSecond(1000));
    let n = 0;
    for await (const _ of paginateForward(src.fetch, 0n, 1000n * S, 10, 100, { concurrency: 2, stepS: 1 })) {
      if (++n === 15) break;
    }
    const callsAtBreak = src.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(src.calls.length).toBe(callsAtBreak);
    expect(callsAtBreak).toBeLessThanOrEqual(3);
  });

  it('break aborts in-flight concurrent fetches through the signal passed to fetchPage', async () => {
    const signals: AbortSignal[] = [];
    const fetch = (start: bigint, _e: bigint, _l: number, extras: FetchExtras): Promise<Item[]> => {
      signals.push(extras.signal);
      if (start === 0n) return Promise.resolve([{ tsNs: 0n, id: 'a' }]);
      return new Promise((_res, rej) =>
        extras.signal.addEventListener('abort', () => rej(extras.signal.reason)),
      );
    };
    for await (const _ of paginateForward(fetch, 0n, 100n * S, 10, 100, { concurrency: 3, stepS: 10 })) break;
    expect(signals.length).toBe(3);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('await using disposes the iterator', async () => {
    const src = windowSource(perSecond(100));
    {
      await using it = paginateForward(src.fetch, 0n, 100n * S, 10, 100, { stepS: 1 });
      await it.next();
    }
    expect(src.calls.length).toBe(1);
  });

  it('an abort while waiting on a slow page rejects promptly with AbortError', async () => {
    const ac = new AbortController();
    const fetch = (): Promise<Item[]> => new Promise(() => {}); // never answers, ignores the signal
    const it = paginateForward(fetch, 0n, 100n * S, 10, 100, { signal: ac.signal });
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('user stop')), 30);
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an already aborted signal rejects the first next() without calling fetchPage', async () => {
    const src = windowSource(perSecond(10));
    const it = paginateForward(src.fetch, 0n, 10n * S, 10, 100, { signal: AbortSignal.abort() });
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(src.calls.length).toBe(0);
  });
});

describe('paginateForward: failures', () => {
  it('a throwing fetchPage becomes IncompleteRangeError with cause, covered and missing', async () => {
    const boom = new Error('HTTP 502');
    const src = windowSource(perSecond(100));
    const fetch = (s: bigint, e: bigint, l: number, x: FetchExtras) =>
      s >= 30n * S ? Promise.reject(boom) : src.fetch(s, e, l, x);
    const got: Item[] = [];
    let caught: unknown;
    try {
      for await (const i of paginateForward(fetch, 5n * S, 100n * S, 10, 100, { concurrency: 3 }))
        got.push(i);
    } catch (e) {
      caught = e;
    }
    expect(got.length).toBe(25); // 5..29, everything before the failed window
    expect(caught).toBeInstanceOf(IncompleteRangeError);
    const err = caught as IncompleteRangeError;
    expect(err).toMatchObject({ name: 'IncompleteRangeError', code: 'ERR_INCOMPLETE_RANGE', cause: boom });
    expect(err.covered).toEqual([{ startNs: 5n * S, endNs: 30n * S }]);
    expect(err.missing).toEqual([{ startNs: 30n * S, endNs: 100n * S }]);
  });

  it('a synchronous throw is wrapped the same way', async () => {
    const fetch = (): Promise<Item[]> => {
      throw new TypeError('bad');
    };
    await expect(drain(paginateForward(fetch, 0n, 10n * S, 10, 100))).rejects.toMatchObject({
      name: 'IncompleteRangeError',
      missing: [{ startNs: 0n, endNs: 10n * S }],
    });
  });

  it('an AbortError from fetchPage propagates as is', async () => {
    const { AbortError } = await import('../../../src/core/errors.js');
    const abort = new AbortError('adapter gave up');
    const fetch = (): Promise<Item[]> => Promise.reject(abort);
    await expect(drain(paginateForward(fetch, 0n, 10n * S, 10, 100))).rejects.toBe(abort);
  });
});

describe('paginateForward: validation (synchronous, naming the argument)', () => {
  const f = async (): Promise<Item[]> => [];
  const cases: [string, () => unknown, string][] = [
    ['start after end', () => paginateForward(f, 10n, 5n, 1, 1), 'startNs'],
    ['start equal end', () => paginateForward(f, 5n, 5n, 1, 1), 'startNs'],
    ['number start', () => paginateForward(f, 5 as unknown as bigint, 10n, 1, 1), 'startNs'],
    ['zero window', () => paginateForward(f, 0n, 10n, 0, 1), 'windowS'],
    ['NaN window', () => paginateForward(f, 0n, 10n, Number.NaN, 1), 'windowS'],
    ['negative limit', () => paginateForward(f, 0n, 10n, 1, -1), 'maxPerRequest'],
    ['fractional limit', () => paginateForward(f, 0n, 10n, 1, 1.5), 'maxPerRequest'],
    ['zero concurrency', () => paginateForward(f, 0n, 10n, 1, 1, { concurrency: 0 }), 'options.concurrency'],
    ['bad alignS', () => paginateForward(f, 0n, 10n, 1, 1, { alignS: -3 }), 'options.alignS'],
    ['bad signal', () => paginateForward(f, 0n, 10n, 1, 1, { signal: {} as AbortSignal }), 'options.signal'],
    ['fetchPage not a function', () => paginateForward(null as never, 0n, 10n, 1, 1), 'fetchPage'],
  ];
  for (const [name, call, argument] of cases) {
    it(`${name} → ValidationError(${argument})`, () => {
      expect(call).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_VALIDATION', argument }),
      );
    });
  }
});
