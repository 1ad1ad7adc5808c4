/**
 * `tickwire open-interest <exchange> <symbol> --period 5m --from ... --to ...`: open interest sampled
 * every period, to stdout or a file. Works for every exchange whose adapter serves `open-interest`.
 *
 * @module
 */
import { Option } from 'commander';
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import { parseExchangeArg, parseSpanArg } from '../args.js';
import type { CommandModule } from '../context.js';
import { addDownloadOptions, type DownloadFlags, runDownloadCommand } from '../download-command.js';

const EXAMPLES = `
Examples:
  $ tickwire open-interest binance-usdm BTCUSDT --period 5m --from 2025-12-01 --out btc-oi.csv
  $ tickwire open-interest binance-usdm BTC/USDT:USDT --period 1h --from 2025-12-15 --sim

Columns: tsNs, time (the sample time), amount (base units), value (quote units, when reported).
Binance USDⓈ-M keeps only the last 30 days: an older part of the range is reported missing with that
reason (exit 1), a range entirely older is refused (exit 3).`;

/** The `open-interest` command. */
export const openInterestCommand: CommandModule = {
  name: 'open-interest',
  register(program, ctx) {
    const cmd = program
      .command('open-interest')
      .summary('download open interest of a derivative')
      .description('Download the open interest of one derivative, sampled every --period, over a time range.')
      .argument('<exchange>', `an exchange with derivatives (${EXCHANGES.join(', ')})`, parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT:USDT, BTCUSDT')
      .addOption(
        new Option(
          '--period <period>',
          'sampling period: 5m, 15m, 30m, 1h, 2h, 4h, 6h, 12h, 1d (what the exchange offers)',
        )
          .argParser(parseSpanArg)
          .default(300, '5m'),
      );
    addDownloadOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbol: string, flags: DownloadFlags & { period: number }) =>
        runDownloadCommand(ctx, cmd, 'open-interest', exchange, symbol, { ...flags, span: flags.period }),
      );
  },
};
