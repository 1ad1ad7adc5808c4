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
});
