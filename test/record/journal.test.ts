/**
 * Journals and segments on real files: records round-trip exactly, a torn last line is dropped, and a
 * journal commits into the archive as complete up to where its data ends.
 */
import { appendFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionDir } from '../../src/archive/layout.js';
import { readRecord } from '../../src/archive/manifest.js';
import type { BookRow } from '../../src/core/kinds.js';
import type { Trade } from '../../src/core/records.js';
import { Journal, JournalCodec, readJournal } from '../../src/record/journal.js';
import { recoverJournals } from '../../src/record/recover.js';
import { readParquetRecords } from '../../src/sinks/parquet-read.js';

const DAY = 1_767_225_600_000_000_000n;
const trade = (i: number): Trade => ({
  id: String(1000 + i),
  tsNs: DAY + BigInt(i) * 1_000_000_000n,
  price: 42_000.5 + i / 3,
  amount: 0.1 + i,
  side: i % 2 ? 'buy' : 'sell',
});

describe('record journal', () => {
  it('round-trips records of every column type exactly', () => {
    const t = new JournalCodec('trades');
    const b = new JournalCodec('book');
    const tr = { ...trade(1), id: 'a\tb\\c' };
    expect(t.decode(t.encode(tr).slice(0, -1))).toEqual(tr);
    const row: BookRow = {
      tsNs: DAY,
      recvNs: DAY + 5n,
      updateId: -1n,
      side: 'ask',
      price: 0.1 + 0.2,
      amount: 0,
      isSnapshot: true,
    };
    expect(b.decode(b.encode(row).slice(0, -1))).toEqual(row);
    expect(t.decode('1\t2')).toBeUndefined();
  });

  it('drops a torn last line; recovery commits up to the last whole trade, leaving out trades at its time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-journal-'));
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(join(dir, '.tickwire', 'record'), { recursive: true }),
    );
    const path = join(dir, '.tickwire', 'record', 'binance~trades~BTCUSDT~1.journal');
    const key = {
      exchange: 'binance',
      kind: 'trades' as const,
      symbol: 'BTCUSDT',
      date: '2026-01-01',
      startNs: DAY,
    };
    const j = Journal.create(path, key);
    const codec = new JournalCodec('trades');
    for (let i = 0; i < 10; i++) j.append(codec.encode(trade(i)));
    j.append(codec.encode({ ...trade(9), id: '1010' })); // a second trade at the last time
    j.gap({ range: { startNs: DAY + 2_000_000_000n, endNs: DAY + 3_000_000_000n }, reason: 'lost' });
    j.close();
    await appendFile(path, '1011\t1767225610000000000\t4'); // torn: no newline
    const seen: Trade[] = [];
    const c = await readJournal(path, codec, (r) => {
      seen.push(r as Trade);
    });
    expect(seen.length).toBe(11);
    expect(c?.gaps).toEqual([
      { range: { startNs: DAY + 2_000_000_000n, endNs: DAY + 3_000_000_000n }, reason: 'lost' },
    ]);
    expect(c?.badLines).toBe(0);

    const commits = await recoverJournals(dir);
    expect(commits.length).toBe(1);
    expect(commits[0]!.range).toEqual({ startNs: DAY, endNs: trade(9).tsNs });
    expect(await readdir(join(dir, '.tickwire', 'record'))).toEqual([]);
    const rec = await readRecord(dir, key);
    expect(rec?.files.length).toBe(1);
    expect(rec?.gaps.map((g) => g.reason)).toEqual(['lost']);
    const rows: Trade[] = [];
    for await (const t of readParquetRecords(join(partitionDir(dir, key), rec!.files[0]!.name), 'trades'))
      rows.push(t);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(trade));
  });

  it('sets aside a journal it cannot commit (records out of time order) instead of failing every start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-journal-'));
    await import('node:fs/promises').then((fs) =>
      fs.mkdir(join(dir, '.tickwire', 'record'), { recursive: true }),
    );
    const path = join(dir, '.tickwire', 'record', 'binance~trades~BTCUSDT~2.journal');
    const key = {
      exchange: 'binance',
      kind: 'trades' as const,
      symbol: 'BTCUSDT',
      date: '2026-01-01',
      startNs: DAY,
    };
    const j = Journal.create(path, key);
    const codec = new JournalCodec('trades');
    for (const i of [0, 5, 3, 8]) j.append(codec.encode(trade(i)));
    j.close();
    const failed: string[] = [];
    const commits = await recoverJournals(dir, undefined, (p) => failed.push(p));
    expect(commits).toEqual([]);
    expect(failed).toEqual([path]);
    expect(await readdir(join(dir, '.tickwire', 'record'))).toEqual([
      'binance~trades~BTCUSDT~2.journal.failed',
    ]);
    expect(await readRecord(dir, key)).toBeUndefined();
  });
});
