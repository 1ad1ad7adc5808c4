import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { truthDigests } from '../helpers/sim-snapshot.js';

// Regression guard: digests of ground-truth outputs and raw minute aggregates recorded before the
// simulator's hot paths were optimised (see snapshot-responses.test.ts).
const expected = JSON.parse(
  readFileSync(new URL('../fixtures/sim/snapshot-truth.json', import.meta.url), 'utf8'),
) as Record<string, string>;

describe('simulator ground truth (snapshot)', () => {
  it('computes exactly the recorded trades, bars and minute aggregates', { timeout: 90_000 }, () => {
    const actual = truthDigests();
    expect(Object.keys(actual).length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });
});
