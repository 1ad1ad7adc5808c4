/**
 * `tickwire book` against a Kraken server whose checksum never matches (a child process, a real scripted
 * WebSocket server and an external simulator for REST): subscribes are paced, repeated resync lines are
 * collapsed into one line with a count, and the exit code says the book never became valid (4), both
 * when `--duration` ends the run and when `--resync-retries` are used up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { runCliProcess } from '../helpers/cli-run.js';
import { krakenAlwaysBadChecksum } from '../helpers/kraken-bad-book.js';

describe('tickwire book: a book that never becomes valid', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ exchange: 'kraken', rateLimits: 'off' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('--duration 3: a handful of subscribes, two resync lines, exit 4', async () => {
    const { server, subscribes } = await krakenAlwaysBadChecksum();
    try {
      const r = await runCliProcess([
        'book',
        'kraken',
        'BTC/USD',
        '--base-url',
        sim.url,
        '--ws-url',
        server.url,
        '--duration',
        '3',
      ]);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      // Default backoff (ceilings 0.5, 1, 2, 4 s, full jitter): about 4 subscribes in 3 s, never thousands.
      expect(subscribes.length).toBeGreaterThanOrEqual(2);
      expect(subscribes.length).toBeLessThanOrEqual(12);
      const resyncLines = r.stderr.split('\n').filter((l) => l.includes('resync ('));
      expect(resyncLines).toHaveLength(2);
      expect(resyncLines[0]).toMatch(
        /^tickwire: kraken BTC\/USD: resync \(checksum-mismatch\): local CRC32 \d+ != exchange's \d+ after a snapshot$/,
      );
      const count = Number(
        / x(\d+) in a row over [\d.]+ s \(last: local CRC32/.exec(resyncLines[1] ?? '')?.[1],
      );
      expect([subscribes.length, subscribes.length - 1]).toContain(count);
      expect(r.stderr).toMatch(/the book never became valid/);
      expect(r.stderr).toMatch(/0 book lines \(\d+ resyncs\)/);
    } finally {
      await server.close();
    }
  });

  it('--resync-retries 2: ends with ERR_RESYNC_EXHAUSTED naming the symbol and the reason, exit 4', async () => {
    const { server, subscribes } = await krakenAlwaysBadChecksum();
    try {
      const r = await runCliProcess([
        'book',
        'kraken',
        'XBTUSD',
        '--base-url',
        sim.url,
        '--ws-url',
        server.url,
        '--resync-retries',
        '2',
        '--duration',
        '20',
      ]);
      expect(r.code).toBe(4);
      expect(subscribes).toHaveLength(3);
      expect(r.stderr).toMatch(
        /The kraken BTC\/USD order book never became valid: 3 sync attempts in a row failed \(last: checksum-mismatch: local CRC32/,
      );
      expect(r.stderr).toMatch(/resync \(checksum-mismatch\) x3 in a row/);
      expect(r.stderr).not.toMatch(/stopped: --duration/);
    } finally {
      await server.close();
    }
  });

  it('--resync-retries rejects a bad value with exit 2', async () => {
    const r = await runCliProcess(['book', 'kraken', 'XBTUSD', '--resync-retries', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resync-retries/);
  });
});
