/**
 * `--sink <url>` (alias `--pg <url>`) and `--schema <name>`: the options of every command that can write
 * into a database. Commands add them with {@link addSinkOptions} and read them with {@link sinkTargetOf},
 * then hand the target to `openSink` (src/sinks/open.ts) — `ohlc`, `trades` and every command on the
 * shared download path do this through `runDownloadJob`.
 *
 * The URL is checked here, not by a commander argument parser: commander would repeat the raw value (and
 * its password) in its error message.
 *
 * @module
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ValidationError } from '../core/errors.js';
import { checkSchemaName } from '../sinks/postgres/ddl.js';
import { checkPostgresUrl, redactPostgresUrl } from '../sinks/postgres/url.js';
import type { JobSinkTarget } from './sink-output.js';

/** The sink options as commander parses them. */
export type SinkFlags = {
  sink?: string;
  pg?: string;
  schema?: string;
  batchRows?: number;
  out?: string;
};

function parseBatchRows(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new InvalidArgumentError('Expected a whole number of rows from 1 to 1000000.');
  }
  return n;
}

/** Adds `--sink`, `--pg`, `--schema` and `--batch-rows` to `cmd`. */
export function addSinkOptions(cmd: Command): Command {
  return cmd
    .option(
      '--sink <url>',
      'write into PostgreSQL instead of a file: postgres://user@host:5432/db (password: PGPASSWORD or ~/.pgpass)',
    )
    .option('--pg <url>', 'same as --sink')
    .option('--schema <name>', 'PostgreSQL schema of the tables (created if missing); default: public')
    .option('--batch-rows <n>', 'rows per database transaction with --sink; default: 20000', parseBatchRows);
}

/**
 * The database target of the flags, or `undefined` when none was given.
 *
 * @throws ValidationError naming `--sink` (URL redacted) or `--schema` for a bad value, or when `--sink`
 *   is combined with `--out` or given twice with different values
 */
export function sinkTargetOf(flags: SinkFlags): JobSinkTarget | undefined {
  const { sink, pg } = flags;
  if (sink !== undefined && pg !== undefined && sink !== pg) {
    throw new ValidationError('--pg', redactPostgresUrl(pg), 'the same URL as --sink, or only one of them');
  }
  const url = sink ?? pg;
  if (url === undefined) {
    if (flags.schema !== undefined)
      throw new ValidationError('--schema', flags.schema, 'it only with --sink');
    return undefined;
  }
  const flag = sink !== undefined ? '--sink' : '--pg';
  checkPostgresUrl(url, flag);
  if (flags.out !== undefined) {
    throw new ValidationError('--out', flags.out, `no --out with ${flag} (rows go to the database)`);
  }
  return {
    url,
    ...(flags.schema === undefined ? {} : { schema: checkSchemaName(flags.schema, '--schema') }),
    ...(flags.batchRows === undefined ? {} : { batchRows: flags.batchRows }),
  };
}
