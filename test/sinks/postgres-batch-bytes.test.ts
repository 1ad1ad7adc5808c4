/** BatchBytes: a batch's COPY text gathered as UTF-8 bytes, grown as needed, started afresh by take(). */
import { describe, expect, it } from 'vitest';
import { BatchBytes } from '../../src/sinks/postgres/batch-bytes.js';

describe('BatchBytes', () => {
  it('holds exactly the UTF-8 of what was appended, across spills and growth, and starts over on take()', () => {
    const batch = new BatchBytes(16);
    const rows: string[] = [];
    for (let i = 0; i < 5000; i++) {
      // ASCII, 2-, 3- and 4-byte characters (a surrogate pair), so spills cut between multi-byte rows.
      const row = `${i}\tBTC/€\té${'x'.repeat(i % 7)}\t😀\n`;
      rows.push(row);
      batch.append(row);
    }
    const first = batch.take();
    expect(first.toString('utf8')).toBe(rows.join(''));
    expect(first.length).toBe(Buffer.byteLength(rows.join('')));
    batch.append('next\n');
    const second = batch.take();
    expect(second.toString('utf8')).toBe('next\n');
    // The first batch's bytes are not reused by the next one.
    expect(first.toString('utf8')).toBe(rows.join(''));
    expect(batch.take().length).toBe(0);
  });

  it('in-place writes (reserve, end, advance) land after appended text, across growth', () => {
    const batch = new BatchBytes(8);
    let expected = '';
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) {
        const text = `t${i}é\n`;
        batch.append(text);
        expected += text;
      } else {
        const bytes = Buffer.from(`b${i};`, 'latin1');
        const buf = batch.reserve(bytes.length);
        const at = batch.end;
        bytes.copy(buf, at);
        batch.advance(at + bytes.length);
        expected += bytes.toString('latin1');
      }
    }
    expect(batch.take().toString('utf8')).toBe(expected);
    expect(batch.end).toBe(0);
  });

  it('recycle: a batch given back is the memory of the one after next, and what was taken stays intact', () => {
    const batch = new BatchBytes(1024);
    batch.append('first\n');
    const first = batch.take();
    batch.append('second\n');
    batch.recycle(first); // the database has the first batch: its memory may be written again
    const second = batch.take();
    expect(second.toString()).toBe('second\n');
    batch.append('third\n');
    const third = batch.take();
    expect(third.toString()).toBe('third\n');
    expect(third.buffer).toBe(first.buffer); // written into the first batch's memory
    expect(second.toString()).toBe('second\n'); // the batch still loading was not touched
    // Memory it did not allocate is never taken (Node's shared pool of small buffers, another's buffer).
    const small = Buffer.from('x');
    const large = Buffer.allocUnsafe(2 << 20);
    batch.recycle(small);
    batch.recycle(large);
    const seen = new Set<ArrayBufferLike>();
    for (let i = 0; i < 4; i++) {
      batch.append(`n${i}\n`);
      const t = batch.take();
      expect(t.toString()).toBe(`n${i}\n`);
      expect(t.buffer).not.toBe(small.buffer);
      expect(t.buffer).not.toBe(large.buffer);
      seen.add(t.buffer);
    }
    // A batch given back twice is handed out once.
    const a = batch.take();
    batch.recycle(a);
    batch.recycle(a);
    batch.take();
    const b = batch.take();
    const c = batch.take();
    expect(b.buffer === a.buffer && c.buffer === a.buffer).toBe(false);
    expect(seen.size).toBe(4);
  });
});
