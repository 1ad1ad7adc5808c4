/**
 * What the download commands (`ohlc`, `trades`, `funding`, `open-interest`) share: the output and range
 * options, and the action that wires flags → connection → job → summary → exit code, for any history kind.
 *
 * @module
 */
import { type Command, Option } from 'commander';
import type { ExchangeId } from '../adapters/adapter.js';
import { KINDS, type KindId } from '../core/kinds.js';
import type { OutputFormat } from '../sinks/format.js';
import { outputFormatFor, parseOutputFormatArg, parseTimeArg, type TimeArg } from './args.js';
import { type CliContext, globalsOf } from './context.js';
import {
  addExchangeOptions,
  connectExchange,
  describeSim,
  type ExchangeFlags,
  SIM_DEFAULT_NOW_NS,
} from './exchange.js';
import { ProgressReporter, progressMode } from './progress.js';
import { resolveRange } from './range.js';
import { type DownloadJob, runDownloadJob } from './run-download.js';
import { trapInterrupts } from './signals.js';
import { addSinkOptions, type SinkFlags, sinkTargetOf } from './sink-options.js';
import { describeJob, fatalError, jobLabel } from './summary.js';

/** Flags of the download commands as commander parses them. */
export type DownloadFlags = ExchangeFlags &
  SinkFlags & {
    from: TimeArg;
    to: TimeArg;
    out?: string;
    format?: OutputFormat;
    resume: boolean;
    force?: boolean;
    span?: number;
  };

/** Adds `--from`, `--to`, `--out`, `--format`, `--no-resume`/`--force` and the exchange options. */
export function addDownloadOptions(cmd: Command): Command {
  cmd
    .addOption(
      new Option('--from <time>', 'start, inclusive: ISO date or date-time, UTC unless a zone is given')
        .argParser(parseTimeArg)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--to <time>', 'end, exclusive: ISO date or date-time, or now')
        .argParser(parseTimeArg)
        .default('now'),
    )
    .option('-o, --out <file>', 'write to this file (resumes it if it exists); default: stdout')
    .addOption(
      new Option(
        '--format <format>',
        'csv, jsonl or parquet; default: from the --out extension (.jsonl, .parquet), else csv',
      ).argParser(parseOutputFormatArg),
    )
    .option('--no-resume', 'overwrite --out instead of continuing after its last row')
    .option('-f, --force', 'same as --no-resume');
  addSinkOptions(cmd);
  return addExchangeOptions(cmd);
}

/** Runs one download command of `kind` and sets `ctx.exitCode`. Usage and fatal errors are thrown. */
export async function runDownloadCommand(
  ctx: CliContext,
  cmd: Command,
  kind: KindId,
  exchange: ExchangeId,
  symbol: string,
  flags: DownloadFlags,
): Promise<void> {
  const { io } = ctx;
  const { quiet = false } = globalsOf(cmd);
  const out = flags.out === '-' ? undefined : flags.out;
  const sink = sinkTargetOf(flags);
  const job: DownloadJob = {
    kind,
    exchange,
    symbol,
    ...(KINDS[kind].span === 'required' ? { spanS: flags.span ?? 60 } : {}),
    range: resolveRange(flags.from, flags.to, flags.sim ? SIM_DEFAULT_NOW_NS : undefined),
    out,
    format: outputFormatFor(out, flags.format),
    resume: flags.resume !== false && flags.force !== true,
    ...(sink ? { sink } : {}),
  };
  const say = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  const progress = new ProgressReporter(jobLabel(job), progressMode(io.stderr, quiet), { stream: io.stderr });
  const conn = await connectExchange(exchange, flags, { warn: (m) => progress.log(`warning: ${m}`, true) });
  const trap = trapInterrupts({
    onFirst: (s) =>
      progress.log(`${s}: stopping; flushing what was downloaded (again to quit at once)`, true),
  });
  try {
    const simLine = describeSim(conn, exchange);
    if (simLine && !quiet) say(simLine);
    const result = await runDownloadJob(job, { conn, progress, signal: trap.signal, stdout: io.stdout });
    progress.stop();
    const fatal = fatalError(result);
    if (fatal !== undefined) throw fatal;
    const outcome = describeJob(job, result, trap.received);
    if (!quiet) for (const line of outcome.info) say(line);
    for (const line of outcome.warnings) say(line);
    ctx.exitCode = outcome.code;
  } finally {
    progress.stop();
    trap.dispose();
    await conn.close();
  }
}
