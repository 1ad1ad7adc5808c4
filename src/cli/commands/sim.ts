/**
 * `tickwire sim --exchange binance`: runs a simulator until SIGINT/SIGTERM and prints its URL on stdout
 * (one line, so a script can read it) and what it is on stderr.
 *
 * @module
 */
import { Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import { formatIsoNs } from '../../core/time.js';
import type { FaultOptions } from '../../sim/index.js';
import {
  EXCHANGE_HELP,
  formatFaults,
  parseExchangeArg,
  parseFaultsArg,
  parseIntArg,
  parsePortArg,
  parseRateLimitsArg,
  parseSimNowArg,
  type RateLimitsArg,
} from '../args.js';
import { type CliContext, type CommandModule, globalsOf } from '../context.js';
import { SIM_DEFAULT_NOW_NS } from '../exchange.js';
import { EXIT } from '../exit.js';
import { trapInterrupts } from '../signals.js';

type SimFlags = {
  exchange: ExchangeId;
  port: number;
  host: string;
  seed: number;
  faults?: FaultOptions;
  rateLimits: RateLimitsArg;
  now: bigint | 'real';
};

const EXAMPLES = `
Examples:
  $ tickwire sim --exchange binance
  http://127.0.0.1:39125
  $ tickwire sim --exchange kraken --port 8080 --faults errorRate=0.05,resetRate=0.01,latencyMs=50
  $ URL=$(tickwire sim --exchange coinbase --rate-limits 20 | head -n 1) ...

  # in a script: start it, read its URL, download from it, stop it
  $ tickwire sim --exchange binance > sim.url & sleep 1
  $ tickwire trades binance BTCUSDT --from 2025-12-31T22:00 --to 2025-12-31T23:00 --base-url "$(cat sim.url)"
  $ kill %1

--faults takes comma-separated key=value pairs: errorRate, resetRate, truncateRate, stallRate (fractions
of requests, summing to at most 1), latencyMs, jitterMs (ms), seed (integer).
The market clock is fixed at ${formatIsoNs(SIM_DEFAULT_NOW_NS)} unless --now is given: nothing exists after it.`;

/** The `sim` command. */
export const simCommand: CommandModule = {
  name: 'sim',
  register(program, ctx) {
    const cmd = program
      .command('sim')
      .summary('run an exchange simulator (no network needed)')
      .description(
        'Run a loopback simulator of one exchange (REST dialect, real page caps and rate limits, seeded market)\n' +
          'until SIGINT/SIGTERM. Prints its URL on stdout.',
      )
      .addOption(
        new Option('--exchange <id>', EXCHANGE_HELP).argParser(parseExchangeArg).makeOptionMandatory(),
      )
      .addOption(new Option('--port <port>', 'port; 0 picks a free one').argParser(parsePortArg).default(0))
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .addOption(new Option('--seed <n>', 'seed of the market').argParser(parseIntArg).default(1))
      .addOption(
        new Option('--faults <list>', 'faults to inject, e.g. errorRate=0.05,latencyMs=50').argParser(
          parseFaultsArg,
        ),
      )
      .addOption(
        new Option('--rate-limits <mode>', 'on (the real limits), off, or a factor that multiplies them')
          .argParser(parseRateLimitsArg)
          .default('on'),
      )
      .addOption(
        new Option('--now <time>', 'market clock: an ISO date-time, or real for the wall clock')
          .argParser(parseSimNowArg)
          .default(SIM_DEFAULT_NOW_NS, formatIsoNs(SIM_DEFAULT_NOW_NS)),
      )
      .addHelpText('after', EXAMPLES)
      .action((flags: SimFlags) => runSim(ctx, flags, globalsOf(cmd).quiet === true));
  },
};

async function runSim(ctx: CliContext, flags: SimFlags, quiet: boolean): Promise<void> {
  const { io } = ctx;
  const trap = trapInterrupts();
  try {
    const { startSimulator } = await import('../../sim/index.js');
    const sim = await startSimulator({
      exchange: flags.exchange,
      port: flags.port,
      host: flags.host,
      seed: flags.seed,
      now: flags.now,
      rateLimits: flags.rateLimits,
      ...(flags.faults ? { faults: flags.faults } : {}),
    });
    io.stdout.write(`${sim.url}\n`);
    if (!quiet) {
      const limits = typeof flags.rateLimits === 'object' ? `×${flags.rateLimits.scale}` : flags.rateLimits;
      io.stderr.write(
        `tickwire sim: ${flags.exchange} on ${sim.url} (seed ${flags.seed}, clock ${flags.now === 'real' ? 'real' : formatIsoNs(flags.now)}, ` +
          `rate limits ${limits}, faults ${formatFaults(flags.faults)}). Symbols: ${sim.truth.symbols().join(', ')}. Stop with Ctrl-C.\n`,
      );
    }
    const signal = await trap.next;
    const stats = sim.stats();
    await sim.close();
    if (!quiet) {
      io.stderr.write(
        `tickwire sim: ${signal}, stopped after ${stats.requests} requests (${stats.throttled} throttled, ` +
          `${stats.faults.error + stats.faults.reset + stats.faults.truncate + stats.faults.stall} faulted).\n`,
      );
    }
    ctx.exitCode = EXIT.OK;
  } finally {
    trap.dispose();
  }
}
