/**
 * `tickwire ohlc <exchange> <symbol> --span 1h --from ... --to ...`: candles to stdout or a file.
 *
 * @module
 */
import { Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import { EXCHANGE_HELP, parseExchangeArg, parseSpanArg } from '../args.js';
import type { CommandModule } from '../context.js';
import { addDownloadOptions, type DownloadFlags, runDownloadCommand } from '../download-command.js';

const EXAMPLES = `
Examples:
  $ tickwire ohlc binance BTCUSDT --span 1h --from 2024-01-01 --to 2024-02-01 --out btc-1h.csv
  $ tickwire ohlc coinbase BTC-USD --span 1d --from 2023-01-01 --format jsonl > btc-1d.jsonl
  $ tickwire ohlc kraken XBTUSD --span 1m --from 2025-12-31T12:00 --to now --sim
  $ tickwire ohlc binance ETH/USDT --span 15m --from 2024-01-01 --out eth.csv   # rerun: resumes

Bars are labelled by their open time; the bar containing --from is the first, bars opening at or after
--to are not included. A rerun into the same --out continues after its last bar (no gap, no duplicate).`;

/** The `ohlc` command. */
export const ohlcCommand: CommandModule = {
  name: 'ohlc',
  register(program, ctx) {
    const cmd = program
      .command('ohlc')
      .summary('download candles (OHLCV bars)')
      .description('Download candles (OHLCV bars) of one symbol over a time range, to stdout or a file.')
      .argument('<exchange>', EXCHANGE_HELP, parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT, BTCUSDT, BTC-USD, XBTUSD')
      .addOption(
        new Option('--span <span>', 'bar length: 1m, 5m, 15m, 1h, 4h, 1d, 1w (what the exchange offers)')
          .argParser(parseSpanArg)
          .makeOptionMandatory(),
      );
    addDownloadOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbol: string, flags: DownloadFlags) =>
        runDownloadCommand(ctx, cmd, 'ohlc', exchange, symbol, flags),
      );
  },
};
