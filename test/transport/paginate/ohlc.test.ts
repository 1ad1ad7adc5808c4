import { describe, expect, it } from 'vitest';
import type { Capability } from '../../../src/core/records.js';
import { collect, type PaginateNotice, paginateOhlc } from '../../../src/transport/paginate/index.js';
import { bars, windowSource } from '../../helpers/paginate-sources.js';

const S = 1_000_000_000n;
const M = 60n * S;
const H = 3600n * S;
const T0 = 1_704_067_200n * S; // 2024-01-01T00:00:00Z
const coinbase: Capability = { maxPerRequest: 300, pageDirection: 'forward' };

describe('paginateOhlc', () => {
  it('Coinbase: a year of 1h candles through a 300-cap source that rejects wider ranges arrives complete in ceil(8760/300) requests', async () => {
    const truth = bars(T0, H, 8760);
    // Coinbase answers HTTP 400 when (end - start) / granularity exceeds 300, end inclusive; rows newest first.
    const src = windowSource(truth, {
      newestFirst: true,
      reject: (start, end) => (end - start) / H + 1n > 300n,
    });
    const got = await collect(paginateOhlc(src.fetch, coinbase, T0, T0 + 8760n * H, 3600));
    expect(got).toEqual(truth);
    expect(src.calls.length).toBe(Math.ceil(8760 / 300));
    for (const c of src.calls) expect((c.endNs - c.startNs) / H + 1n <= 300n).toBe(true);
  });

  it('a 10:30 start with 1h bars begins at 10:00, not a window earlier', async () => {
    const truth = bars(T0, H, 48);
    const src = windowSource(truth);
    const start = T0 + 10n * H + 30n * M;
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 1000, pageDirection: 'forward' }, start, T0 + 20n * H, 3600),
    );
    expect(src.calls[0]!.startNs).toBe(T0 + 10n * H);
    expect(got.map((b) => b.tsNs)).toEqual(truth.slice(10, 20).map((b) => b.tsNs));
  });

  it('windows are span × maxPerRequest, advance on the grid, and end at the last ns inside', async () => {
    const src = windowSource(bars(T0, M, 1000));
    await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 100, pageDirection: 'forward' }, T0, T0 + 250n * M, 60),
    );
    expect(src.calls.map((c) => [c.startNs - T0, c.endNs - T0])).toEqual([
      [0n, 100n * M - 1n],
      [100n * M, 200n * M - 1n],
      [200n * M, 250n * M - 1n],
    ]);
  });

  it('a bar two windows both return (inclusive end, sloppy adapter) is yielded once; bars outside the range are dropped', async () => {
    const truth = bars(T0 - 10n * H, H, 40);
    const src = windowSource(truth, { spillAfterNs: 2n * H, spillBeforeNs: 2n * H });
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 5, pageDirection: 'forward' }, T0, T0 + 17n * H, 3600),
    );
    expect(got.map((b) => (b.tsNs - T0) / H)).toEqual(Array.from({ length: 17 }, (_, i) => BigInt(i)));
  });

  it('a source with declared cap 1000 and real cap 500 arrives complete and the window shrinks', async () => {
    const truth = bars(T0, M, 5000);
    const src = windowSource(truth, { realCap: 500 });
    const notices: PaginateNotice[] = [];
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 1000, pageDirection: 'forward' }, T0, T0 + 5000n * M, 60, {
        onNotice: (n) => notices.push(n),
      }),
    );
    expect(got).toEqual(truth);
    expect(notices).toEqual([{ kind: 'cap-shrunk', declared: 1000, observed: 500, windowS: 500 * 60 }]);
    // First window: page + continuation; then 4000 min in 500-min windows, one request each.
    expect(src.calls.length).toBe(2 + 8);
  });

  it('after a cap shrink the extra request is not paid again (real cap 400 of 1000)', async () => {
    const truth = bars(T0, M, 10_000);
    const src = windowSource(truth, { realCap: 400 });
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 1000, pageDirection: 'forward' }, T0, T0 + 10_000n * M, 60),
    );
    expect(got).toEqual(truth);
    // Window 1 (1000 min): 400 + 400 + 200 → 3 requests; then 9000 min / 400 → 23 windows of one request.
    expect(src.calls.length).toBe(3 + 23);
  });

  it('sparse candles (missing buckets) cost at most one extra request per window and are all delivered', async () => {
    const missing = new Set<number>();
    for (let i = 0; i < 3000; i++) if (i % 7 === 3 || i % 300 > 280) missing.add(i);
    const truth = bars(T0, H, 3000, missing);
    const src = windowSource(truth);
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 300, pageDirection: 'forward' }, T0, T0 + 3000n * H, 3600),
    );
    expect(got).toEqual(truth);
    expect(src.calls.length).toBeGreaterThanOrEqual(10);
    expect(src.calls.length).toBeLessThanOrEqual(20);
  });

  it('an empty market (every page empty) costs exactly one request per window', async () => {
    const src = windowSource<ReturnType<typeof bars>[number]>([]);
    const got = await collect(
      paginateOhlc(src.fetch, { maxPerRequest: 100, pageDirection: 'forward' }, T0, T0 + 1000n * H, 3600),
    );
    expect(got).toEqual([]);
    expect(src.calls.length).toBe(10);
  });

  it('rejects a cap without maxPerRequest and a bad span, synchronously', () => {
    const f = async () => [];
    expect(() =>
      paginateOhlc(f, { pageDirection: 'forward' } as unknown as Capability, T0, T0 + H, 60),
    ).toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        code: 'ERR_VALIDATION',
        argument: 'cap.maxPerRequest',
      }),
    );
    expect(() => paginateOhlc(f, coinbase, T0, T0 + H, 0)).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'span', value: 0 }),
    );
    expect(() => paginateOhlc(f, coinbase, T0, T0 + H, Number.NaN)).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'span' }),
    );
  });
});
