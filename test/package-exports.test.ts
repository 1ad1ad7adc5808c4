/**
 * The package as a user gets it: build, `npm pack`, unpack into a `node_modules`, import by name. Catches a
 * broken `exports` map, a missing file in `files`, or a public name dropped from a barrel. Then the
 * tarball is installed with npm into a fresh project outside the repository and a consumer file is
 * type-checked with `strict` and `skipLibCheck: false`: the published declarations must need nothing the
 * package does not depend on (e.g. no `@types/ws`, a dev dependency).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
let work: string;
let tarballPath: string;

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
  mkdirSync(join(root, '.tickwire-tmp'), { recursive: true });
  // Inside the repo, so the unpacked package resolves its dependencies from the repo's node_modules.
  work = mkdtempSync(join(root, '.tickwire-tmp', 'pkg-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  tarballPath = join(work, tarball);
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

  it('type-checks a consumer with strict and skipLibCheck: false after an npm install of the tarball', () => {
    // Outside the repository, so nothing resolves from the repo's node_modules (where @types/ws lives).
    const project = mkdtempSync(join(tmpdir(), 'tickwire-consumer-'));
    try {
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
      );
      // The package's own dependencies come from the npm registry (or the local cache); the compiler and
      // Node's types from this repository's node_modules, as local paths.
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--loglevel=error',
          tarballPath,
          join(root, 'node_modules', 'typescript'),
          join(root, 'node_modules', '@types', 'node'),
        ],
        { cwd: project, stdio: 'pipe' },
      );
      expect(existsSync(join(project, 'node_modules', '@types', 'ws'))).toBe(false);
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      );
      writeFileSync(join(project, 'consumer.ts'), CONSUMER);
      let output = '';
      try {
        execFileSync(
          process.execPath,
          [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
          {
            cwd: project,
            encoding: 'utf8',
            stdio: 'pipe',
          },
        );
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        output = `${e.stdout ?? ''}${e.stderr ?? ''}` || String(error);
      }
      expect(output).toBe('');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 90_000);

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

/** A small consumer: the main entry points, a book stream's events, and a feed subclass with its hooks. */
const CONSUMER = `
import {
  type BookStreamItem,
  type FeedSocket,
  BookResyncExhaustedError,
  download,
  isTickwireError,
  startSimulator,
  stream,
  WebSocketBase,
} from 'tickwire';

class Echo extends WebSocketBase<string> {
  protected override onConnect(ws: FeedSocket): void {
    ws.send('{"op":"subscribe"}');
  }
  protected override parseMessage(raw: string | Buffer): string[] {
    return [typeof raw === 'string' ? raw : raw.toString('utf8')];
  }
}

export async function follow(): Promise<number> {
  const sim = await startSimulator({ exchange: 'kraken' });
  let n = 0;
  try {
    for await (const ev of stream.book({ exchange: 'kraken', symbol: 'BTC/USD', wsUrl: sim.wsUrl })) {
      const item: BookStreamItem = ev;
      if (item.kind === 'update') n += item.book.bids(1).length;
      if (n > 10) break;
    }
  } catch (error) {
    if (error instanceof BookResyncExhaustedError) return -error.attempts;
    if (isTickwireError(error, 'ERR_RESYNC_EXHAUSTED')) return -1;
    throw error;
  } finally {
    await sim.close();
  }
  void download;
  void new Echo('ws://127.0.0.1:1');
  return n;
}
`;
