/**
 * `tickwire book <exchange> <symbol>`: a live local order book kept in sync by the exchange's rules; one
 * line per snapshot or update with the top `--depth` levels; resyncs and reconnects on stderr.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import { type BookStreamItem, streamBook } from '../../stream/index.js';
import { EXCHANGE_HELP, parseExchangeArg } from '../args.js';
import type { CliContext, CommandModule } from '../context.js';
import { addLiveOptions, type LiveFlags, runLive } from '../live-command.js';
import { bookCsvHeader, bookLine } from '../live-output.js';
import { describeTradeEvent } from './stream.js';

const EXAMPLES = `
Examples:
  $ tickwire book binance BTCUSDT --depth 5
  $ tickwire book kraken XBTUSD --duration 30 --out book.csv
  $ tickwire book coinbase BTC-USD --sim --sim-speed 10 --count 100

Each line is the book after one event: "snapshot" (rebuilt) or "update". When the book is found out of
sync (Binance: a skipped update id; Kraken: a checksum mismatch; any exchange: a reconnect) a "resync"
line goes to stderr and a new snapshot follows. Ctrl-C stops cleanly (exit 130).`;

type BookFlags = LiveFlags & { depth: number };

/** Parses `--depth`: levels per side, 1..1000. */
function parseDepthArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 1000) {
    throw new InvalidArgumentError('Expected a number of levels in 1..1000.');
  }
  return n;
}

/** The `book` command. */
export const bookCommand: CommandModule = {
  name: 'book',
  register(program, ctx) {
    const cmd = program
      .command('book')
      .summary('follow a live order book')
      .description(
        'Follow the live order book of one symbol, verified by the exchange’s rules (update ids, checksums).',
      )
      .argument('<exchange>', EXCHANGE_HELP, parseExchangeArg)
      .argument('<symbol>', 'symbol in any spelling: BTC/USDT, BTCUSDT, BTC-USD, XBTUSD')
      .addOption(
        new Option('--depth <n>', 'levels per side in each line').argParser(parseDepthArg).default(10),
      );
    addLiveOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbol: string, flags: BookFlags) =>
        runBook(ctx, cmd, exchange, symbol, flags),
      );
  },
};

async function runBook(
  ctx: CliContext,
  cmd: Parameters<typeof runLive>[1],
  exchange: ExchangeId,
  symbol: string,
  flags: BookFlags,
): Promise<void> {
  const label = `${exchange} ${symbol} live book`;
  await runLive(ctx, cmd, exchange, flags, label, async (run) => {
    let lines = 0;
    let resyncs = 0;
    if (run.format === 'csv') await run.out.write(bookCsvHeader(flags.depth));
    if (run.counted(0)) return { incomplete: false, summary: '0 books' };
    const c = run.connection;
    const it = streamBook({
      exchange,
      symbol,
      depth: flags.depth,
      signal: run.signal,
      adapterOptions: c.adapterOptions,
      websocket: c.websocket,
      ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
      ...(c.wsUrl === undefined ? {} : { wsUrl: c.wsUrl }),
    });
    for await (const ev of it as AsyncIterable<BookStreamItem>) {
      if (ev.kind === 'snapshot' || ev.kind === 'update') {
        const wait = run.out.write(bookLine(run.format, ev, flags.depth));
        if (wait) await wait;
        if (run.counted(++lines)) break;
        continue;
      }
      if (ev.kind === 'resync') {
        resyncs++;
        run.warn(`tickwire: ${exchange} ${ev.symbol}: resync (${ev.reason}): ${ev.detail}`);
        continue;
      }
      const d = describeTradeEvent(ev);
      (d.warn ? run.warn : run.info)(`tickwire: ${exchange} ${d.line}`);
    }
    return { incomplete: false, summary: `${lines} book lines (${resyncs} resyncs)` };
  });
}
