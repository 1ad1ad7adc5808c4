import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';

describe('docs/ERRORS.md', () => {
  it('has one heading per error code', () => {
    const doc = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');
    const headings = [...doc.matchAll(/^## (ERR_[A-Z_]+)/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual([...ERROR_CODES].sort());
  });
});
