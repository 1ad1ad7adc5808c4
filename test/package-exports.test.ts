/**
 * The package as a user gets it: build, `npm pack`, unpack into a `node_modules`, import by name. Catches a
 * broken `exports` map, a missing file in `files`, or a public name dropped from a barrel.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
let work: string;

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
  mkdirSync(join(root, '.tickwire-tmp'), { recursive: true });
  // Inside the repo, so the unpacked package resolves its dependencies from the repo's node_modules.
  work = mkdtempSync(join(root, '.tickwire-tmp', 'pkg-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  const dest = join(work, 'node_modules', 'tickwire');
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', dest, '--strip-components=1']);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships its build with type declarations', () => {
    const dest = join(work, 'node_modules', 'tickwire');
    expect(existsSync(join(dest, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(dest, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(dest, 'src'))).toBe(false);
  });

  it('exports the public API by name', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import * as t from 'tickwire'; console.log(JSON.stringify(Object.keys(t)))",
      ],
      { cwd: work, encoding: 'utf8' },
    );
    const names = JSON.parse(out) as string[];
    for (const name of [
      'paginateForward',
      'paginateBackward',
      'paginateOhlc',
      'paginateTrades',
      'HttpClient',
      'httpClients',
      'RateLimiter',
      'RedisRateLimiter',
      'download',
      'createAdapter',
      'startSimulator',
      'RecordWriter',
      'TickwireError',
      'ValidationError',
      'IncompleteRangeError',
      'toNs',
      'parseSpan',
      'stream',
      'isStreamEvent',
      'isFeedEvent',
      'WebSocketBase',
      'archive',
      'syncArchive',
      'syncUnit',
      'PartitionFileWriter',
      'commitPartition',
      'ParquetRecordWriter',
      'openParquetFile',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('writes and reads back a zstd Parquet file (the wasm compressor ships and loads)', () => {
    const script = [
      "import { openParquetFile, readParquetRecords } from 'tickwire';",
      "const w = await openParquetFile('t.parquet', { kind: 'trades', codec: 'zstd' });",
      "await w.write({ id: '7', tsNs: 1767139200123456789n, price: 1.5, amount: 2, side: 'sell' });",
      'const s = await w.end();',
      "const back = []; for await (const r of readParquetRecords('t.parquet', 'trades')) back.push(r);",
      'console.log(JSON.stringify({ rows: s.rows, tsNs: String(back[0].tsNs), side: back[0].side }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ rows: 1, tsNs: '1767139200123456789', side: 'sell' });
  });
});
