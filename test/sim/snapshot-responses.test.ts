import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { responseDigests } from '../helpers/sim-snapshot.js';

// Regression guard: digests of responses recorded from the simulator before its hot paths were
// optimised. The market must stay bit-for-bit identical for the same seed; a failing key names the
// request whose body changed.
const expected = JSON.parse(
  readFileSync(new URL('../fixtures/sim/snapshot-responses.json', import.meta.url), 'utf8'),
) as Record<string, string>;

describe('simulator responses (snapshot)', () => {
  it('serves exactly the recorded bodies, statuses and headers in every dialect', {
    timeout: 120_000,
  }, () => {
    const actual = responseDigests();
    expect(Object.keys(actual).length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });
});
