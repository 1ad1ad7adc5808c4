import { cp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { partitionDir } from '../../src/archive/layout.js';
import { manifestPath } from '../../src/archive/manifest.js';
import { syncArchive } from '../../src/archive/sync.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { sim } from '../helpers/archive.js';
import { tempDir } from '../helpers/cli-run.js';

const DAY30 = {
  exchange: 'binance',
  kind: 'ohlc' as const,
  spanS: 60,
  symbol: 'BTCUSDT',
  date: '2025-12-30',
};
const DAY31 = { ...DAY30, date: '2025-12-31' };
let pristine: string;

async function fileOf(dir: string, key: typeof DAY30): Promise<string> {
  const folder = partitionDir(dir, key);
  const [name] = (await readdir(folder)).filter((n) => n.endsWith('.parquet'));
  return join(folder, name!);
}

/** A fresh copy of the synced archive to damage. */
async function copy(): Promise<string> {
  const dir = await tempDir();
  await cp(pristine, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const s = await sim('binance');
  pristine = await tempDir();
  try {
    const r = await syncArchive({
      dir: pristine,
      exchange: 'binance',
      kind: 'ohlc',
      span: '1m',
      symbols: ['BTCUSDT'],
      start: '2025-12-30',
      end: '2026-01-01',
      baseUrl: s.url,
      rowGroupRows: 500,
    });
    expect(r.complete).toBe(true);
  } finally {
    await s.close();
  }
});

describe('archive.verify catches each corruption, naming the file', () => {
  it('passes the archive as written', async () => {
    const r = await verifyArchive({ dir: pristine });
    expect(r).toMatchObject({ ok: true, partitions: 2, files: 2, rows: 2880, problems: [] });
  });

  it('a truncated file', async () => {
    const dir = await copy();
    const f = await fileOf(dir, DAY30);
    await truncate(f, (await stat(f)).size - 100);
    const r = await verifyArchive({ dir });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.path, p.check])).toEqual(
      expect.arrayContaining([
        [f, 'size'],
        [f, 'checksum'],
        [f, 'unreadable'],
      ]),
    );
  });

  it('one flipped byte', async () => {
    const dir = await copy();
    const f = await fileOf(dir, DAY31);
    const h = await open(f, 'r+');
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, 5000);
    b[0] = b[0]! ^ 0x10;
    await h.write(b, 0, 1, 5000);
    await h.close();
    const r = await verifyArchive({ dir });
    expect(r.ok).toBe(false);
    expect(r.problems.filter((p) => p.check === 'checksum').map((p) => p.path)).toEqual([f]);
    expect(r.problems.every((p) => p.path === f)).toBe(true);
  });

  it('a deleted file', async () => {
    const dir = await copy();
    const f = await fileOf(dir, DAY30);
    await rm(f);
    const r = await verifyArchive({ dir });
    expect(r.problems).toEqual([expect.objectContaining({ path: f, check: 'missing-file' })]);
  });

  it('a file from another day copied in (beside, or over a listed file)', async () => {
    const dir = await copy();
    const from = await fileOf(dir, DAY31);
    const beside = join(partitionDir(dir, DAY30), 'part-000000.000000000-240000.000000000-1.parquet');
    await cp(from, beside);
    const r1 = await verifyArchive({ dir });
    expect(r1.problems).toEqual([expect.objectContaining({ path: beside, check: 'unlisted' })]);
    await rm(beside);
    const over = await fileOf(dir, DAY30);
    await cp(from, over);
    const r2 = await verifyArchive({ dir });
    const checks = r2.problems.filter((p) => p.path === over).map((p) => p.check);
    expect(checks).toEqual(expect.arrayContaining(['checksum', 'footer', 'outside-range']));
    expect(r2.problems.find((p) => p.check === 'outside-range')!.message).toMatch(
      /1440 row\(s\) outside .* of day 2025-12-30/,
    );
  });

  it('a hand-edited completeness record claiming more than is there', async () => {
    const dir = await copy();
    // Claim the day has more rows, and that a file covers more than its footer says.
    const path = manifestPath(dir, DAY30);
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.rows = 2000;
    json.files[0].endNs = (BigInt(json.files[0].endNs) + 1n).toString();
    await writeFile(path, JSON.stringify(json));
    // And that a day with a gap is complete.
    const path31 = manifestPath(dir, DAY31);
    const j31 = JSON.parse(await readFile(path31, 'utf8'));
    j31.gaps.push({
      startNs: j31.day.startNs,
      endNs: (BigInt(j31.day.startNs) + 60_000_000_000n).toString(),
      reason: 'x',
      permanent: false,
      source: 'sync',
      recordedAt: 'now',
    });
    await writeFile(path31, JSON.stringify(j31));
    const r = await verifyArchive({ dir });
    expect(r.ok).toBe(false);
    const byPath = (p: string) => r.problems.filter((x) => x.path === p).map((x) => x.check);
    expect(byPath(path)).toEqual(expect.arrayContaining(['claims']));
    expect(byPath(await fileOf(dir, DAY30))).toContain('footer');
    expect(byPath(path31)).toEqual(['claims', 'claims']); // covered and complete no longer what it says
    expect(r.problems.find((x) => x.path === path && /rows/.test(x.message))!.message).toMatch(
      /claims 2000 rows but its files list 1440/,
    );
  });

  it('an unreadable record', async () => {
    const dir = await copy();
    const path = manifestPath(dir, DAY30);
    await writeFile(path, '{"format": "tickwire.archive.day/1", ');
    const r = await verifyArchive({ dir });
    expect(r.problems).toEqual([expect.objectContaining({ path, check: 'record' })]);
  });
});
