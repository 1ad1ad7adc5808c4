/**
 * `tickwire fleet submit|worker|status`: a backfill shared by many workers (machines, egress IPs) through
 * a BullMQ queue in Redis, into one shared archive. See docs/FLEET.md.
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import { type KindId, kindSpan } from '../../core/kinds.js';
import { formatSpan } from '../../core/time.js';
import { parseExchangeArg, parsePositiveArg, parseSpanArg, parseTimeArg, type TimeArg } from '../args.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import { addExchangeOptions, connectExchange, type ExchangeFlags, SIM_DEFAULT_NOW_NS } from '../exchange.js';
import { EXIT } from '../exit.js';
import { describeStatus, describeSubmit, describeWorkerEvent, drained } from '../fleet-output.js';
import { resolveRange } from '../range.js';
import { trapInterrupts } from '../signals.js';
import { parseKindArg } from './sync.js';

type QueueFlags = { redis: string; queue?: string };
type SubmitFlags = ExchangeFlags &
  QueueFlags & {
    from: TimeArg;
    to: TimeArg;
    span?: number;
    archive: string;
    attempts?: number;
    retryDelay?: number;
    json?: boolean;
  };
type WorkerFlags = ExchangeFlags &
  QueueFlags & {
    archive: string;
    concurrency?: number;
    limitScope?: string;
    localAddress?: string;
    stallTimeout?: number;
    rateLimit?: number;
    downloadConcurrency?: number;
    exitWhenDrained?: boolean;
  };
type StatusFlags = QueueFlags & { json?: boolean; watch?: boolean; interval: number };

const EXAMPLES = `
Examples:
  $ tickwire fleet submit --redis redis://queue:6379 binance trades BTCUSDT ETHUSDT --from 2024-01-01 --to 2025-01-01 --archive /mnt/archive
  $ tickwire fleet worker --redis redis://queue:6379 --archive /mnt/archive --concurrency 2
  $ tickwire fleet worker --redis redis://queue:6379 --archive /mnt/archive --local-address 10.0.0.12 --limit-scope ip-10.0.0.12
  $ tickwire fleet status --redis redis://queue:6379 --watch

A job is split into units (symbol x UTC day). Units the archive holds complete are not queued; submitting
the same job again adds no work. Workers with the same --limit-scope (default: the host name) share one rate
limit in Redis: give every worker behind one egress IP the same scope. Deployment: docs/FLEET.md.`;

function wholeArg(t: string): number {
  const n = parsePositiveArg(t);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('Expected a whole number ≥ 1.');
  return n;
}

function queueOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--queue <name>', 'queue name (several fleets may share one Redis)').default(
        'tickwire-fleet',
      ),
    )
    .addOption(
      new Option(
        '--redis <url>',
        'the Redis server of the queue and the shared rate limits',
      ).makeOptionMandatory(),
    );
}

/** The exchange options, with `--redis` made the queue's (mandatory) Redis. */
function fleetExchangeOptions(cmd: Command): Command {
  addExchangeOptions(cmd);
  const redis = cmd.options.find((o) => o.long === '--redis');
  if (redis) {
    redis.description =
      'the Redis server of the queue and of the shared rate limits, e.g. redis://127.0.0.1:6379';
    redis.makeOptionMandatory();
  }
  return cmd.addOption(
    new Option('--queue <name>', 'queue name (several fleets may share one Redis)').default('tickwire-fleet'),
  );
}

function subcommand(ctx: CliContext, sub: Command): Command {
  return sub.exitOverride().configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    writeErr: (s) => ctx.io.stderr.write(s),
  });
}

/** The `fleet` command and its subcommands. */
export const fleetCommand: CommandModule = {
  name: 'fleet',
  register(program, ctx) {
    const cmd = program
      .command('fleet')
      .summary('a backfill shared by many workers and egress IPs (BullMQ on Redis)')
      .description(
        'Split a backfill into units (symbol x UTC day) on a BullMQ queue in Redis; workers on any number of\n' +
          'machines sync them into one shared archive, each egress IP within its rate limit.',
      )
      .addHelpText('after', EXAMPLES);
    const submit = cmd
      .command('submit')
      .summary('queue the units of a backfill the archive does not hold')
      .argument('<exchange>', `exchange id: ${EXCHANGES.join(', ')}`, parseExchangeArg)
      .argument('<kind>', 'data kind: trades, ohlc (with --span), funding, ...', parseKindArg)
      .argument('<symbol...>', "symbols in any spelling (stored under the exchange's own id)")
      .addOption(
        new Option('--from <time>', 'start: its UTC day is the first unit')
          .argParser(parseTimeArg)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option('--to <time>', 'end, exclusive, or now: its UTC day is the last unit')
          .argParser(parseTimeArg)
          .default('now'),
      )
      .addOption(
        new Option('--span <span>', 'bar span for spanned kinds: 1m, 1h, 1d').argParser(parseSpanArg),
      )
      .addOption(
        new Option('--archive <dir>', 'the shared archive as this machine sees it').makeOptionMandatory(),
      )
      .option('--json', 'print the report as JSON on stdout')
      .addOption(
        new Option('--attempts <n>', 'attempts of a unit before it is reported failed')
          .argParser(wholeArg)
          .default(5),
      )
      .addOption(
        new Option('--retry-delay <s>', 'wait before the first retry of a failed unit (doubles each time)')
          .argParser(parsePositiveArg)
          .default(5),
      );
    fleetExchangeOptions(submit).action(
      (exchange: ExchangeId, kind: KindId, symbols: string[], flags: SubmitFlags) =>
        runSubmit(ctx, submit, exchange, kind, symbols, flags),
    );
    const worker = cmd
      .command('worker')
      .summary('take units off the queue and sync them into the archive, until stopped')
      .addOption(
        new Option('--archive <dir>', 'the shared archive as this machine sees it').makeOptionMandatory(),
      )
      .addOption(new Option('--concurrency <n>', 'units synced at once').argParser(wholeArg).default(2))
      .option(
        '--limit-scope <name>',
        'workers with the same scope share one rate limit (default: the host name)',
      )
      .option('--local-address <ip>', 'source IP address of the connections (an egress IP of this machine)')
      .addOption(
        new Option('--stall-timeout <s>', "a dead worker's unit goes to another after about twice this")
          .argParser(parsePositiveArg)
          .default(30),
      )
      .addOption(
        new Option(
          '--rate-limit <n>',
          "limit per window (Binance: weight per minute) instead of the exchange's, e.g. a share of the IP's",
        ).argParser(wholeArg),
      )
      .addOption(
        new Option(
          '--download-concurrency <n>',
          "requests in flight within one unit (default: the exchange's, Binance 16)",
        ).argParser(wholeArg),
      )
      .option('--exit-when-drained', 'exit 0 once no unit is waiting, running or waiting for a retry');
    fleetExchangeOptions(worker).action((flags: WorkerFlags) => runWorker(ctx, worker, flags));
    const status = queueOptions(
      cmd
        .command('status')
        .summary('units done, running, waiting, failed (with the reason), rate and ETA')
        .option('--json', 'print JSON')
        .option('--watch', 'print again every --interval seconds until no unit is left')
        .addOption(
          new Option('--interval <s>', 'seconds between prints with --watch')
            .argParser(parsePositiveArg)
            .default(2),
        ),
    );
    status.action((flags: StatusFlags) => runStatus(ctx, flags));
    for (const sub of [submit, worker, status]) subcommand(ctx, sub);
  },
};

function httpOf(flags: ExchangeFlags) {
  return {
    maxRetries: flags.retries ?? 5,
    timeout: flags.timeout ?? 30,
    ...(flags.backoff === undefined ? {} : { backoffBase: flags.backoff }),
  };
}

async function runSubmit(
  ctx: CliContext,
  cmd: Command,
  exchange: ExchangeId,
  kind: KindId,
  symbols: string[],
  flags: SubmitFlags,
): Promise<void> {
  const { quiet = false } = globalsOf(cmd);
  kindSpan(kind, flags.span === undefined ? undefined : formatSpan(flags.span), '--span');
  const range = resolveRange(flags.from, flags.to, flags.sim ? SIM_DEFAULT_NOW_NS : undefined);
  // Only to resolve symbols and the exchange's clock: the limiter is the adapter's own (one request each).
  const conn = await connectExchange(
    exchange,
    { ...flags, redis: undefined },
    { warn: (m) => ctx.io.stderr.write(`warning: ${m}\n`) },
  );
  try {
    const { submitFleetJob } = await import('../../fleet/submit.js');
    const report = await submitFleetJob({
      redis: flags.redis,
      ...(flags.queue ? { queue: flags.queue } : {}),
      dir: flags.archive,
      exchange,
      kind,
      ...(flags.span === undefined ? {} : { span: flags.span }),
      symbols,
      start: range.startNs,
      end: range.toNow && !flags.sim ? 'now' : range.endNs,
      rateScale: conn.rateScale,
      ...(conn.baseUrl === undefined ? {} : { baseUrl: conn.baseUrl }),
      http: conn.http,
      ...(flags.attempts === undefined ? {} : { attempts: flags.attempts }),
      ...(flags.retryDelay === undefined
        ? {}
        : { backoffMs: Math.max(1, Math.round(flags.retryDelay * 1000)) }),
    });
    if (flags.json) ctx.io.stdout.write(`${JSON.stringify(report)}\n`);
    if (!quiet) ctx.io.stderr.write(`${describeSubmit(report)}\n`);
    ctx.exitCode = EXIT.OK;
  } finally {
    await conn.close();
  }
}

async function runWorker(ctx: CliContext, cmd: Command, flags: WorkerFlags): Promise<void> {
  const { quiet = false } = globalsOf(cmd);
  const say = (line: string): void => {
    ctx.io.stderr.write(`${line}\n`);
  };
  // With --sim, one in-process simulator per exchange (all with the same seed: the same market for every
  // worker), for trying a fleet out on one machine.
  const sims = flags.sim
    ? await Promise.all(
        EXCHANGES.map((e) => connectExchange(e, { ...flags, redis: undefined }, { warn: say })),
      )
    : [];
  const baseUrl = flags.sim
    ? Object.fromEntries(EXCHANGES.map((e, i) => [e, sims[i]?.baseUrl as string]))
    : flags.baseUrl;
  const trap = trapInterrupts({
    onFirst: (s) => say(`${s}: stopping; running units commit what they have and go back to the queue`),
  });
  const { startFleetWorker } = await import('../../fleet/worker.js');
  const worker = await startFleetWorker({
    redis: flags.redis,
    ...(flags.queue ? { queue: flags.queue } : {}),
    dir: flags.archive,
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.limitScope === undefined ? {} : { limitScope: flags.limitScope }),
    ...(flags.localAddress === undefined ? {} : { localAddress: flags.localAddress }),
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(flags.rateScale === undefined ? {} : { rateScale: flags.rateScale }),
    ...(flags.rateLimit === undefined ? {} : { rateLimit: flags.rateLimit }),
    ...(flags.downloadConcurrency === undefined ? {} : { downloadConcurrency: flags.downloadConcurrency }),
    http: httpOf(flags),
    stallTimeoutMs: Math.round((flags.stallTimeout ?? 30) * 1000),
    onEvent: (e) => {
      const line = describeWorkerEvent(e);
      if (line === undefined) return;
      const always = e.type === 'error' || e.type === 'paused' || (e.type === 'failed' && e.final);
      if (always || !quiet) say(line);
    },
  });
  if (!quiet)
    say(`fleet worker ${worker.name} on queue ${flags.queue ?? 'tickwire-fleet'}, archive ${flags.archive}`);
  try {
    if (flags.exitWhenDrained) {
      const { fleetStatus } = await import('../../fleet/status.js');
      const { sleep } = await import('../../transport/sleep.js');
      for (;;) {
        const s = await fleetStatus({
          redis: flags.redis,
          ...(flags.queue ? { queue: flags.queue } : {}),
          failedLimit: 1,
          rateWindow: 1,
        });
        if (drained(s)) break;
        try {
          await sleep(1000, trap.signal);
        } catch {
          break;
        }
      }
    } else {
      await trap.next;
    }
  } finally {
    await worker.close();
    trap.dispose();
    for (const s of sims) await s.close();
  }
  if (!quiet) say(`fleet worker ${worker.name}: ${worker.done} unit(s) done`);
  ctx.exitCode = trap.received ? (trap.received === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT) : EXIT.OK;
}

async function runStatus(ctx: CliContext, flags: StatusFlags): Promise<void> {
  const { fleetStatus } = await import('../../fleet/status.js');
  const { sleep } = await import('../../transport/sleep.js');
  const trap = flags.watch ? trapInterrupts() : undefined;
  try {
    for (;;) {
      const s = await fleetStatus({ redis: flags.redis, ...(flags.queue ? { queue: flags.queue } : {}) });
      if (flags.json) ctx.io.stdout.write(`${JSON.stringify(s)}\n`);
      else ctx.io.stdout.write(`${describeStatus(s).join('\n')}\n`);
      ctx.exitCode = s.failed > 0 ? EXIT.INCOMPLETE : EXIT.OK;
      if (!flags.watch || drained(s)) return;
      try {
        await sleep(flags.interval * 1000, trap?.signal);
      } catch {
        return;
      }
    }
  } finally {
    trap?.dispose();
  }
}
