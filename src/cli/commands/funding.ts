/**
 * `tickwire funding <exchange> <symbol> --from ... --to ...`: the funding rates of a perpetual swap, one
 * row per funding time, to stdout or a file. Works for every exchange whose adapter serves the `funding`
 * kind.
 *
 * @module
 */
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import { parseExchangeArg } from '../args.js';
import type { CommandModule } from '../context.js';
import { addDownloadOptions, type DownloadFlags, runDownloadCommand } from '../download-command.js';

const EXAMPLES = `
Examples:
  $ tickwire funding binance-usdm BTCUSDT --from 2024-01-01 --to 2025-01-01 --out btc-funding.csv
  $ tickwire funding binance-usdm BTC/USDT:USDT --from 2025-12-01 --sim --format jsonl

Columns: tsNs, time (the funding time), rate (a fraction: 0.0001 = 0.01 %, positive: longs pay shorts),
markPrice (at the funding time, when the exchange reports it). A rerun into the same --out continues
after its last row.`;

/** The `funding` command. */
export const fundingCommand: CommandModule = {
  name: 'funding',
  register(program, ctx) {
    const cmd = program
      .command('funding')
      .summary('download funding rates of a perpetual swap')
      .description('Download the funding rate history of one perpetual swap over a time range.')
      .argument('<exchange>', `an exchange with derivatives (${EXCHANGES.join(', ')})`, parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT:USDT, BTCUSDT');
    addDownloadOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbol: string, flags: DownloadFlags) =>
        runDownloadCommand(ctx, cmd, 'funding', exchange, symbol, flags),
      );
  },
};
