import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressReporter, progressMode } from '../../src/cli/progress.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 200 });
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

describe('ProgressReporter', () => {
  it('picks quiet, then a bar on a TTY, then plain lines', () => {
    expect(progressMode({ isTTY: true }, true)).toBe('quiet');
    expect(progressMode({ isTTY: true }, false)).toBe('bar');
    expect(progressMode({ isTTY: false }, false)).toBe('lines');
    expect(progressMode({}, false)).toBe('lines');
  });

  it('plain lines: throttled, no control characters, with rate, retries, waits and ETA', () => {
    let now = 0;
    const out = capture(false);
    const p = new ProgressReporter('binance BTC/USDT trades', 'lines', {
      stream: out.stream,
      intervalMs: 1000,
      now: () => now,
    });
    p.update({ done: 1, total: 4, rows: 10 });
    expect(out.text()).toBe('');
    now = 2000;
    p.countRetry(true);
    p.countRetry(false);
    now = 4000;
    p.update({ done: 2, rows: 2000, requests: 3 });
    expect(out.text()).not.toContain('\x1b');
    expect(out.text()).toContain(
      'binance BTC/USDT trades: 50%, 2000 rows, 500 rows/s, 3 requests, 2 retries, 1 rate-limit waits, ETA 4s\n',
    );
    p.log('a message');
    expect(out.text()).toContain('a message\n');
  });

  it('quiet prints only important messages', () => {
    const out = capture(true);
    const p = new ProgressReporter('x', 'quiet', { stream: out.stream });
    p.update({ done: 5, total: 10, rows: 1 });
    p.log('hidden');
    p.log('shown', true);
    p.stop();
    expect(out.text()).toBe('shown\n');
  });

  it('a bar on a TTY shows the live retry and rate-limit counts', async () => {
    const out = capture(true);
    const p = new ProgressReporter('kraken trades', 'bar', { stream: out.stream });
    p.update({ done: 3, total: 10, rows: 1234, requests: 4 });
    p.countRetry(true);
    await new Promise((r) => setTimeout(r, 150));
    p.stop();
    expect(out.text()).toContain('\x1b');
    expect(out.text()).toMatch(
      /kraken trades \[.*\] \d+% \| 1234 rows .*\| 4 requests \| 1 retries \| 1 rate-limit waits/,
    );
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
  });
});
