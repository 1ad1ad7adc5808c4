/**
 * Every command, in the order `tickwire --help` lists them. A command is one file in this folder exporting
 * a {@link CommandModule}; adding one is that file plus one line here.
 *
 * Planned, as separate files: `stream.ts` (`tickwire stream trades <exchange> <symbol...>`, a parent
 * command with a `trades` subcommand) and `book.ts` (`tickwire book <exchange> <symbol>`). Both talk to an
 * exchange, so they take the shared options with `addExchangeOptions` from `../exchange.js` (`--redis`
 * among them), trap Ctrl-C with `trapInterrupts`, and report through `ProgressReporter`.
 *
 * @module
 */
import type { CommandModule } from '../context.js';
import { bookCommand } from './book.js';
import { demoCommand } from './demo.js';
import { ohlcCommand } from './ohlc.js';
import { simCommand } from './sim.js';
import { streamCommand } from './stream.js';
import { tradesCommand } from './trades.js';

/** The commands, in help order. */
export const COMMANDS: readonly CommandModule[] = [
  ohlcCommand,
  tradesCommand,
  streamCommand,
  bookCommand,
  simCommand,
  demoCommand,
];
