/**
 * `tickwire stream mark <exchange> <symbol...>` and `tickwire stream liquidations <exchange> <symbol...>`:
 * live mark prices (mark, index, funding rate, next funding) and liquidations as JSONL or CSV lines, for
 * any exchange with those feeds. A lost connection cannot be refilled (neither has a REST history): it is
 * a "GAP" line on stderr and the exit code is 1.
 *
 * @module
 */
import type { Command } from 'commander';
import { EXCHANGES, type ExchangeId } from '../../adapters/adapter.js';
import { formatIsoNs } from '../../core/time.js';
import type { LiveGapEvent, StreamLiquidation, StreamMark } from '../../stream/index.js';
import type { FeedEvent } from '../../transport/websocket/index.js';
import { parseExchangeArg } from '../args.js';
import type { CliContext } from '../context.js';
import { addLiveOptions, type LiveFlags, runLive } from '../live-command.js';
import { liveCsvHeader, liveLine } from '../live-output.js';
import { describeTradeEvent } from './stream.js';

const MARK_EXAMPLES = `
Examples:
  $ tickwire stream mark binance-usdm BTCUSDT ETHUSDT
  $ tickwire stream mark binance-usdm BTC/USDT:USDT --sim --sim-speed 10 --count 20 --format csv

One line per update (Binance USDⓈ-M: markPrice@1s, one a second): tsNs, time, symbol, markPrice,
indexPrice, fundingRate (the current, predicted rate), nextFundingNs, recvNs (local receive time).`;

const LIQ_EXAMPLES = `
Examples:
  $ tickwire stream liquidations binance-usdm BTCUSDT ETHUSDT --out liq.csv
  $ tickwire stream liquidations binance-usdm BTCUSDT --sim --sim-speed 600 --count 5

side is the liquidated position's side (a forced SELL closes a long). Binance pushes at most one
liquidation per symbol per second, so the feed is a sample: such lines have sampled=true.`;

type Kind = 'mark' | 'liquidations';

/** Adds `mark` and `liquidations` under `tickwire stream`. Returns the new subcommands. */
export function registerDerivativeStreams(parent: Command, ctx: CliContext): Command[] {
  const made: Command[] = [];
  for (const [kind, summary, examples] of [
    ['mark', 'live mark prices, index prices and funding rates of derivatives', MARK_EXAMPLES],
    ['liquidations', 'live liquidations of derivatives (often sampled by the exchange)', LIQ_EXAMPLES],
  ] as const) {
    const cmd = parent
      .command(kind)
      .summary(summary)
      .description(
        `Live ${kind === 'mark' ? 'mark-price updates' : 'liquidations'} of one or more derivatives of one exchange.`,
      )
      .argument('<exchange>', `an exchange with derivatives (${EXCHANGES.join(', ')})`, parseExchangeArg)
      .argument('<symbol...>', 'symbols in any spelling: BTC/USDT:USDT, BTCUSDT');
    addLiveOptions(cmd)
      .addHelpText('after', examples)
      .action((exchange: ExchangeId, symbols: string[], flags: LiveFlags) =>
        runDerivativeStream(ctx, cmd, kind, exchange, symbols, flags),
      );
    made.push(cmd);
  }
  return made;
}

/** One stderr line for an event of a derivatives stream, and whether it reports missing data. */
export function describeLiveEvent(e: LiveGapEvent | FeedEvent): { line: string; warn: boolean } {
  if (e.kind === 'gap') {
    return {
      line: `GAP ${e.symbol}: nothing received between ${formatIsoNs(e.sinceNs)} and ${formatIsoNs(e.untilNs)} (${e.detail})`,
      warn: true,
    };
  }
  return describeTradeEvent(e);
}

async function runDerivativeStream(
  ctx: CliContext,
  cmd: Command,
  kind: Kind,
  exchange: ExchangeId,
  symbols: string[],
  flags: LiveFlags,
): Promise<void> {
  const what = kind === 'mark' ? 'mark prices' : 'liquidations';
  const label = `${exchange} ${symbols.join(' ')} live ${what}`;
  await runLive(ctx, cmd, exchange, flags, label, async (run) => {
    let records = 0;
    let gaps = 0;
    if (run.format === 'csv') await run.out.write(liveCsvHeader(kind));
    if (run.counted(0)) return { incomplete: false, summary: `0 ${what}` };
    const c = run.connection;
    const options = {
      exchange,
      symbols,
      signal: run.signal,
      adapterOptions: c.adapterOptions,
      websocket: c.websocket,
      ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
      ...(c.wsUrl === undefined ? {} : { wsUrl: c.wsUrl }),
    };
    const { isStreamEvent, streamLiquidations, streamMark } = await import('../../stream/index.js');
    const it: AsyncIterable<StreamMark | StreamLiquidation | LiveGapEvent | FeedEvent> =
      kind === 'mark' ? streamMark(options) : streamLiquidations(options);
    for await (const item of it) {
      if (isStreamEvent(item)) {
        const e = item as LiveGapEvent | FeedEvent;
        if (e.kind === 'gap') gaps++;
        const d = describeLiveEvent(e);
        (d.warn ? run.warn : run.info)(`tickwire: ${exchange} ${d.line}`);
        continue;
      }
      const wait = run.out.write(liveLine(run.format, kind, item as StreamMark | StreamLiquidation));
      if (wait) await wait;
      if (run.counted(++records)) break;
    }
    return { incomplete: gaps > 0, summary: `${records} ${what} (${gaps} gaps)` };
  });
}
