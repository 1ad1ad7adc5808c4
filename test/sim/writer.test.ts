import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixed, fixedWidth } from '../../src/sim/dialects/format.js';
import { ByteWriter, putFixed, putFixedWidth, putUint } from '../../src/sim/dialects/writer.js';

const write = (f: (v: DataView, p: number) => number): string => {
  const w = new ByteWriter();
  w.reserve(128);
  w.pos = f(w.view, w.pos);
  return w.take().toString('latin1');
};

describe('ByteWriter put*', () => {
  it('writes integers exactly as String() does, including the slow cases', () => {
    for (const v of [
      0,
      9,
      10,
      99,
      100,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      1_514_764_800_000,
      2 ** 53 - 1,
    ]) {
      expect(write((b, p) => putUint(b, p, v))).toBe(String(v));
    }
    for (const v of [-1, 2 ** 53, 1e21, 0.5]) expect(write((b, p) => putUint(b, p, v))).toBe(String(v));
    fc.assert(
      fc.property(fc.maxSafeNat(), (v) => write((b, p) => putUint(b, p, v)) === String(v)),
      { numRuns: 2000 },
    );
  });

  it('writes fixed-point decimals exactly as format.ts does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: -1_000_000, max: -1 })),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 8 }),
        (int, decimals, extra) => {
          const width = decimals + extra;
          return (
            write((b, p) => putFixedWidth(b, p, int, decimals, width)) === fixedWidth(int, decimals, width) &&
            write((b, p) => putFixed(b, p, int, decimals)) === fixed(int, decimals)
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('grows while keeping what was written, and hands each page over without sharing it', () => {
    const w = new ByteWriter();
    for (let i = 0; i < 1000; i++) {
      w.reserve(16);
      w.pos = putUint(w.view, w.pos, i);
    }
    const a = w.take();
    w.reserve(4);
    w.pos = putUint(w.view, w.pos, 7777);
    const b = w.take();
    expect(a.toString('latin1')).toBe(Array.from({ length: 1000 }, (_, i) => String(i)).join(''));
    expect(b.toString('latin1')).toBe('7777');
  });
});
