/**
 * What every command receives: the process's streams and environment (injected, so tests and embedders
 * can capture them) and a slot for the exit code.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { Command } from 'commander';

/** A writable stream that may be a terminal. */
export type OutStream = Writable & { isTTY?: boolean };

/** The process's I/O. Data goes to `stdout`; everything for humans goes to `stderr`. */
export type CliIO = {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
};

/** Shared state of one CLI run. */
export type CliContext = {
  io: CliIO;
  /** Set by the command that ran; returned by `runCli`. */
  exitCode: number;
};

/** Options on the program itself, valid before or after the command name. */
export type GlobalFlags = {
  /** No progress and no summary; errors and missing ranges are still printed. */
  quiet?: boolean;
  /** Stack traces on errors. */
  debug?: boolean;
};

/** The global flags as seen from a (sub)command. */
export function globalsOf(cmd: Command): GlobalFlags {
  return cmd.optsWithGlobals<GlobalFlags>();
}

/** A command module: one file in `src/cli/commands/`, registered by `src/cli/commands/index.ts`. */
export type CommandModule = {
  /** The command's name as typed (`ohlc`, `stream`, ...). */
  name: string;
  /** Adds the command (and its options, help and action) to `program`. */
  register(program: Command, ctx: CliContext): void;
};
