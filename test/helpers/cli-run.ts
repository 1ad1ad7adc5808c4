/**
 * Runs the CLI as a child process (`node --import tsx src/cli/main.ts ...`, cwd = repo root) and captures
 * stdout, stderr and the exit code, with a timeout; plus helpers to compare files with the simulator's
 * ground truth.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OHLCBar, Trade } from '../../src/core/records.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { csvHeader, csvLine, jsonLine, type RecordKind } from '../../src/sinks/format.js';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The simulator's default clock, 2026-01-01T00:00:00Z, in ns. */
export const SIM_NOW = 1_767_225_600_000_000_000n;
/** One minute in ns. */
export const MINUTE = 60_000_000_000n;

/** What a finished CLI run produced. */
export type CliResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

/** A running CLI child with its output collected so far. */
export type CliChild = {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited (killed on timeout). */
  done: Promise<CliResult>;
};

/** Options of {@link startCli}. */
export type CliOptions = { timeoutMs?: number; env?: Record<string, string> };

/** Starts the CLI with `args`; stdout and stderr are pipes (not a TTY). */
export function startCli(args: readonly string[], options: CliOptions = {}): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TICKWIRE_DEBUG: '', ...options.env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs the CLI to its end. */
export function runCliProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Polls `check` every 25 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tickwire-cli-'));
}

/** Reads a file as text. */
export function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** The ground truth of a simulator with the given seed (started and closed here). */
export async function truthOf(
  exchange: RunningSimulator['exchange'],
  seed = 1,
): Promise<RunningSimulator['truth']> {
  const sim: RunningSimulator = await startSimulator({ exchange, seed, now: SIM_NOW, rateLimits: 'off' });
  await sim.close();
  return sim.truth;
}

/** The exact file the CLI should write for `records` (of any kind). */
export function expectedFile(
  kind: RecordKind,
  format: 'csv' | 'jsonl',
  records: readonly (OHLCBar | Trade | object)[],
): string {
  const head = format === 'csv' ? csvHeader(kind) : '';
  return (
    head +
    records
      .map((r) =>
        format === 'csv' ? csvLine(kind, r as OHLCBar & Trade) : jsonLine(kind, r as OHLCBar & Trade),
      )
      .join('')
  );
}
