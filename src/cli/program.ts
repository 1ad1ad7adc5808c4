/**
 * The `tickwire` program: global options, the commands, help and version, and the mapping of every way a
 * run can end to an exit code and a one-line message on stderr.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import type { CliContext, CliIO } from './context.js';
import { debugEnabled, EXIT, exitCodeFor, messageFor } from './exit.js';

/** The version in package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

const EXAMPLES = `
Examples:
  $ tickwire demo
  $ tickwire ohlc binance BTCUSDT --span 1h --from 2024-01-01 --to 2024-02-01 --out btc-1h.csv
  $ tickwire trades coinbase BTC-USD --from 2025-12-31T23:00 --sim | head -n 5
  $ tickwire sim --exchange kraken --faults errorRate=0.05,latencyMs=50

Exit codes: 0 complete, 1 incomplete (missing ranges on stderr), 2 bad usage, 3 cannot be served
(unknown symbol, range the exchange does not keep...), 130/143 interrupted (SIGINT/SIGTERM).
Data goes to stdout or --out; progress and messages go to stderr. Docs: docs/CLI.md`;

/** Builds the commander program for one run. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('tickwire')
    .description(
      'Crypto market data (candles, trades) from exchanges without losing or duplicating a record.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('-q, --quiet', 'no progress or summary on stderr (errors and missing ranges are still printed)')
    .option('--debug', 'print stack traces of errors (also TICKWIRE_DEBUG=1)')
    .helpCommand(true)
    .showHelpAfterError('(run with --help for usage and examples)')
    .addHelpText('after', EXAMPLES)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  for (const c of COMMANDS) c.register(program, ctx);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    });
    sub.showHelpAfterError(`(run tickwire ${sub.name()} --help for usage and examples)`);
  }
  return program;
}

/** Runs the CLI with `args` (without the node and script paths) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.OK };
  const program = buildProgram(ctx);
  try {
    if (args.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.USAGE;
    }
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    // Commander has already printed its own message (unknown option, bad value, --help, --version).
    if (error instanceof CommanderError) return exitCodeFor(error);
    const debug = debugEnabled(program.opts<{ debug?: boolean }>().debug, io.env);
    io.stderr.write(`tickwire: error: ${messageFor(error)}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
