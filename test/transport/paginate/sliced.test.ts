/**
 * `paginateSliced`: consecutive half-open slices walked concurrently, yielded strictly in order. Synthetic
 * sources with many trades sharing each nanosecond (so slice boundaries fall on shared instants), random
 * page sizes, random completion order, failures in a middle slice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncompleteRangeError, ProtocolError } from '../../../src/core/errors.js';
import type { Trade } from '../../../src/core/records.js';
import { paginateSliced, paginateTrades, type SliceWalk } from '../../../src/transport/paginate/index.js';
import { nextSliceEnd } from '../../../src/transport/paginate/sliced.js';
import { drain, tradeCursorSource, tradesAt } from '../../helpers/paginate-sources.js';

const RUNS = Number(process.env.PAGINATE_PROPERTY_RUNS ?? 100);
const NS = 1e-9; // one nanosecond, in seconds

/** Times 0..span ns, each shared by 1..`dup` trades. */
function clustered(seed: number[], dup: number): bigint[] {
  const out: bigint[] = [];
  let t = 0n;
  for (const g of seed) {
    t += BigInt(g % 4); // gaps of 0..3 ns: neighbours share instants
    for (let k = 0; k <= g % dup; k++) out.push(t);
  }
  return out;
}

/** A slice walk over `trades` through `paginateTrades`, with fetches that settle in a random order. */
function walkOver(
  trades: readonly Trade[],
  delays: number[],
  opts: { leadIn?: number; ignoreEnd?: boolean } = {},
): { walk: SliceWalk<Trade>; slices: { startNs: bigint; endNs: bigint }[] } {
  const slices: { startNs: bigint; endNs: bigint }[] = [];
  let n = 0;
  const walk: SliceWalk<Trade> = (slice, extras) => {
    slices.push(slice);
    const src = tradeCursorSource(trades, { pageSize: (i) => 1 + ((i * 7 + slices.length) % 5), ...opts });
    return paginateTrades<number>(
      async (s, e, limit, cursor) => {
        const d = delays[n++ % delays.length] ?? 0;
        for (let i = 0; i < d; i++) await new Promise<void>((r) => setImmediate(r));
        return src.fetch(s, e, limit, cursor);
      },
      { maxPerRequest: 5, pageDirection: 'forward' },
      slice.startNs,
      slice.endNs - 1n,
      { signal: extras.signal, onProgress: extras.onProgress },
    );
  };
  return { walk, slices };
}

describe('paginateSliced', () => {
  it('property: any slicing, concurrency and completion order yields the truth, once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(1000), { minLength: 0, maxLength: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        async (seed, dup, concurrency, initialNs, sliceItems, delays, sloppy) => {
          const trades = tradesAt(clustered(seed, dup));
          const end = (trades.at(-1)?.tsNs ?? 0n) + 1n;
          const { walk, slices } = walkOver(trades, delays, sloppy ? { leadIn: 3, ignoreEnd: true } : {});
          const out = await drain(
            paginateSliced(walk, 0n, end, {
              concurrency,
              sliceItems,
              initialSliceS: initialNs * NS,
              minSliceS: NS,
            }),
          );
          expect(out.map((t) => t.id)).toEqual(trades.map((t) => t.id));
          // The slices tile the range exactly: consecutive, half-open, from start to end.
          const sorted = [...slices].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
          expect(sorted[0]?.startNs).toBe(0n);
          expect(sorted.at(-1)?.endNs).toBe(end);
          for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.startNs).toBe(sorted[i - 1]!.endNs);
          if (concurrency === 1) expect(slices).toHaveLength(1);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reports fetchedNs: ahead of coveredUntilNs while slices run, never falling, the whole range at the end', async () => {
    const trades = tradesAt(Array.from({ length: 400 }, (_, i) => BigInt(i * 10)));
    const end = 4000n;
    // Every sixth fetch is slow, so slices finish out of order and wait to be merged.
    let calls = 0;
    const { walk } = walkOver(
      trades,
      Array.from({ length: 50 }, (_, i) => (i % 6 === 0 ? 4 : 0)),
    );
    const seen: { fetched: bigint; covered: bigint }[] = [];
    await drain(
      paginateSliced(walk, 0n, end, {
        concurrency: 4,
        sliceItems: 40,
        initialSliceS: 400 * NS,
        minSliceS: NS,
        onProgress: (_d, _t, info) => {
          calls++;
          if (info.fetchedNs !== undefined) {
            seen.push({ fetched: info.fetchedNs, covered: info.coveredUntilNs ?? 0n });
          }
        },
      }),
    );
    expect(calls).toBeGreaterThan(5);
    expect(seen.length).toBe(calls);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fetched >= seen[i - 1]!.fetched).toBe(true);
    for (const x of seen) expect(x.fetched >= x.covered).toBe(true);
    expect(seen.some((x) => x.fetched > x.covered)).toBe(true);
    expect(seen.at(-1)!.fetched).toBe(end);
  });

  it('drops what a walk yields outside its slice: a trade at a boundary comes once, from the later slice', async () => {
    // Every slice's walk yields the whole source; only members of the slice may pass.
    const trades = tradesAt([0n, 5n, 5n, 5n, 10n, 10n, 15n]);
    const origin: string[] = [];
    const walk: SliceWalk<Trade> = async function* (slice) {
      for (const t of trades) {
        if (t.tsNs >= slice.startNs && t.tsNs < slice.endNs) origin.push(`${t.id}@${slice.startNs}`);
        yield t;
      }
    };
    // The probe is [0, 5): the trades at 5 ns belong to the next slice only.
    const out = await drain(
      paginateSliced(walk, 0n, 20n, { concurrency: 3, initialSliceS: 5 * NS, minSliceS: NS }),
    );
    expect(out.map((t) => t.id)).toEqual(trades.map((t) => t.id));
    expect(origin).toContain('t1@5');
    expect(origin).toContain('t2@5');
  });

  it('a failed middle slice: earlier slices delivered, then IncompleteRangeError with the exact gap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (concurrency, failAt, wrapped) => {
          const trades = tradesAt(
            clustered(
              Array.from({ length: 200 }, (_, i) => (i * 37) % 11),
              3,
            ),
          );
          const end = trades.at(-1)!.tsNs + 1n;
          const cause = new ProtocolError('boom');
          let sliceNo = 0;
          let failed: { startNs: bigint; endNs: bigint; reached: bigint } | undefined;
          const walk: SliceWalk<Trade> = (slice, extras) => {
            const mine = sliceNo++ === failAt;
            return (async function* () {
              const inSlice = trades.filter((t) => t.tsNs >= slice.startNs && t.tsNs < slice.endNs);
              extras.onProgress(1, -1, {
                itemsSoFar: inSlice.length,
                requests: 1,
                coveredUntilNs: slice.endNs,
              });
              if (!mine) {
                yield* inSlice;
                return;
              }
              // Deliver the first few instants of the slice, then fail.
              const reached = inSlice[Math.min(4, inSlice.length - 1)]?.tsNs ?? slice.startNs;
              failed = { ...slice, reached: wrapped ? reached : slice.startNs };
              yield* inSlice.filter((t) => t.tsNs <= reached);
              if (!wrapped) throw cause;
              throw new IncompleteRangeError(
                'page failed',
                {
                  requested: slice,
                  covered: reached > slice.startNs ? [{ startNs: slice.startNs, endNs: reached }] : [],
                  missing: [{ startNs: reached, endNs: slice.endNs }],
                },
                { cause },
              );
            })();
          };
          const out: Trade[] = [];
          const run = async () => {
            for await (const t of paginateSliced(walk, 0n, end, {
              concurrency,
              sliceItems: 40,
              initialSliceS: 20 * NS,
              minSliceS: NS,
            }))
              out.push(t);
          };
          const error = await run().then(
            () => undefined,
            (e: unknown) => e,
          );
          if (!failed) {
            // Fewer slices than failAt: nothing failed.
            expect(error).toBeUndefined();
            expect(out).toHaveLength(trades.length);
            return;
          }
          const f = failed as { startNs: bigint; endNs: bigint; reached: bigint };
          expect(error).toMatchObject({
            name: 'IncompleteRangeError',
            code: 'ERR_INCOMPLETE_RANGE',
            requested: { startNs: 0n, endNs: end },
            covered: f.reached > 0n ? [{ startNs: 0n, endNs: f.reached }] : [],
            missing: [{ startNs: f.reached, endNs: end }],
          });
          expect((error as Error).cause).toBe(cause);
          // A prefix: everything before the failed slice, then what it delivered; nothing after.
          const before = trades.filter((t) => t.tsNs < f.startNs);
          expect(out.slice(0, before.length)).toEqual(before);
          expect(out.every((t) => t.tsNs < f.endNs)).toBe(true);
          expect(out.filter((t) => t.tsNs < f.reached)).toEqual(trades.filter((t) => t.tsNs < f.reached));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('walks run concurrently, a non-head slice stops pulling when its buffer is full, break aborts them', async () => {
    let running = 0;
    let maxRunning = 0;
    const pulled = new Map<bigint, number>();
    const signals: AbortSignal[] = [];
    let releaseHead!: () => void;
    const headGate = new Promise<void>((r) => {
      releaseHead = r;
    });
    const walk: SliceWalk<{ tsNs: bigint }> = (slice, extras) => {
      signals.push(extras.signal);
      return (async function* () {
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          extras.onProgress(1, -1, { itemsSoFar: 1, requests: 1, coveredUntilNs: slice.startNs + 1n });
          if (slice.startNs === 0n) await headGate;
          for (let t = slice.startNs; t < slice.endNs; t++) {
            pulled.set(slice.startNs, (pulled.get(slice.startNs) ?? 0) + 1);
            yield { tsNs: t };
          }
        } finally {
          running--;
        }
      })();
    };
    const it = paginateSliced(walk, 0n, 1_000_000n, {
      concurrency: 3,
      sliceItems: 10,
      initialSliceS: 1000 * NS,
      minSliceS: NS,
    });
    const first = it.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(maxRunning).toBe(3);
    // The two later slices (1 item/ns: 1000 ns ≈ 10 items → capped at 2 × 10) wait, paused, for the head.
    for (const [start, n] of pulled) if (start !== 0n) expect(n).toBeLessThanOrEqual(21);
    releaseHead();
    expect((await first).value).toEqual({ tsNs: 0n });
    await it.return(undefined);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('with many walks, all slices together stop at maxBufferedItems while the head is not read', async () => {
    let pulledOutsideHead = 0;
    let releaseHead!: () => void;
    const headGate = new Promise<void>((r) => {
      releaseHead = r;
    });
    const walk: SliceWalk<{ tsNs: bigint }> = (slice, extras) =>
      (async function* () {
        extras.onProgress(1, -1, { itemsSoFar: 1, requests: 1, coveredUntilNs: slice.startNs + 1n });
        if (slice.startNs === 0n) await headGate;
        for (let t = slice.startNs; t < slice.endNs; t++) {
          if (slice.startNs !== 0n) pulledOutsideHead++;
          yield { tsNs: t };
        }
      })();
    const it = paginateSliced(walk, 0n, 1_000_000n, {
      concurrency: 16,
      sliceItems: 10,
      maxBufferedItems: 40,
      initialSliceS: 1000 * NS,
      minSliceS: NS,
    });
    const first = it.next();
    await new Promise((r) => setTimeout(r, 30));
    // 15 later slices of up to 20 items each would hold 300; together they stop at 40 (+ one item each
    // already pulled when they checked).
    expect(pulledOutsideHead).toBeGreaterThanOrEqual(40);
    expect(pulledOutsideHead).toBeLessThanOrEqual(40 + 15);
    releaseHead();
    expect((await first).value).toEqual({ tsNs: 0n });
    // Reading on frees room: the paused walks pull again, and the whole range comes out in order.
    let expected = 1n;
    for (;;) {
      const step = await it.next();
      if (step.done) break;
      expect(step.value.tsNs).toBe(expected++);
      if (expected === 5_000n) break;
    }
    await it.return(undefined);
  });

  it('slice sizes follow the market: after a long quiet stretch, slices of a busy one still hold about sliceItems', async () => {
    // [0, 100 000) ns: one item every 20 ns (5 000 items); [100 000, 150 000) ns: two items per ns (100 000).
    // Slices launched before the busy stretch shows are too large (unavoidable); the later ones are not.
    const at = (t: bigint): number => (t < 100_000n ? (t % 20n === 0n ? 1 : 0) : 2);
    const sizes: { startNs: bigint; items: number }[] = [];
    const walk: SliceWalk<{ tsNs: bigint }> = (slice, extras) =>
      (async function* () {
        const entry = { startNs: slice.startNs, items: 0 };
        sizes.push(entry);
        let requests = 0;
        let page = 0;
        for (let t = slice.startNs; t < slice.endNs; t++) {
          for (let k = 0; k < at(t); k++) {
            entry.items++;
            yield { tsNs: t };
            if (++page === 50) {
              page = 0;
              extras.onProgress(++requests, -1, { itemsSoFar: entry.items, requests, coveredUntilNs: t });
              await new Promise<void>((r) => setImmediate(r));
            }
          }
        }
        extras.onProgress(++requests, -1, { itemsSoFar: entry.items, requests, coveredUntilNs: slice.endNs });
      })();
    let n = 0;
    let last = -1n;
    for await (const item of paginateSliced(walk, 0n, 150_000n, {
      concurrency: 4,
      sliceItems: 500,
      initialSliceS: 2_000 * NS,
      minSliceS: NS,
    })) {
      expect(item.tsNs >= last).toBe(true);
      last = item.tsNs;
      n++;
    }
    expect(n).toBe(105_000);
    // The whole-range average (0.7 items/ns at the end) would make busy slices several times the aim.
    const busy = sizes.filter((s) => s.startNs >= 102_000n).map((s) => s.items);
    expect(busy.length).toBeGreaterThan(10);
    busy.sort((a, b) => a - b);
    expect(busy[Math.floor(busy.length / 2)]).toBeLessThanOrEqual(2 * 500);
  });

  it('an aborted signal rejects with AbortError; bad options are ValidationErrors', async () => {
    const ctl = new AbortController();
    const walk: SliceWalk<{ tsNs: bigint }> = async function* (_s, extras) {
      await new Promise((_r, reject) =>
        extras.signal.addEventListener('abort', () => reject(extras.signal.reason)),
      );
    };
    const p = drain(paginateSliced(walk, 0n, 100n, { signal: ctl.signal }));
    setTimeout(() => ctl.abort(), 5);
    await expect(p).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
    expect(() => paginateSliced(walk, 0n, 100n, { concurrency: 0 })).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'options.concurrency', value: 0 }),
    );
    expect(() => paginateSliced(walk, 5n, 5n)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
  });
});

describe('nextSliceEnd (sizing rule)', () => {
  const plan = { concurrency: 4, sliceItems: 100, initialSliceNs: 50n, minSliceNs: 2n };

  it('probe first, then sliceItems ÷ density; the tail is split into equal parts, one per free walk', () => {
    expect(nextSliceEnd(0n, 10_000n, undefined, 4, plan)).toBe(50n);
    expect(nextSliceEnd(50n, 10_000n, 0.5, 3, plan)).toBe(250n); // 100 items at 0.5/ns
    expect(nextSliceEnd(9_400n, 10_000n, 0.5, 3, plan)).toBe(9_600n); // 600 ns hold 300 ≤ 3 × 100: thirds
    expect(nextSliceEnd(9_800n, 10_000n, 0.5, 1, plan)).toBe(10_000n);
    expect(nextSliceEnd(0n, 10_000n, 0, 4, plan)).toBe(2_500n); // no items seen: equal parts
  });

  it('never below minSliceNs, a tail shorter than it joins the slice, concurrency 1 is one slice', () => {
    expect(nextSliceEnd(0n, 10_000n, 1000, 4, plan)).toBe(2n);
    expect(nextSliceEnd(0n, 103n, 1, 1, plan)).toBe(100n);
    expect(nextSliceEnd(0n, 101n, 1, 1, { ...plan, sliceItems: 100 })).toBe(101n);
    expect(nextSliceEnd(0n, 10_000n, undefined, 1, { ...plan, concurrency: 1 })).toBe(10_000n);
  });
});

describe('paginateSliced buffers only what helps', () => {
  /** One trade per ns, in pages of 10 after `delayMs` of waiting (a timer: the event loop idles). */
  function evenWalk(produced: { n: number }, delayMs: number): SliceWalk<Trade> {
    return async function* (slice) {
      for (let t = slice.startNs; t < slice.endNs; t += 10n) {
        if (delayMs > 0) await new Promise<void>((r) => setTimeout(r, delayMs));
        for (let k = 0n; k < 10n && t + k < slice.endNs; k++) {
          produced.n++;
          yield { tsNs: t + k, id: String(t + k), price: 1, amount: 1, side: 'buy' } as Trade;
        }
      }
    };
  }
  const options = {
    concurrency: 8,
    sliceItems: 100,
    maxBufferedItems: 800,
    initialSliceS: 100 * NS,
    minSliceS: NS,
  };

  it('a consumer bound by its CPU: the walks never hold more than two slices', async () => {
    const produced = { n: 0 };
    let consumed = 0;
    let maxAhead = 0;
    for await (const t of paginateSliced(evenWalk(produced, 0), 0n, 20_000n, options)) {
      consumed++;
      expect(t.tsNs).toBe(BigInt(consumed - 1));
      const until = performance.now() + 0.02; // 20 µs of work per item, the event loop never idle
      while (performance.now() < until) {}
      maxAhead = Math.max(maxAhead, produced.n - consumed);
    }
    expect(consumed).toBe(20_000);
    // Two slices (200) and an item in flight per walk; the 800 allowed to a network-bound walk never used.
    expect(maxAhead).toBeLessThanOrEqual(210);
  });

  it('a consumer slower than the walks but not busy (a database sink waiting): two slices after a warm-up', async () => {
    const produced = { n: 0 };
    let consumed = 0;
    let maxAheadLater = 0;
    for await (const _ of paginateSliced(evenWalk(produced, 0), 0n, 6_000n, options)) {
      consumed++;
      // The consumer waits on its own I/O now and then (the event loop idles); the data is always there.
      if (consumed % 20 === 0) await new Promise<void>((r) => setTimeout(r, 1));
      if (consumed > 1_500) maxAheadLater = Math.max(maxAheadLater, produced.n - consumed);
    }
    expect(consumed).toBe(6_000);
    // Two slices (200) and a page (10) in flight per walk, once two slices were read without waiting; the
    // 800 allowed to walks the consumer waits for are not used.
    expect(maxAheadLater).toBeLessThanOrEqual(280);
  });

  it('walks waiting for the network: the slices ahead use the whole buffer', async () => {
    const produced = { n: 0 };
    let consumed = 0;
    let maxAhead = 0;
    for await (const _ of paginateSliced(evenWalk(produced, 2), 0n, 8_000n, options)) {
      consumed++;
      maxAhead = Math.max(maxAhead, produced.n - consumed);
    }
    expect(consumed).toBe(8_000);
    expect(maxAhead).toBeGreaterThan(400); // several finished slices wait for the head
  });
});
