/**
 * `tickwire ohlc <exchange> <symbol> --span 1h --from ... --to ... [--price last|mark|index|premium]`:
 * candles of the traded price, or of a derivative's mark price, index price or premium index, to stdout
 * or a file.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import type { KindId } from '../../core/kinds.js';
import { parseExchangeArg, parseSpanArg } from '../args.js';
import type { CommandModule } from '../context.js';
import { addDownloadOptions, type DownloadFlags, runDownloadCommand } from '../download-command.js';

const EXAMPLES = `
Examples:
  $ tickwire ohlc binance BTCUSDT --span 1h --from 2024-01-01 --to 2024-02-01 --out btc-1h.csv
  $ tickwire ohlc coinbase BTC-USD --span 1d --from 2023-01-01 --format jsonl > btc-1d.jsonl
  $ tickwire ohlc kraken XBTUSD --span 1m --from 2025-12-31T12:00 --to now --sim
  $ tickwire ohlc binance ETH/USDT --span 15m --from 2024-01-01 --out eth.csv   # rerun: resumes
  $ tickwire ohlc binance-usdm BTC/USDT:USDT --span 1m --price mark --from 2025-12-31 --sim

Bars are labelled by their open time; the bar containing --from is the first, bars opening at or after
--to are not included. A rerun into the same --out continues after its last bar (no gap, no duplicate).
--price picks the price of a perpetual's candles: last (traded, with volume), mark, index or premium
(the premium index); the last three have no volume column (kinds mark-ohlc, index-ohlc, premium-ohlc).`;

/** `--price` → the kind downloaded. */
const PRICE_KINDS = {
  last: 'ohlc',
  mark: 'mark-ohlc',
  index: 'index-ohlc',
  premium: 'premium-ohlc',
} as const;

/** Parses `--price`: `last`, `mark`, `index` or `premium`. */
export function parsePriceArg(text: string): keyof typeof PRICE_KINDS {
  const p = text.trim().toLowerCase();
  if (!(p in PRICE_KINDS)) throw new InvalidArgumentError('Expected one of last, mark, index, premium.');
  return p as keyof typeof PRICE_KINDS;
}

/** The `ohlc` command. */
export const ohlcCommand: CommandModule = {
  name: 'ohlc',
  register(program, ctx) {
    const cmd = program
      .command('ohlc')
      .summary('download candles (OHLCV bars)')
      .description('Download candles (OHLCV bars) of one symbol over a time range, to stdout or a file.')
      .argument('<exchange>', EXCHANGES.join(', '), parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT, BTCUSDT, BTC-USD, XBTUSD')
      .addOption(
        new Option('--span <span>', 'bar length: 1m, 5m, 15m, 1h, 4h, 1d, 1w (what the exchange offers)')
          .argParser(parseSpanArg)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option('--price <price>', 'last (traded), or for derivatives mark, index or premium')
          .argParser(parsePriceArg)
          .default('last'),
      );
    addDownloadOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action(
        (
          exchange: ExchangeId,
          symbol: string,
          flags: DownloadFlags & { price: keyof typeof PRICE_KINDS },
        ) => {
          const kind: KindId = PRICE_KINDS[flags.price];
          return runDownloadCommand(ctx, cmd, kind, exchange, symbol, flags);
        },
      );
  },
};
