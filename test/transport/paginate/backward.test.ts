import { describe, expect, it } from 'vitest';
import { IncompleteRangeError } from '../../../src/core/errors.js';
import { collect, paginateBackward } from '../../../src/transport/paginate/index.js';
import { backwardCursorSource, drain, type Item } from '../../helpers/paginate-sources.js';

const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ tsNs: BigInt(i * 10), id: `i${i}` }));

describe('paginateBackward', () => {
  it('yields newest → oldest and stops after the first page older than startNs', async () => {
    const src = backwardCursorSource(items(100));
    const got = await collect(paginateBackward(src.fetch, 500n, 800n, 10));
    expect(got.map((i) => i.tsNs)).toEqual(Array.from({ length: 30 }, (_, k) => BigInt(790 - k * 10)));
    // Pages: [900..990], [800..890], [700..790], [600..690], [500..590], [400..490] (holds older → stop).
    expect(src.calls.length).toBe(6);
  });

  it('stops when the cursor is null', async () => {
    const src = backwardCursorSource(items(25));
    const got = await collect(paginateBackward(src.fetch, 0n, 1000n, 10));
    expect(got).toEqual(items(25).reverse());
    expect(src.calls.at(-1)?.cursor).toBe(5);
  });

  it('yields an item repeated at the edge of two pages once', async () => {
    const src = backwardCursorSource(items(50), { overlap: 2 });
    const got = await collect(paginateBackward(src.fetch, 0n, 1000n, 10, { key: (i) => i.id }));
    expect(got).toEqual(items(50).reverse());
  });

  it('a repeated cursor throws IncompleteRangeError naming the missing older part', async () => {
    const all = items(100);
    const fetch = async (cursor: number | null): Promise<[Item[], number]> => {
      const hi = cursor ?? 100;
      return [all.slice(hi - 10, hi).reverse(), Math.max(hi - 10, 70)];
    };
    const err = await drain(paginateBackward(fetch, 0n, 1000n, 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteRangeError);
    expect(err).toMatchObject({
      code: 'ERR_INCOMPLETE_RANGE',
      // Items down to 600 were seen (the 4th page, [600..690], came with the repeated cursor).
      covered: [{ startNs: 601n, endNs: 1000n }],
      missing: [{ startNs: 0n, endNs: 601n }],
    });
  });

  it('maxPages reached with the cursor live throws', async () => {
    const src = backwardCursorSource(items(100));
    await expect(drain(paginateBackward(src.fetch, 0n, 1000n, 10, { maxPages: 3 }))).rejects.toMatchObject({
      name: 'IncompleteRangeError',
      missing: [{ startNs: 0n, endNs: 701n }],
    });
    expect(src.calls.length).toBe(3);
  });

  it('break stops fetching', async () => {
    const src = backwardCursorSource(items(100));
    for await (const _ of paginateBackward(src.fetch, 0n, 1000n, 10)) break;
    expect(src.calls.length).toBe(1);
  });

  it('an abort while waiting rejects with AbortError', async () => {
    const ac = new AbortController();
    const it = paginateBackward(() => new Promise<[Item[], null]>(() => {}), 0n, 10n, 10, {
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 10);
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_ABORTED' });
  });

  it('validates synchronously', () => {
    const f = async (): Promise<[Item[], null]> => [[], null];
    expect(() => paginateBackward(f, 0n, 10n, 0)).toThrow(
      expect.objectContaining({ argument: 'maxPerRequest' }),
    );
    expect(() => paginateBackward(f, 10n, 10n, 5)).toThrow(expect.objectContaining({ argument: 'startNs' }));
    expect(() => paginateBackward(f, 0n, 10n, 5, { maxPages: -1 })).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument: 'options.maxPages' }),
    );
  });
});
