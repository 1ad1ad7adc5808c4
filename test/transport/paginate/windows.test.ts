import { describe, expect, it } from 'vitest';
import {
  confirmCap,
  initialCapState,
  judgePage,
  recordPage,
} from '../../../src/transport/paginate/short-page.js';
import {
  continuationStart,
  firstWindowStart,
  gridStart,
  pageCoversWindow,
  shrunkWindowNs,
  windowAt,
  windowsBetween,
} from '../../../src/transport/paginate/windows.js';

const S = 1_000_000_000n;
const H = 3600n * S;
const T0 = 1_704_067_200n * S; // 2024-01-01T00:00:00Z

describe('window arithmetic', () => {
  it('snaps the grid to alignS, not to the window: 10:30 with 1h bars starts at 10:00', () => {
    const start = T0 + 10n * H + 30n * 60n * S;
    expect(gridStart(start, 3600)).toBe(T0 + 10n * H);
    // Snapping to a 300-bar window instead would pull the start back by up to 300 h.
    expect(gridStart(start, 3600 * 300) < T0).toBe(true);
  });

  it('windows are half-open and the request end is the last nanosecond inside', () => {
    const w = windowAt(T0, 300n * H, T0, T0 + 1000n * H);
    expect(w.fromNs).toBe(T0);
    expect(w.windowEndNs).toBe(T0 + 300n * H);
    expect(w.lastNs).toBe(T0 + 300n * H - 1n);
  });

  it('clips the request to the requested range at both ends', () => {
    const w = windowAt(T0, 10n * H, T0 + 2n * H, T0 + 5n * H);
    expect(w.fromNs).toBe(T0 + 2n * H);
    expect(w.lastNs).toBe(T0 + 5n * H - 1n);
  });

  it('counts windows with ceiling division and 0 past the end', () => {
    expect(windowsBetween(0n, 8760n * H, 300n * H)).toBe(30);
    expect(windowsBetween(0n, 300n * H, 300n * H)).toBe(1);
    expect(windowsBetween(0n, 300n * H + 1n, 300n * H)).toBe(2);
    expect(windowsBetween(5n, 5n, 1n)).toBe(0);
  });

  it('shrinks a window in proportion to the observed cap, on the granule, never below one granule', () => {
    expect(shrunkWindowNs(1000n * 60n * S, 1000, 500, 60n * S)).toBe(500n * 60n * S);
    expect(shrunkWindowNs(1000n * 60n * S, 1000, 333, 60n * S)).toBe(333n * 60n * S);
    expect(shrunkWindowNs(1000n * 60n * S, 1000, 1, 3600n * S)).toBe(3600n * S);
  });

  it('a continuation starts one step after the newest item; a page covers when no item fits after it', () => {
    expect(continuationStart(100n, H)).toBe(100n + H);
    expect(continuationStart(100n, 0n)).toBe(100n);
    const last = T0 + 300n * H - 1n;
    expect(pageCoversWindow(T0 + 299n * H, H, last)).toBe(true);
    expect(pageCoversWindow(T0 + 298n * H, H, last)).toBe(false);
    // Items may share a nanosecond: even one at the last nanosecond may have siblings cut off by a cap.
    expect(pageCoversWindow(last, 0n, last)).toBe(false);
    expect(pageCoversWindow(last - 1n, 0n, last)).toBe(false);
  });

  it('the first window is the one holding the start, also when the alignment does not divide the window', () => {
    expect(firstWindowStart(997_026n, 2_694n, 1_000_000n)).toBe(997_026n + 2_694n);
    expect(firstWindowStart(990_000n, 2_000n, 1_000_000n)).toBe(1_000_000n);
    expect(firstWindowStart(999_000n, 2_000n, 1_000_000n)).toBe(999_000n);
    const start = firstWindowStart(0n, 7n, 1_000_000_000_003n); // bounded: no loop over the windows before
    expect(start <= 1_000_000_000_003n && start + 7n > 1_000_000_000_003n).toBe(true);
  });
});

describe('short-page rule', () => {
  it('an empty or covering page ends the window', () => {
    const s = initialCapState(1000);
    expect(judgePage(s, 0, false)).toBe('done');
    expect(judgePage(s, 1000, true)).toBe('done');
  });

  it('a full page that does not cover continues', () => {
    expect(judgePage(initialCapState(1000), 1000, false)).toBe('continue');
  });

  it('the first short uncovered page probes (it might be capped)', () => {
    expect(judgePage(initialCapState(1000), 500, false)).toBe('probe');
  });

  it('a page smaller than an earlier page is complete: the source showed it can return more', () => {
    const s = recordPage(initialCapState(1000), 800);
    expect(judgePage(s, 799, false)).toBe('done');
    expect(judgePage(s, 800, false)).toBe('probe');
  });

  it('once a cap is confirmed, pages of that size continue and smaller ones are complete', () => {
    const s = confirmCap(initialCapState(1000), 500);
    expect(s.confirmed).toBe(500);
    expect(judgePage(s, 500, false)).toBe('continue');
    expect(judgePage(s, 499, false)).toBe('done');
    expect(confirmCap(s, 600)).toBe(s);
    expect(confirmCap(s, 400).confirmed).toBe(400);
    expect(confirmCap(initialCapState(1000), 1000).confirmed).toBeUndefined();
  });
});
