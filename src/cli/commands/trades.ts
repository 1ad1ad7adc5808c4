/**
 * `tickwire trades <exchange> <symbol> --from ... --to ...`: every trade in a range, each once.
 *
 * @module
 */
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import { parseExchangeArg } from '../args.js';
import type { CommandModule } from '../context.js';
import { addDownloadOptions, type DownloadFlags, runDownloadCommand } from '../download-command.js';

const EXAMPLES = `
Examples:
  $ tickwire trades binance BTCUSDT --from 2024-01-01T00:00 --to 2024-01-01T06:00 --out btc.csv
  $ tickwire trades coinbase BTC-USD --from 2025-12-31T23:00 --sim | head -n 5
  $ tickwire trades kraken XBTUSD --from 2024-03-01 --to 2024-03-02 --out xbt.jsonl --redis redis://127.0.0.1:6379

A rerun into the same --out continues at its last trade's time and skips the ids already written there
(no gap, no duplicate). Ctrl-C stops cleanly: the file stays valid and the missing range is printed.`;

/** The `trades` command. */
export const tradesCommand: CommandModule = {
  name: 'trades',
  register(program, ctx) {
    const cmd = program
      .command('trades')
      .summary('download every trade in a range')
      .description('Download every trade of one symbol over a time range, ascending, each exactly once.')
      .argument('<exchange>', EXCHANGES.join(', '), parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT, BTCUSDT, BTC-USD, XBTUSD');
    addDownloadOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbol: string, flags: DownloadFlags) =>
        runDownloadCommand(ctx, cmd, 'trades', exchange, symbol, flags),
      );
  },
};
