/**
 * The progress line fits the terminal (60, 80, 140 columns and narrower), dropping and shortening fields
 * in the fixed order, never cutting a word; the ETA comes from a smoothed rate, so concurrent slices that
 * finish together do not make it swing (the naive `elapsed × left / done` swings over 4× in the same run).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EtaSmoother } from '../../src/cli/eta.js';
import { formatDuration, ProgressReporter } from '../../src/cli/progress.js';
import { type ProgressFields, renderProgressLine } from '../../src/cli/progress-line.js';

const F: ProgressFields = {
  label: 'binance BTC/USDT trades',
  fraction: 0.25,
  rows: 1_234_567,
  rate: 4321.4,
  requests: 1234,
  retries: 0,
  rateLimitWaits: 0,
  etaSeconds: 185,
};
const BUSY: ProgressFields = { ...F, retries: 3, rateLimitWaits: 2 };

const len = (s: string) => [...s].length;
const bar = (full: number, cells: number) => `[${'█'.repeat(full)}${'░'.repeat(cells - full)}]`;

describe('renderProgressLine', () => {
  it('140 columns: every field in full, the bar in the room left', () => {
    const line = renderProgressLine(F, 140);
    expect(line).toBe(
      `binance BTC/USDT trades ${bar(5, 20)} 25% | 1234567 rows | 4321 rows/s | ETA 3m05s | 1234 requests | 0 retries | 0 rate-limit waits`,
    );
    expect(len(line)).toBeLessThanOrEqual(140);
    expect(renderProgressLine(BUSY, 140)).toMatch(/\| 3 retries \| 2 rate-limit waits$/);
  });

  it('80 columns: short forms, zero counters and requests left out; with retries the bar goes first', () => {
    expect(renderProgressLine(F, 80)).toBe(
      `binance BTC/USDT trades ${bar(4, 17)} 25% | 1.2M rows | 4321/s | ETA 3m05s`,
    );
    expect(renderProgressLine(BUSY, 80)).toBe(
      'binance BTC/USDT trades 25% | 1.2M rows | ETA 3m05s | 3 retries | 2 waits',
    );
    expect(len(renderProgressLine(F, 80))).toBeLessThanOrEqual(80);
  });

  it('60 columns: no bar; the rate, then retries and waits give way; percentage and ETA stay', () => {
    expect(renderProgressLine(F, 60)).toBe('binance BTC/USDT trades 25% | 1.2M rows | 4321/s | ETA 3m05s');
    expect(renderProgressLine(BUSY, 60)).toBe('binance BTC/USDT trades 25% | 1.2M rows | ETA 3m05s');
    expect(renderProgressLine(BUSY, 70)).toBe(
      'binance BTC/USDT trades 25% | 1.2M rows | ETA 3m05s | 2 waits',
    );
  });

  it('narrower: the label is shortened with an ellipsis, then left out', () => {
    expect(renderProgressLine(F, 40)).toBe('binance BTC/USDT trades 25% | ETA 3m05s');
    expect(renderProgressLine(F, 30)).toBe('binance BTC/U… 25% | ETA 3m05s');
    expect(renderProgressLine(F, 20)).toBe('bin… 25% | ETA 3m05s');
    expect(renderProgressLine(F, 16)).toBe('25% | ETA 3m05s');
    expect(len(renderProgressLine(F, 5))).toBe(5);
  });

  it('never exceeds the width and never cuts a field mid-word, from 200 down to 16 columns', () => {
    for (const f of [F, BUSY, { ...F, label: 'kraken XBT/USD 1m candles', rows: 42, rate: 7 }]) {
      for (let w = 200; w >= 16; w--) {
        const line = renderProgressLine(f, w);
        expect(len(line), `width ${w}`).toBeLessThanOrEqual(w);
        // Every " | "-separated part after the head is one whole field.
        for (const part of line.split(' | ').slice(1)) {
          expect(part, `width ${w}: ${line}`).toMatch(
            /^(\d+(\.\d)?[kM]? rows|\d+(\.\d)?[kM]?\/s|\d+ rows\/s|ETA \d+m\d\ds|\d+(\.\d)?[kM]? req|\d+ requests|\d+ retries|\d+ waits|\d+ rate-limit waits)$/,
          );
        }
        expect(line, `width ${w}`).toMatch(/25% \| (.+ \| )?ETA 3m05s/);
      }
    }
  });

  it('an unknown total shows no bar, percentage or ETA', () => {
    const line = renderProgressLine({ ...F, fraction: undefined, etaSeconds: undefined }, 140);
    expect(line).toBe(
      'binance BTC/USDT trades | 1234567 rows | 4321 rows/s | 1234 requests | 0 retries | 0 rate-limit waits',
    );
  });

  it('the bar mode draws at the stream width', async () => {
    for (const columns of [60, 80, 140]) {
      const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
      let text = '';
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      const p = new ProgressReporter(F.label, 'bar', { stream });
      p.update({ done: 250, total: 1000, rows: 1234, requests: 4 });
      await new Promise((r) => setTimeout(r, 120));
      p.stop();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the terminal codes is the point
      const lines = text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '\n').split('\n');
      const drawn = lines.filter((l) => l.includes('25%'));
      expect(drawn.length, `columns ${columns}`).toBeGreaterThan(0);
      for (const l of drawn) expect(len(l)).toBeLessThan(columns);
    }
  });
});

/**
 * A trades download cut into 24 slices fetched 6 at a time, one page per second per slice, the second
 * slice much slower than the rest: what has been fetched grows evenly (in per-page steps), while what
 * can be written in order (`done`) stands at one slice behind the slow one and then jumps by a dozen.
 * Samples every 250 ms of `{ done, fetched }` in per-mille.
 */
function slicedRun(): { t: number; done: number; fetched: number }[] {
  const n = 24;
  const pages = Array.from({ length: n }, (_, i) => (i === 1 ? 40 : 10 + (i % 3) * 2));
  const workers: { slice: number; startedS: number }[] = [];
  const finishedAt: number[] = Array(n).fill(Number.POSITIVE_INFINITY);
  let next = 0;
  const samples: { t: number; done: number; fetched: number }[] = [];
  for (let tick = 0; ; tick++) {
    const t = tick / 4; // seconds
    for (const w of workers.splice(0)) {
      if (t - w.startedS >= (pages[w.slice] as number)) finishedAt[w.slice] = t;
      else workers.push(w);
    }
    while (workers.length < 6 && next < n) workers.push({ slice: next++, startedS: t });
    let fetched = 0;
    for (let k = 0; k < n; k++) {
      if (finishedAt[k] !== Number.POSITIVE_INFINITY) fetched += 1 / n;
      else {
        const w = workers.find((x) => x.slice === k);
        if (w) fetched += Math.floor(t - w.startedS) / (pages[k] as number) / n;
      }
    }
    let prefix = 0;
    while (prefix < n && finishedAt[prefix] !== Number.POSITIVE_INFINITY) prefix++;
    samples.push({ t: t * 1000, done: Math.round((prefix / n) * 1000), fetched: Math.round(fetched * 1000) });
    if (prefix === n) return samples;
  }
}

/** Largest ratio between two predicted finish times (now + ETA) less than a minute apart, from 10 s on. */
function swing(xs: { t: number; etaS: number }[]): number {
  let worst = 1;
  const from = xs.filter((x) => x.t >= 10_000);
  for (let i = 0; i < from.length; i++) {
    for (let j = i + 1; j < from.length && from[j]!.t - from[i]!.t < 60_000; j++) {
      const fa = from[i]!.t / 1000 + from[i]!.etaS;
      const fb = from[j]!.t / 1000 + from[j]!.etaS;
      worst = Math.max(worst, fa / fb, fb / fa);
    }
  }
  return worst;
}

describe('ETA', () => {
  it('concurrent slices: the naive ETA swings over 4x within a minute, the smoothed one stays steady', () => {
    const run = slicedRun();
    let now = 0;
    const p = new ProgressReporter('binance BTC/USDT trades', 'quiet', { now: () => now });
    const smooth: { t: number; etaS: number }[] = [];
    const naive: { t: number; etaS: number }[] = [];
    for (const s of run) {
      now = s.t;
      p.update({ done: s.done, total: 1000, etaDone: s.fetched });
      const f = p.fields();
      if (s.done > 0 && s.done < 1000 && f.etaSeconds !== undefined) {
        smooth.push({ t: s.t, etaS: f.etaSeconds });
        naive.push({ t: s.t, etaS: ((s.t / 1000) * (1000 - s.done)) / s.done });
        // The line shows the same ETA.
        expect(p.line()).toContain(`, ETA ${formatDuration(f.etaSeconds)}`);
      }
    }
    const total = run.at(-1)!.t / 1000;
    expect(total).toBeGreaterThan(50);
    expect(swing(naive)).toBeGreaterThan(4);
    expect(swing(smooth)).toBeLessThan(1.5);
    // And it is about right: from a quarter of the way on, the predicted finish is within 35 % of the real one.
    for (const x of smooth.filter((x) => x.t >= (total * 1000) / 4)) {
      expect(Math.abs(x.t / 1000 + x.etaS - total) / total).toBeLessThan(0.35);
    }
  });

  it('the smoother alone evens out per-page bursts of the fetched range', () => {
    const eta = new EtaSmoother();
    const xs: { t: number; etaS: number }[] = [];
    // 1 ‰ per second on average, delivered as 4 ‰ every 4 s.
    for (let t = 0; t <= 600_000; t += 250) {
      const fraction = (Math.floor(t / 4000) * 4) / 1000;
      eta.sample(t, fraction, 0);
      const e = eta.etaSeconds(t);
      if (e !== undefined && fraction > 0 && fraction < 1) xs.push({ t, etaS: e });
    }
    expect(swing(xs)).toBeLessThan(1.2);
  });

  it('follows a real change of speed within a few time constants', () => {
    const eta = new EtaSmoother({ tauMs: 10_000 });
    // 0.5 %/s for 60 s (30 % done), then 2 %/s.
    let t = 0;
    let f = 0;
    for (; t < 60_000; t += 500) {
      f = (t / 1000) * 0.005;
      eta.sample(t, f, 0);
    }
    const slow = eta.etaSeconds(t) ?? 0;
    expect(slow).toBeGreaterThan(120);
    for (; t < 80_000; t += 500) {
      f = 0.3 + ((t - 60_000) / 1000) * 0.02;
      eta.sample(t, f, 0);
    }
    const fast = eta.etaSeconds(t) ?? 0;
    // Slow: 70 % left at 0.5 %/s. Fast: about 31 % left at a rate that has moved well towards 2 %/s.
    expect(f).toBeGreaterThan(0.68);
    expect(fast).toBeLessThan(slow / 2);
  });

  it('no ETA before the warm-up, once done, or before anything is covered; ignores samples from the past', () => {
    const eta = new EtaSmoother({ warmupMs: 1000 });
    eta.sample(0, 0, 0);
    eta.sample(500, 0.1, 0);
    expect(eta.etaSeconds(500)).toBeUndefined();
    eta.sample(2000, 0.2, 0);
    expect(eta.etaSeconds(2000)).toBeCloseTo(8, 5);
    // Time since the last sample counts down.
    expect(eta.etaSeconds(3000)).toBeCloseTo(7, 5);
    eta.sample(1000, 0.9, 0);
    expect(eta.etaSeconds(2000)).toBeCloseTo(8, 5);
    eta.sample(4000, 1, 0);
    expect(eta.etaSeconds(4000)).toBeUndefined();
    const idle = new EtaSmoother();
    idle.sample(5000, 0, 0);
    expect(idle.etaSeconds(5000)).toBeUndefined();
  });
});
