/** Resync lines on stderr: a run of identical resyncs prints its first line and one line with the count. */
import { describe, expect, it } from 'vitest';
import { ResyncLines } from '../../src/cli/resync-lines.js';

describe('ResyncLines', () => {
  it('collapses a run of identical resyncs into the first line plus one count line', () => {
    const out: string[] = [];
    let t = 0;
    const r = new ResyncLines(
      (l) => out.push(l),
      () => t,
    );
    for (let i = 0; i < 500; i++) {
      r.resync('kraken', { symbol: 'BTC/USD', reason: 'checksum-mismatch', detail: `local CRC32 ${i} != 7` });
      t += 10;
    }
    r.flush();
    r.flush();
    expect(out).toEqual([
      'tickwire: kraken BTC/USD: resync (checksum-mismatch): local CRC32 0 != 7',
      'tickwire: kraken BTC/USD: resync (checksum-mismatch) x500 in a row over 5.0 s (last: local CRC32 499 != 7)',
    ]);
    expect(r.total).toBe(500);
  });

  it('a valid book or another reason ends the run; a single resync gets no count line', () => {
    const out: string[] = [];
    const r = new ResyncLines(
      (l) => out.push(l),
      () => 0,
    );
    r.resync('binance', { symbol: 'BTC/USDT', reason: 'sequence-gap', detail: 'a' });
    r.valid();
    r.resync('binance', { symbol: 'BTC/USDT', reason: 'sequence-gap', detail: 'b' });
    r.resync('binance', { symbol: 'BTC/USDT', reason: 'sequence-gap', detail: 'c' });
    r.resync('binance', { symbol: 'BTC/USDT', reason: 'stale-snapshot', detail: 'd' });
    r.flush();
    expect(out).toEqual([
      'tickwire: binance BTC/USDT: resync (sequence-gap): a',
      'tickwire: binance BTC/USDT: resync (sequence-gap): b',
      'tickwire: binance BTC/USDT: resync (sequence-gap) x2 in a row over 0.0 s (last: c)',
      'tickwire: binance BTC/USDT: resync (stale-snapshot): d',
    ]);
    expect(r.total).toBe(4);
  });
});
