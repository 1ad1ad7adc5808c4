/**
 * `tickwire book <exchange> <symbol>`: a live local order book kept in sync by the exchange's rules; one
 * line per snapshot or update with the top `--depth` levels; resyncs and reconnects on stderr.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import type { ExchangeId } from '../../adapters/adapter.js';
import type { BookStreamItem } from '../../stream/index.js';
import { EXCHANGE_HELP, parseExchangeArg } from '../args.js';
import type { CliContext, CommandModule } from '../context.js';
import { EXIT } from '../exit.js';
import { addLiveOptions, type LiveFlags, runLive } from '../live-command.js';
import { bookCsvHeader, bookLine } from '../live-output.js';
import { ResyncLines } from '../resync-lines.js';
import { describeTradeEvent } from './stream.js';

const EXAMPLES = `
Examples:
  $ tickwire book binance BTCUSDT --depth 5
  $ tickwire book kraken XBTUSD --duration 30 --out book.csv
  $ tickwire book coinbase BTC-USD --sim --sim-speed 10 --count 100

Each line is the book after one event: "snapshot" (rebuilt) or "update". When the book is found out of
sync (Binance: a skipped update id; Kraken: a checksum mismatch; any exchange: a reconnect) a "resync"
line goes to stderr and a new snapshot follows after a backoff wait; repeated identical resyncs are
collapsed into one line with a count. A book that never becomes valid (or cannot be resynced after the
retries) exits with 4. Ctrl-C stops cleanly (exit 130).`;

type BookFlags = LiveFlags & { depth: number; resyncRetries?: number };

/** Parses `--resync-retries`: a non-negative integer. */
function parseRetriesArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('Expected a whole number of retries (0 or more).');
  }
  return n;
}

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
      )
      .addOption(
        new Option(
          '--resync-retries <n>',
          'failed resyncs in a row (each after a backoff wait) before giving up with exit 4; default 10',
        ).argParser(parseRetriesArg),
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
    let books = 0;
    const resyncs = new ResyncLines((line) => run.warn(line));
    if (run.format === 'csv') await run.out.write(bookCsvHeader(flags.depth));
    if (run.counted(0)) return { incomplete: false, summary: '0 books' };
    const c = run.connection;
    const { streamBook } = await import('../../stream/index.js');
    const it = streamBook({
      exchange,
      symbol,
      depth: flags.depth,
      signal: run.signal,
      adapterOptions: c.adapterOptions,
      websocket: c.websocket,
      ...(flags.resyncRetries === undefined ? {} : { resync: { maxRetries: flags.resyncRetries } }),
      ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
      ...(c.wsUrl === undefined ? {} : { wsUrl: c.wsUrl }),
    });
    try {
      for await (const ev of it as AsyncIterable<BookStreamItem>) {
        if (ev.kind === 'snapshot' || ev.kind === 'update') {
          if (ev.kind === 'snapshot') {
            books++;
            resyncs.valid();
          }
          const wait = run.out.write(bookLine(run.format, ev, flags.depth));
          if (wait) await wait;
          if (run.counted(++lines)) break;
          continue;
        }
        if (ev.kind === 'resync') {
          resyncs.resync(exchange, ev);
          continue;
        }
        const d = describeTradeEvent(ev);
        (d.warn ? run.warn : run.info)(`tickwire: ${exchange} ${d.line}`);
      }
    } finally {
      // Before the summary, or before the error's message when the stream gave up.
      resyncs.flush();
    }
    const summary = `${lines} book lines (${resyncs.total} resyncs)`;
    if (books === 0) {
      run.warn(`tickwire: ${exchange} ${symbol}: the book never became valid (no snapshot was loaded)`);
      return { incomplete: false, summary, exitCode: EXIT.BOOK_INVALID };
    }
    return { incomplete: false, summary };
  });
}
