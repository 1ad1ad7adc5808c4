/**
 * The CLI loads what a command needs, not every command's libraries: `--version`, `--help` and a download
 * do not import the recorder's YAML and metrics libraries, the WebSocket client or the Parquet libraries
 * (they are a good share of start-up); the commands that need them still find them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { SIM_NOW } from '../helpers/adapters-sim.js';
import { ROOT } from '../helpers/cli-run.js';

let dir: string;
let sim: RunningSimulator;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickwire-startup-'));
  // In this process: `--sim` would start one inside the CLI, and the simulator serves WebSocket too.
  sim = await startSimulator({ exchange: 'binance', seed: 1, now: SIM_NOW });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const HEAVY = [
  'yaml',
  'prom-client',
  'ws',
  'hyparquet',
  'hyparquet-writer',
  'hyparquet-compressors',
  'bullmq',
  'ioredis',
  'pg',
];

async function packagesLoaded(name: string, args: string[]): Promise<Set<string>> {
  const log = join(dir, `${name}.log`);
  // Asynchronously: the simulator answering the CLI runs in this process.
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', './test/fixtures/package-log-hook.mjs', 'src/cli/main.ts', ...args],
    { cwd: ROOT, env: { ...process.env, TICKWIRE_TEST_PACKAGE_LOG: log }, timeout: 60_000 },
  );
  const text = await readFile(log, 'utf8').catch(() => '');
  // The package name of each specifier: `a/b` -> `a`, `@s/a/b` -> `@s/a`.
  return new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((s) =>
        s
          .split('/')
          .slice(0, s.startsWith('@') ? 2 : 1)
          .join('/'),
      ),
  );
}

/** `tickwire ohlc` of a day of hourly Binance bars from the simulator, quietly. */
const dayOfHourBars = (): string[] =>
  `ohlc binance BTCUSDT --span 1h --from 2025-12-30 --to 2025-12-31 --quiet --base-url ${sim.url}`.split(' ');

describe('CLI start-up', () => {
  it('--version and --help load none of the heavy libraries', async () => {
    for (const [name, args] of [
      ['version', ['--version']],
      ['help', ['--help']],
      ['record-help', ['record', '--help']],
    ] as const) {
      const loaded = await packagesLoaded(name, [...args]);
      expect(loaded.has('commander')).toBe(true); // the hook sees the packages that are loaded
      expect(
        HEAVY.filter((p) => loaded.has(p)),
        name,
      ).toEqual([]);
    }
  });

  it('a CSV download on the simulator loads no WebSocket, Parquet, recorder or database library', async () => {
    const out = join(dir, 'bars.csv');
    const loaded = await packagesLoaded('ohlc', [...dayOfHourBars(), '--out', out]);
    expect(loaded.has('undici')).toBe(true);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
    expect((await readFile(out, 'utf8')).split('\n').length).toBe(26); // header + 24 bars + final newline
  });

  it('a Parquet download still loads the Parquet writer', async () => {
    const loaded = await packagesLoaded('parquet', [
      ...dayOfHourBars(),
      '--format',
      'parquet',
      '--out',
      join(dir, 'bars.parquet'),
    ]);
    expect(loaded.has('hyparquet-writer')).toBe(true);
  });
});
