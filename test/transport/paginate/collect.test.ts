import { describe, expect, it } from 'vitest';
import { collect, paginateForward } from '../../../src/transport/paginate/index.js';
import { type Item, windowSource } from '../../helpers/paginate-sources.js';

const S = 1_000_000_000n;
const perSecond = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ tsNs: BigInt(i) * S, id: `${i}` }));

describe('collect', () => {
  it('drains a paginator into an array', async () => {
    const src = windowSource(perSecond(50));
    expect(await collect(paginateForward(src.fetch, 0n, 50n * S, 10, 100, { stepS: 1 }))).toEqual(
      perSecond(50),
    );
  });

  it('with a limit, stops early and closes the paginator (no further page)', async () => {
    const src = windowSource(perSecond(100));
    const got = await collect(paginateForward(src.fetch, 0n, 100n * S, 10, 100, { stepS: 1 }), { limit: 12 });
    expect(got).toEqual(perSecond(12));
    expect(src.calls.length).toBe(2);
  });

  it('rejects a bad limit', async () => {
    await expect(collect([] as unknown as AsyncIterable<number>, { limit: 0 })).rejects.toMatchObject({
      name: 'ValidationError',
      argument: 'options.limit',
    });
  });
});
