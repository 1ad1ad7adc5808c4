/**
 * Property tests: random synthetic sources (timestamps shared by many items, long empty stretches, dense
 * bursts, inclusive or sloppy window ends, real caps below the declared one, random page sizes and
 * concurrency). Whatever the source, the output equals the ground truth: same items, same order, none lost,
 * none twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OHLCBar, Trade } from '../../../src/core/records.js';
import { alignDown } from '../../../src/core/time.js';
import {
  collect,
  paginateBackward,
  paginateForward,
  paginateOhlc,
  paginateTrades,
} from '../../../src/transport/paginate/index.js';
import {
  backwardCursorSource,
  type Item,
  tradeCursorSource,
  tradesAt,
  windowSource,
} from '../../helpers/paginate-sources.js';

const S = 1_000_000_000n;
const RUNS = Number(process.env.PAGINATE_PROPERTY_RUNS ?? 150);

/** Gaps between consecutive timestamps: many zeros (shared ns), small steps, bursts and long silences. */
const gap = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 50n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 51n, max: 2_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 2_001n, max: 200_000n }) },
);

function timesFrom(gaps: readonly bigint[], base: bigint): bigint[] {
  let t = base;
  return gaps.map((g) => {
    t += g;
    return t;
  });
}

/** Limits the number of items sharing one nanosecond to `max` (a page must be able to pass any instant). */
function capMultiplicity(times: bigint[], max: number): bigint[] {
  const out: bigint[] = [];
  let run = 0;
  for (const t of times) {
    run = out.length > 0 && out[out.length - 1] === t ? run + 1 : 1;
    if (run <= max) out.push(t);
  }
  return out;
}

const byTsThenId = (ids: Map<string, number>) => (a: Item, b: Item) =>
  a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : ids.get(a.id)! - ids.get(b.id)!;

describe('paginator properties', () => {
  it('forward (items with ids, shared timestamps, capped or sloppy sources, any concurrency) = ground truth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(gap, { minLength: 0, maxLength: 400 }),
        fc.record({
          declared: fc.integer({ min: 2, max: 60 }),
          capRatio: fc.double({ min: 0.05, max: 1, noNaN: true }),
          windowsPerRange: fc.bigInt({ min: 1n, max: 150n }),
          alignNs: fc.bigInt({ min: 1n, max: 5_000n }),
          startOff: fc.bigInt({ min: -1_000n, max: 50_000n }),
          span: fc.bigInt({ min: 1n, max: 400_000n }),
          concurrency: fc.integer({ min: 1, max: 5 }),
          spillAfter: fc.bigInt({ min: 0n, max: 3_000n }),
          sloppyStart: fc.boolean(),
          useKey: fc.boolean(),
          newestFirst: fc.boolean(),
        }),
        async (gaps, p) => {
          const realCap = Math.max(2, Math.round(p.declared * p.capRatio));
          // Without a key, items must be unique per nanosecond (the default key is the time).
          const times = capMultiplicity(timesFrom(gaps, 1_000_000n), p.useKey ? realCap - 1 : 1);
          const items: Item[] = times.map((tsNs, i) => ({ tsNs, id: `i${i}` }));
          const idIndex = new Map(items.map((it, i) => [it.id, i]));
          const src = windowSource(items, {
            realCap,
            spillAfterNs: p.spillAfter,
            // Rows before the asked start cannot be told from a cap when items share a nanosecond (documented).
            spillBeforeNs: p.sloppyStart && !p.useKey ? 500n : 0n,
            newestFirst: p.newestFirst,
          });
          const startNs = 1_000_000n + p.startOff;
          const endNs = startNs + p.span;
          const windowNs = p.span / p.windowsPerRange + 1n; // at most ~150 windows: keeps runs fast
          const got = await collect(
            paginateForward(src.fetch, startNs, endNs, Number(windowNs) / 1e9, p.declared, {
              alignS: Number(p.alignNs) / 1e9,
              concurrency: p.concurrency,
              ...(p.useKey ? { key: (i: Item) => i.id } : {}),
            }),
          );
          const expected = items.filter((i) => i.tsNs >= startNs && i.tsNs < endNs);
          for (let k = 1; k < got.length; k++) expect(got[k]!.tsNs >= got[k - 1]!.tsNs).toBe(true);
          expect([...got].sort(byTsThenId(idIndex))).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('OHLC (missing buckets, long gaps, inclusive ends, real cap below declared, concurrency) = ground truth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          spanS: fc.constantFrom(60, 300, 3600),
          count: fc.integer({ min: 0, max: 1500 }),
          present: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
          silence: fc.tuple(fc.nat(1500), fc.nat(600)),
          declared: fc.integer({ min: 1, max: 300 }),
          capRatio: fc.double({ min: 0.01, max: 1, noNaN: true }),
          inclusiveEnd: fc.boolean(),
          newestFirst: fc.boolean(),
          concurrency: fc.integer({ min: 1, max: 4 }),
          startBar: fc.integer({ min: -20, max: 1500 }),
          startFrac: fc.double({ min: 0, max: 0.99, noNaN: true }),
          lenBars: fc.integer({ min: 1, max: 1600 }),
          seed: fc.integer(),
        }),
        async (p) => {
          const span = BigInt(p.spanS) * S;
          const base = 1_704_067_200n * S;
          const rand = mulberry32(p.seed);
          const truth: OHLCBar[] = [];
          for (let i = 0; i < p.count; i++) {
            if (i >= p.silence[0] && i < p.silence[0] + p.silence[1]) continue;
            if (rand() >= p.present) continue;
            truth.push({ tsNs: base + BigInt(i) * span, open: i, high: i, low: i, close: i, volume: 1 });
          }
          const realCap = Math.max(1, Math.round(p.declared * p.capRatio));
          const src = windowSource(truth, {
            realCap,
            spillAfterNs: p.inclusiveEnd ? 1n : 0n, // asked end + 1 ns: the next window's first bar
            newestFirst: p.newestFirst,
          });
          const startNs =
            base +
            BigInt(p.startBar) * span +
            BigInt(Math.floor(p.startFrac * Number(span / 1_000_000n))) * 1_000_000n;
          const endNs = startNs + BigInt(p.lenBars) * span;
          const got = await collect(
            paginateOhlc(
              src.fetch,
              { maxPerRequest: p.declared, pageDirection: 'forward' },
              startNs,
              endNs,
              p.spanS,
              {
                concurrency: p.concurrency,
              },
            ),
          );
          const from = alignDown(startNs, p.spanS);
          expect(got).toEqual(truth.filter((b) => b.tsNs >= from && b.tsNs < endNs));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('trades (shared nanoseconds, overlapping pages, random page sizes, unfiltered sources) = ground truth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(gap, { minLength: 0, maxLength: 500 }),
        fc.record({
          limit: fc.integer({ min: 1, max: 50 }),
          overlap: fc.nat(5),
          leadIn: fc.nat(20),
          ignoreEnd: fc.boolean(),
          startOff: fc.bigInt({ min: -100n, max: 20_000n }),
          span: fc.bigInt({ min: 0n, max: 300_000n }),
          seed: fc.integer(),
        }),
        async (gaps, p) => {
          const truth = tradesAt(timesFrom(gaps, 10_000n));
          const rand = mulberry32(p.seed);
          const src = tradeCursorSource(truth, {
            pageSize: () => 1 + Math.floor(rand() * p.limit),
            overlap: Math.min(p.overlap, p.limit - 1),
            leadIn: p.leadIn,
            ignoreEnd: p.ignoreEnd,
          });
          const startNs = 10_000n + p.startOff;
          const endNs = startNs + p.span;
          const got = await collect(
            paginateTrades(src.fetch, { maxPerRequest: p.limit, pageDirection: 'forward' }, startNs, endNs),
          );
          expect(got).toEqual(truth.filter((t: Trade) => t.tsNs >= startNs && t.tsNs <= endNs));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('backward (shared nanoseconds, overlapping pages, random page sizes) = ground truth, newest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(gap, { minLength: 0, maxLength: 500 }),
        fc.record({
          limit: fc.integer({ min: 1, max: 50 }),
          overlap: fc.nat(5),
          startOff: fc.bigInt({ min: -100n, max: 20_000n }),
          span: fc.bigInt({ min: 1n, max: 300_000n }),
          seed: fc.integer(),
        }),
        async (gaps, p) => {
          const items: Item[] = timesFrom(gaps, 10_000n).map((tsNs, i) => ({ tsNs, id: `i${i}` }));
          const rand = mulberry32(p.seed);
          const src = backwardCursorSource(items, {
            pageSize: () => 1 + Math.floor(rand() * p.limit),
            overlap: Math.min(p.overlap, p.limit - 1),
          });
          const startNs = 10_000n + p.startOff;
          const endNs = startNs + p.span;
          const got = await collect(
            paginateBackward(src.fetch, startNs, endNs, p.limit, { key: (i) => i.id }),
          );
          const expected = items.filter((i) => i.tsNs >= startNs && i.tsNs < endNs).reverse();
          // Within one nanosecond the order is the source's (here: reversed array order, as pages are).
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Small seeded PRNG so a failing case replays from fast-check's seed alone. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('paginateBackward default key', () => {
  it('keeps every record with an id when many share a timestamp (no key given)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Mostly zero gaps: runs of many items on one nanosecond.
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.constant(0n) },
            { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 20n }) },
          ),
          { minLength: 1, maxLength: 400 },
        ),
        fc.record({ limit: fc.integer({ min: 2, max: 40 }), overlap: fc.nat(3), seed: fc.integer() }),
        async (gaps, p) => {
          const items: Item[] = timesFrom(gaps, 1_000n).map((tsNs, i) => ({ tsNs, id: `t${i}` }));
          const rand = mulberry32(p.seed);
          const src = backwardCursorSource(items, {
            pageSize: () => 1 + Math.floor(rand() * p.limit),
            overlap: Math.min(p.overlap, p.limit - 1),
          });
          const endNs = (items.at(-1)?.tsNs ?? 1_000n) + 1n;
          const got = await collect(paginateBackward(src.fetch, 0n, endNs, p.limit));
          expect(got).toEqual([...items].reverse());
        },
      ),
      { numRuns: RUNS },
    );
  });
});
