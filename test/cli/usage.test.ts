import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ROOT, runCliProcess } from '../helpers/cli-run.js';

/** Runs the CLI in this process with captured streams (fast: no child process). */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const code = await runCli(args, { stdout, stderr, env: {} });
  return { code, stdout: out, stderr: err };
}

const VERSION = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;

describe('bad usage exits 2 with a message naming the argument', () => {
  it.each([
    [['ohlc', 'binance', 'BTCUSDT', '--span', '1x', '--from', '2024-01-01'], /--span/],
    [['ohlc', 'binance', 'BTCUSDT', '--from', '2024-01-01'], /--span/],
    [
      ['ohlc', 'bitmex', 'BTCUSDT', '--span', '1h', '--from', '2024-01-01'],
      /exchange.*binance, coinbase, kraken/,
    ],
    [['trades', 'binance', 'BTCUSDT', '--from', '2024-02-30'], /--from/],
    [
      ['trades', 'binance', 'BTCUSDT', '--from', '2024-02-01', '--to', '2024-01-01'],
      /Invalid --from.*before --to/,
    ],
    [['trades', 'binance', 'BTCUSDT', '--from', '2024-01-01', '--format', 'xml'], /--format/],
    [['trades', 'binance', 'BTCUSDT', '--from', '2024-01-01', '--bogus'], /unknown option '--bogus'/],
    [['trades', 'binance', '--from', '2024-01-01'], /symbol/],
    [
      ['trades', 'binance', 'BTCUSDT', '--from', '2024-01-01', '--sim', '--base-url', 'http://x'],
      /--sim.*--base-url|--base-url.*--sim/,
    ],
    [
      ['trades', 'binance', 'BTCUSDT', '--from', '2024-01-01', '--sim', '--faults', 'errRate=1'],
      /--faults.*errRate/,
    ],
    [['trades', 'binance', 'BTCUSDT', '--from', '2024-01-01', '--redis', 'http://x'], /--redis/],
    [
      ['trades', 'binance', 'BTCUSDT', '--from', '2025-12-31', '--to', '2026-02-01', '--sim'],
      /Invalid --to.*simulator's clock/,
    ],
    [['sim', '--exchange', 'binance', '--port', '70000'], /--port/],
    [['sim'], /--exchange/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: tickwire/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('help and version', () => {
  it.each(['ohlc', 'trades', 'sim', 'demo'])(
    '%s --help prints usage with examples on stdout and exits 0',
    async (cmd) => {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: tickwire ${cmd}`);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`$ tickwire ${cmd === 'demo' ? 'demo' : cmd}`);
    },
  );

  it('--help lists every command and the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['ohlc', 'trades', 'sim', 'demo']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Exit codes:');
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('as a child process', () => {
  it('--version, and a bad option exits 2 without a stack trace or terminal codes', async () => {
    const v = await runCliProcess(['-V']);
    expect(v).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const bad = await runCliProcess(['ohlc', 'kraken', 'XBTUSD', '--span', '7q', '--from', '2024-01-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--span <span>' argument '7q' is invalid");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(bad.stderr).not.toContain('\x1b');
    expect(bad.stdout).toBe('');
  });
});

describe('--out checks', () => {
  it('a folder that does not exist exits 2 naming --out, before any download', async () => {
    const r = await run([
      'trades',
      'binance',
      'BTCUSDT',
      '--from',
      '2025-12-31',
      '--sim',
      '--out',
      '/nonexistent-dir/x.csv',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid --out: expected a file path in an existing folder/);
  });
});
