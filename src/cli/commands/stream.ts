/**
 * `tickwire stream trades <exchange> <symbol...>`: live trades, every id once and in order (holes refilled
 * over REST), as JSONL or CSV lines on stdout or `--out`; reconnects, repairs and gaps on stderr. The
 * derivatives streams (`stream mark`, `stream liquidations`) live in `stream-derivatives.ts`.
 *
 * @module
 */
import type { ExchangeId } from '../../adapters/adapter.js';
import { formatIsoNs } from '../../core/time.js';
import type { TradeStreamEvent } from '../../stream/index.js';
import { EXCHANGE_HELP, parseExchangeArg } from '../args.js';
import type { CliContext, CommandModule } from '../context.js';
import { addLiveOptions, type LiveFlags, runLive } from '../live-command.js';
import { TRADE_CSV_HEADER, tradeLine } from '../live-output.js';
import { registerDerivativeStreams } from './stream-derivatives.js';

const EXAMPLES = `
Examples:
  $ tickwire stream trades binance BTCUSDT ETHUSDT
  $ tickwire stream trades coinbase BTC-USD --duration 60 --out btc.csv
  $ tickwire stream trades kraken XBTUSD --sim --sim-speed 20 --ws-faults dropRate=0.01 --count 1000

Lines carry the unified symbol. Lost messages and reconnects are repaired over REST (a "repaired" line
on stderr); ids REST cannot supply are "GAP" lines on stderr and the exit code is 1. Ctrl-C stops
cleanly (exit 130): the output holds complete lines only.`;

/** The `stream` command (with its `trades` subcommand). */
export const streamCommand: CommandModule = {
  name: 'stream',
  register(program, ctx) {
    const parent = program
      .command('stream')
      .summary('follow live data over WebSocket')
      .description('Follow live market data over WebSocket without losing or repeating a record.');
    const cmd = parent
      .command('trades')
      .summary('live trades of one or more symbols')
      .description('Live trades of one or more symbols of one exchange, each once, in id order per symbol.')
      .argument('<exchange>', EXCHANGE_HELP, parseExchangeArg)
      .argument('<symbol...>', 'symbols in any spelling: BTC/USDT, BTCUSDT, BTC-USD, XBTUSD');
    addLiveOptions(cmd)
      .addHelpText('after', EXAMPLES)
      .action((exchange: ExchangeId, symbols: string[], flags: LiveFlags) =>
        runStreamTrades(ctx, cmd, exchange, symbols, flags),
      );
    const derivatives = registerDerivativeStreams(parent, ctx);
    for (const c of [parent, cmd, ...derivatives]) {
      c.exitOverride()
        .configureOutput({
          writeOut: (s) => ctx.io.stdout.write(s),
          writeErr: (s) => ctx.io.stderr.write(s),
        })
        .showHelpAfterError(
          `(run tickwire stream ${c === parent ? 'trades' : c.name()} --help for usage and examples)`,
        );
    }
  },
};

/** One line on stderr for an event, and whether it reports missing data. */
export function describeTradeEvent(e: TradeStreamEvent): { line: string; warn: boolean } {
  switch (e.kind) {
    case 'connected':
      return { line: `connected to ${e.url}`, warn: false };
    case 'disconnected':
      return { line: `disconnected (${e.cause}: ${e.reason})`, warn: false };
    case 'reconnected':
      return {
        line: `reconnected after ${Math.round(e.downtimeMs)} ms (connection ${e.connection})`,
        warn: false,
      };
    case 'parse-error':
      return { line: `skipped a frame that could not be parsed: ${e.error.message}`, warn: true };
    case 'repaired':
      return {
        line: `${e.symbol}: repaired ids ${e.fromId}..${e.toId} (${e.count} trades over REST after ${e.trigger}, ${Math.round(e.elapsedMs)} ms)`,
        warn: false,
      };
    case 'gap':
      if (e.count < 0) {
        // Exchanges without contiguous ids (Bybit): only the times of the gap are known.
        return {
          line: `GAP ${e.symbol}: trades between ${formatIsoNs(e.sinceNs)} and ${formatIsoNs(e.untilNs)} not delivered: ${e.reason}${e.error ? ` (${e.error.message})` : ''}`,
          warn: true,
        };
      }
      return {
        line: `GAP ${e.symbol}: ids ${e.fromId}..${e.toId} (${e.count} trades between ${formatIsoNs(e.sinceNs)} and ${formatIsoNs(e.untilNs)}) not delivered: ${e.reason}${e.error ? ` (${e.error.message})` : ''}`,
        warn: true,
      };
  }
}

async function runStreamTrades(
  ctx: CliContext,
  cmd: Parameters<typeof runLive>[1],
  exchange: ExchangeId,
  symbols: string[],
  flags: LiveFlags,
): Promise<void> {
  const label = `${exchange} ${symbols.join(' ')} live trades`;
  await runLive(ctx, cmd, exchange, flags, label, async (run) => {
    let trades = 0;
    let repaired = 0;
    let missing = 0;
    if (run.format === 'csv') await run.out.write(TRADE_CSV_HEADER);
    if (run.counted(0)) return { incomplete: false, summary: '0 trades' };
    const c = run.connection;
    const { isStreamEvent, streamTrades } = await import('../../stream/index.js');
    const it = streamTrades({
      exchange,
      symbols,
      signal: run.signal,
      adapterOptions: c.adapterOptions,
      websocket: c.websocket,
      ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
      ...(c.wsUrl === undefined ? {} : { wsUrl: c.wsUrl }),
    });
    for await (const item of it) {
      if (isStreamEvent(item)) {
        const e = item as TradeStreamEvent;
        if (e.kind === 'repaired') repaired += e.count;
        if (e.kind === 'gap') missing += e.count;
        const d = describeTradeEvent(e);
        (d.warn ? run.warn : run.info)(`tickwire: ${exchange} ${d.line}`);
        continue;
      }
      const wait = run.out.write(tradeLine(run.format, item));
      if (wait) await wait;
      if (run.counted(++trades)) break;
    }
    return {
      incomplete: missing > 0,
      summary: `${trades} trades (${repaired} repaired over REST, ${missing} missing)`,
    };
  });
}
