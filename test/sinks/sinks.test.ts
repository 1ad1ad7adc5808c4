import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { parseLineKey } from '../../src/sinks/format.js';
import { prepareResume } from '../../src/sinks/resume.js';
import { openFileWriter, RecordWriter } from '../../src/sinks/writer.js';

const T0 = 1_704_067_200_000_000_000n;
const trade = (i: number, tsNs = T0 + BigInt(i) * 1000n): Trade => ({
  id: String(1000 + i),
  tsNs,
  price: 42000.5 + i,
  amount: 0.001,
  side: i % 2 ? 'buy' : 'sell',
});
const bar = (i: number): OHLCBar => ({
  tsNs: T0 + BigInt(i) * 60_000_000_000n,
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 10,
});

async function tmp(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'tickwire-sinks-')), name);
}

describe('RecordWriter', () => {
  it('writes CSV with a header and ns + ISO times', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const w = new RecordWriter(out, { kind: 'trades', format: 'csv' });
    await w.write(trade(1, T0 + 123_456_789n));
    await w.end();
    expect(Buffer.concat(chunks).toString()).toBe(
      'tsNs,time,id,price,amount,side\n1704067200123456789,2024-01-01T00:00:00.123456789Z,1001,42001.5,0.001,buy\n',
    );
  });

  it('writes JSONL with tsNs as a digit string that round-trips exactly', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const w = new RecordWriter(out, { kind: 'ohlc', format: 'jsonl' });
    w.write({ ...bar(0), tsNs: T0 + 1n });
    await w.end();
    const obj = JSON.parse(text.trim()) as { tsNs: string; time: string; open: number };
    expect(BigInt(obj.tsNs)).toBe(T0 + 1n);
    expect(obj.time).toBe('2024-01-01T00:00:00.000000001Z');
    expect(parseLineKey('ohlc', 'jsonl', text.trim())).toEqual({ tsNs: T0 + 1n });
  });

  it('waits for drain instead of buffering without bound', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const w = new RecordWriter(out, { kind: 'trades', format: 'jsonl', chunkBytes: 512 });
    let waited = 0;
    for (let i = 0; i < 200; i++) {
      const p = w.write(trade(i));
      if (p) {
        waited++;
        out.resume(); // a consumer appears only once the writer has had to wait
        await p;
      }
    }
    await w.end();
    expect(waited).toBeGreaterThan(0);
    expect(out.writableLength).toBe(0);
  });

  it('rejects an unknown format naming it', () => {
    expect(() => new RecordWriter(new PassThrough(), { kind: 'ohlc', format: 'xml' as 'csv' })).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'format' }),
    );
  });
});

describe('prepareResume', () => {
  it('returns undefined for a missing or header-only file', async () => {
    const path = await tmp('a.csv');
    expect(await prepareResume(path, 'trades', 'csv')).toBeUndefined();
    await writeFile(path, 'tsNs,time,id,price,amount,side\n');
    expect(await prepareResume(path, 'trades', 'csv')).toBeUndefined();
  });

  it('finds the last time and every trade id sharing it, and cuts a torn line', async () => {
    const path = await tmp('t.csv');
    const w = await openFileWriter(path, { kind: 'trades', format: 'csv' });
    for (let i = 0; i < 50; i++) await w.write(trade(i));
    await w.write(trade(50, T0 + 99_000n));
    await w.write(trade(51, T0 + 99_000n));
    await w.end();
    await appendFile(path, '1704067200000099000,2024-01-01T00:00:00.000099Z,10'); // killed mid-line
    const point = await prepareResume(path, 'trades', 'csv');
    expect(point?.lastTsNs).toBe(T0 + 99_000n);
    expect([...(point?.idsAtLastTs ?? [])].sort()).toEqual(['1050', '1051']);
    expect(point?.truncatedBytes).toBeGreaterThan(0);
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('buy\n')).toBe(true);

    // Appending after resume adds no second header.
    const again = await openFileWriter(path, { kind: 'trades', format: 'csv', append: true });
    await again.write(trade(60));
    await again.end();
    expect((await readFile(path, 'utf8')).match(/tsNs,time/g)).toHaveLength(1);
  });

  it('reads far back when many trades share the last nanosecond', async () => {
    const path = await tmp('burst.jsonl');
    const w = await openFileWriter(path, { kind: 'trades', format: 'jsonl' });
    await w.write(trade(0, T0));
    for (let i = 1; i <= 3000; i++) await w.write(trade(i, T0 + 1n));
    await w.end();
    const point = await prepareResume(path, 'trades', 'jsonl');
    expect(point?.lastTsNs).toBe(T0 + 1n);
    expect(point?.idsAtLastTs.size).toBe(3000);
  });

  it('refuses a file of another kind', async () => {
    const path = await tmp('bars.csv');
    const w = await openFileWriter(path, { kind: 'ohlc', format: 'csv' });
    await w.write(bar(0));
    await w.end();
    await expect(prepareResume(path, 'trades', 'csv')).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      argument: 'out',
    });
    expect((await prepareResume(path, 'ohlc', 'csv'))?.lastTsNs).toBe(T0);
  });

  it('starts afresh when killed before the first newline', async () => {
    const path = await tmp('torn.csv');
    await writeFile(path, 'tsNs,ti');
    expect(await prepareResume(path, 'trades', 'csv')).toBeUndefined();
    expect(await readFile(path, 'utf8')).toBe('');
  });
});
