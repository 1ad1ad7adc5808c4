/**
 * Every command, in the order `tickwire --help` lists them. A command is one file in this folder exporting
 * a {@link CommandModule}; adding one is that file plus one line here.
 *
 * `stream.ts` and `book.ts` (the live commands) share `../live-command.ts` and `../live-output.ts`.
 *
 * @module
 */
import type { CommandModule } from '../context.js';
import { archiveCommand } from './archive.js';
import { bookCommand } from './book.js';
import { demoCommand } from './demo.js';
import { fleetCommand } from './fleet.js';
import { fundingCommand } from './funding.js';
import { ohlcCommand } from './ohlc.js';
import { openInterestCommand } from './open-interest.js';
import { recordCommand } from './record.js';
import { simCommand } from './sim.js';
import { streamCommand } from './stream.js';
import { syncCommand } from './sync.js';
import { tradesCommand } from './trades.js';

/** The commands, in help order. */
export const COMMANDS: readonly CommandModule[] = [
  ohlcCommand,
  tradesCommand,
  fundingCommand,
  openInterestCommand,
  streamCommand,
  bookCommand,
  syncCommand,
  archiveCommand,
  recordCommand,
  fleetCommand,
  simCommand,
  demoCommand,
];
