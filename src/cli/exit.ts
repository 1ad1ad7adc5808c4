/**
 * Exit codes scripts can rely on, and the one place that maps an error to a code and a one-line message.
 *
 * @module
 */
import { CommanderError } from 'commander';
import {
  BookResyncExhaustedError,
  TickwireError,
  UnknownExchangeError,
  UnsupportedSpanError,
  ValidationError,
} from '../core/errors.js';

/** The CLI's exit codes (documented in docs/CLI.md). */
export const EXIT = {
  /** Everything asked for was delivered (or `--help`/`--version`). */
  OK: 0,
  /** The run ended but part of the range is missing; the missing ranges are on stderr. Rerun to resume. */
  INCOMPLETE: 1,
  /** Bad usage: unknown option, bad value, inconsistent options. The message names the argument. */
  USAGE: 2,
  /** The request cannot be served (unknown symbol, range the exchange does not keep, unreadable file, ...). */
  FAILED: 3,
  /**
   * `book`: the live book is not valid: it never became valid (every sync attempt failed, or the run ended
   * before the first snapshot), or it broke and could not be resynced (`ERR_RESYNC_EXHAUSTED`).
   */
  BOOK_INVALID: 4,
  /** Stopped by SIGINT (Ctrl-C): what was written is valid; rerun to resume. */
  SIGINT: 130,
  /** Stopped by SIGTERM: as for SIGINT. */
  SIGTERM: 143,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for a signal that stopped a run. */
export function exitForSignal(signal: NodeJS.Signals): ExitCode {
  return signal === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
}

/**
 * Maps the download API's option names to the CLI's flags, so a message about `options.end` names `--to`.
 */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  'options.start': '--from',
  'options.end': '--to',
  'options.span': '--span',
  'options.symbol': '<symbol>',
  'options.exchange': '<exchange>',
  'options.baseUrl': '--base-url',
  'options.rateScale': '--rate-scale',
  'options.limitScope': '--limit-scope',
  'options.localAddress': '--local-address',
  'options.rateLimit': '--rate-limit',
  out: '--out',
};

/** True for errors that mean "the command line is wrong" (exit 2). */
export function isUsageError(error: unknown): boolean {
  if (error instanceof CommanderError) return true;
  return (
    error instanceof ValidationError ||
    error instanceof UnsupportedSpanError ||
    error instanceof UnknownExchangeError
  );
}

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      ? EXIT.OK
      : EXIT.USAGE;
  }
  if (error instanceof BookResyncExhaustedError) return EXIT.BOOK_INVALID;
  return isUsageError(error) ? EXIT.USAGE : EXIT.FAILED;
}

/** The one-line message for an error: the CLI flag names instead of the API's option names, no stack. */
export function messageFor(error: unknown): string {
  if (error instanceof ValidationError) {
    const flag = FLAG_NAMES[error.argument];
    let msg = error.message;
    if (flag) msg = msg.replace(`Invalid ${error.argument}:`, `Invalid ${flag}:`);
    if (error.argument === 'out' && /written by tickwire/.test(msg)) msg += ' Use --force to overwrite it.';
    return msg;
  }
  if (error instanceof UnsupportedSpanError) return `Invalid --span: ${error.message}`;
  if (error instanceof TickwireError) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.message}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}

/** Whether to print stack traces: `--debug` or `TICKWIRE_DEBUG=1`. */
export function debugEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return (
    flag === true ||
    (env.TICKWIRE_DEBUG !== undefined && env.TICKWIRE_DEBUG !== '' && env.TICKWIRE_DEBUG !== '0')
  );
}
