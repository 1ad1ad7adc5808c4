import { describe, expect, it } from 'vitest';
import { AbortError, IncompleteRangeError } from '../../../src/core/errors.js';
import type { Capability, Trade } from '../../../src/core/records.js';
import { RecentKeys } from '../../../src/transport/paginate/dedupe.js';
import { collect, type FetchExtras, paginateTrades } from '../../../src/transport/paginate/index.js';
import { drain, tradeCursorSource, tradesAt } from '../../helpers/paginate-sources.js';

const cap: Capability = { maxPerRequest: 10, pageDirection: 'forward' };
const times = (n: number, f: (i: number) => bigint) => Array.from({ length: n }, (_, i) => f(i));

describe('paginateTrades', () => {
  it('follows the cursor until it is null and drains the range (a single page would lose most of it)', async () => {
    const truth = tradesAt(times(95, (i) => BigInt(1000 + i)));
    const src = tradeCursorSource(truth);
    const got = await collect(paginateTrades(src.fetch, cap, 1000n, 2000n));
    expect(got).toEqual(truth);
    expect(src.calls.map((c) => c.cursor)).toEqual([null, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(src.calls.every((c) => c.limit === 10)).toBe(true);
  });

  it('keeps [startNs, endNs] inclusive at both ends and drops everything outside', async () => {
    const truth = tradesAt(times(50, (i) => BigInt(i)));
    const src = tradeCursorSource(truth, { leadIn: 7, ignoreEnd: true });
    const got = await collect(paginateTrades(src.fetch, cap, 10n, 30n));
    expect(got.map((t) => t.tsNs)).toEqual(times(21, (i) => BigInt(10 + i)));
  });

  it('stops at the first page past endNs even when the cursor stays live', async () => {
    const truth = tradesAt(times(1000, (i) => BigInt(i)));
    const src = tradeCursorSource(truth, { ignoreEnd: true });
    await collect(paginateTrades(src.fetch, cap, 0n, 25n));
    expect(src.calls.length).toBe(3);
  });

  it('yields a trade repeated at the edge of two pages once, many trades sharing a nanosecond included', async () => {
    const truth = tradesAt(times(60, (i) => BigInt(100 + Math.floor(i / 7))));
    const src = tradeCursorSource(truth, { overlap: 3 });
    const got = await collect(paginateTrades(src.fetch, cap, 0n, 1000n));
    expect(got).toEqual(truth);
  });

  it('property: pages overlapping by any count, repeating trades inside a page and out of order, give the truth once', async () => {
    const { default: fc } = await import('fast-check');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 80 }), // gaps: 0 = shared ns
        fc.integer({ min: 1, max: 9 }), // page size
        fc.integer({ min: 0, max: 8 }), // overlap with the previous page
        fc.array(fc.nat(), { maxLength: 5 }), // in-page repeats (positions)
        fc.boolean(), // reverse each page (a source that is not in time order)
        async (gaps, size, overlap, dups, reverse) => {
          let t = 100n;
          const truth = tradesAt(gaps.map((g) => (t += BigInt(g))));
          const ov = Math.min(overlap, size - 1);
          const fetch = async (
            _s: bigint,
            _e: bigint,
            _l: number,
            cursor: number | null,
          ): Promise<[Trade[], number | null]> => {
            const from = cursor ?? 0;
            const page = truth.slice(from, from + size);
            for (const d of dups) if (page.length > 0) page.push({ ...(page[d % page.length] as Trade) });
            if (reverse) page.reverse();
            const after = from + size;
            return [page, after >= truth.length ? null : after - ov];
          };
          const got = await collect(paginateTrades(fetch, cap, 0n, 10_000n));
          // Each trade once, in time order (same-ns trades keep the source's order, reversed or not).
          const byId = (x: Trade, y: Trade) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
          expect([...got].sort(byId)).toEqual([...truth].sort(byId));
          for (let i = 1; i < got.length; i++) expect(got[i]!.tsNs >= got[i - 1]!.tsNs).toBe(true);
          if (!reverse) expect(got.map((x) => x.id)).toEqual(truth.map((x) => x.id));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('remembers ids of two pages at most', () => {
    const keys = new RecentKeys<string>();
    for (let p = 0; p < 100; p++) {
      for (let i = 0; i < 10; i++) keys.add(`${p}-${i}`);
      keys.nextPage();
    }
    expect(keys.size).toBe(10);
    expect(keys.has('99-0')).toBe(true);
    expect(keys.has('98-0')).toBe(false);
  });

  it('a repeated cursor throws IncompleteRangeError naming covered and missing ranges', async () => {
    const truth = tradesAt(times(40, (i) => BigInt(100 + i)));
    const fetch = async (
      _s: bigint,
      _e: bigint,
      _l: number,
      cursor: number | null,
    ): Promise<[Trade[], number]> => {
      const from = cursor ?? 0;
      return [truth.slice(from, from + 10), Math.min(from + 10, 20)]; // stuck at 20
    };
    const got: Trade[] = [];
    const err = await (async () => {
      try {
        for await (const t of paginateTrades(fetch, cap, 100n, 199n)) got.push(t);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(IncompleteRangeError);
    expect(err).toMatchObject({
      name: 'IncompleteRangeError',
      code: 'ERR_INCOMPLETE_RANGE',
      requested: { startNs: 100n, endNs: 200n },
      // Trades up to 129 were seen; those at 129 itself may continue on the next page.
      covered: [{ startNs: 100n, endNs: 129n }],
      missing: [{ startNs: 129n, endNs: 200n }],
    });
    expect(got.length).toBe(30);
  });

  it('maxPages reached with a live cursor throws; reached with a null cursor does not', async () => {
    const truth = tradesAt(times(30, (i) => BigInt(i)));
    await expect(
      drain(paginateTrades(tradeCursorSource(truth).fetch, cap, 0n, 100n, { maxPages: 2 })),
    ).rejects.toMatchObject({
      name: 'IncompleteRangeError',
      missing: [{ startNs: 19n, endNs: 101n }],
    });
    expect(
      await collect(paginateTrades(tradeCursorSource(truth).fetch, cap, 0n, 100n, { maxPages: 3 })),
    ).toEqual(truth);
  });

  it('reports (pagesDone, -1, info) after each page', async () => {
    const reports: [number, number, number][] = [];
    const src = tradeCursorSource(tradesAt(times(25, (i) => BigInt(i))));
    await collect(
      paginateTrades(src.fetch, cap, 0n, 100n, {
        onProgress: (d, t, i) => reports.push([d, t, i.itemsSoFar]),
      }),
    );
    expect(reports).toEqual([
      [1, -1, 10],
      [2, -1, 20],
      [3, -1, 25],
    ]);
  });

  it('break stops fetching and aborts the signal handed to fetchPage', async () => {
    const src = tradeCursorSource(tradesAt(times(100, (i) => BigInt(i))));
    let signal: AbortSignal | undefined;
    const fetch = (s: bigint, e: bigint, l: number, c: number | null, x: FetchExtras) => {
      signal = x.signal;
      return src.fetch(s, e, l, c);
    };
    let n = 0;
    for await (const _ of paginateTrades(fetch, cap, 0n, 1000n)) if (++n === 15) break;
    await new Promise((r) => setTimeout(r, 10));
    expect(src.calls.length).toBe(2);
    expect(signal?.aborted).toBe(true);
  });

  it('an abort while a page is pending rejects promptly with AbortError', async () => {
    const ac = new AbortController();
    const fetch = (): Promise<[Trade[], number | null]> => new Promise(() => {});
    const it = paginateTrades(fetch, cap, 0n, 10n, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const started = Date.now();
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a failing page becomes IncompleteRangeError with cause; an AbortError passes as is', async () => {
    const boom = new Error('reset');
    const truth = tradesAt(times(30, (i) => BigInt(i)));
    const src = tradeCursorSource(truth);
    const failing = (s: bigint, e: bigint, l: number, c: number | null) =>
      c === 20 ? Promise.reject(boom) : src.fetch(s, e, l, c);
    await expect(drain(paginateTrades(failing, cap, 0n, 100n))).rejects.toMatchObject({
      name: 'IncompleteRangeError',
      cause: boom,
      covered: [{ startNs: 0n, endNs: 19n }],
      missing: [{ startNs: 19n, endNs: 101n }],
    });
    const abort = new AbortError();
    await expect(drain(paginateTrades(() => Promise.reject(abort), cap, 0n, 100n))).rejects.toBe(abort);
  });

  it('validates synchronously, naming the argument', () => {
    const f = async (): Promise<[Trade[], null]> => [[], null];
    const bad: [() => unknown, string][] = [
      [() => paginateTrades(f, cap, 10n, 5n), 'startNs'],
      [() => paginateTrades(f, cap, 1 as unknown as bigint, 5n), 'startNs'],
      [() => paginateTrades(f, { pageDirection: 'forward' } as Capability, 0n, 5n), 'cap.maxPerRequest'],
      [() => paginateTrades(f, cap, 0n, 5n, { maxPages: 0 }), 'options.maxPages'],
      [() => paginateTrades(f, cap, 0n, 5n, { maxPages: Number.NaN }), 'options.maxPages'],
    ];
    for (const [call, argument] of bad) {
      expect(call).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_VALIDATION', argument }),
      );
    }
    // endNs is inclusive: a one-nanosecond range is valid.
    expect(() => paginateTrades(f, cap, 5n, 5n)).not.toThrow();
  });
});
