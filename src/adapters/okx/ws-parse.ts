/**
 * OKX v5 WebSocket pushes → live records: `trades-all` (one push per fill), `books` snapshots and
 * updates with `seqId`/`prevSeqId` and the CRC32 `checksum`, `mark-price` and `funding-rate` (merged
 * into full {@link LiveMark}s by the feed), `liquidation-orders`, and `error`/`notice` events. Levels keep
 * the exact strings OKX sent (the checksum is computed over them); sizes of swaps are converted from
 * contracts to base units with the instrument's contract size.
 *
 * @module
 */
import { ProtocolError } from '../../core/errors.js';
import type { LiquidationSide } from '../../core/records.js';
import type { LiveBookMessage, LiveRecord } from '../live.js';
import type { BookChange, BookSideName } from '../order-book.js';
import { array, decimal, integer, object, text } from '../values.js';
import { type Decimal, scaled } from './decimal.js';
import { msText, parseOkxTrade } from './parse.js';

/** The contract size of each swap by `instId` (spot: absent, sizes are base units). */
export type ContractSizes = ReadonlyMap<string, Decimal>;

/** A partial mark state from one channel, merged by the feed. */
export type OkxMarkPart = {
  readonly kind: 'mark-part';
  readonly market: string;
  readonly tsNs: bigint;
  readonly markPrice?: number;
  readonly fundingRate?: number;
  readonly nextFundingNs?: bigint;
};

/** The server announced a service upgrade (`notice` 64008): reconnect before it disconnects. */
export type OkxNotice = { readonly kind: 'notice'; readonly code: string; readonly message: string };

/** What one OKX frame parses into. */
export type OkxWsRecord = LiveRecord | OkxMarkPart | OkxNotice;

/** Parses one frame (`pong` and acks give nothing). */
export function parseOkxWsFrame(raw: string, contracts: ContractSizes): OkxWsRecord[] {
  if (raw === 'pong') return [];
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (error) {
    throw new ProtocolError('OKX sent a frame that is not JSON', raw.slice(0, 200), { cause: error });
  }
  const o = object(msg, 'okx frame');
  const event = o['event'];
  if (event === 'error') {
    return [{ kind: 'error', message: `OKX error ${String(o['code'])}: ${String(o['msg'] ?? '')}` }];
  }
  if (event === 'notice') {
    return [{ kind: 'notice', code: String(o['code']), message: String(o['msg'] ?? '') }];
  }
  if (event !== undefined) return []; // subscribe / unsubscribe acks, channel-conn-count...
  const arg = object(o['arg'], 'arg');
  const channel = arg['channel'];
  const data = array(o['data'], 'data');
  switch (channel) {
    case 'trades-all':
    case 'trades':
      return data.map((d, i) => {
        const instId = text(object(d, `data[${i}]`)['instId'], `data[${i}].instId`);
        const t = parseOkxTrade(d, contracts.get(instId), `data[${i}]`);
        return {
          kind: 'trade' as const,
          market: instId,
          seq: t.tradeId,
          trade: { id: t.id, tsNs: t.tsNs, price: t.price, amount: t.amount, side: t.side },
        };
      });
    case 'books':
      return parseBooks(o, text(arg['instId'], 'arg.instId'), data, contracts);
    case 'mark-price':
      return data.map((d, i) => {
        const x = object(d, `data[${i}]`);
        return {
          kind: 'mark-part' as const,
          market: text(x['instId'], `data[${i}].instId`),
          tsNs: msText(x['ts'], `data[${i}].ts`),
          markPrice: decimal(x['markPx'], `data[${i}].markPx`),
        };
      });
    case 'funding-rate':
      return data.map((d, i) => {
        const x = object(d, `data[${i}]`);
        // `fundingTime` is the settlement of the period in progress; older docs strike it, so fall back.
        const next =
          x['fundingTime'] !== undefined && x['fundingTime'] !== '' ? x['fundingTime'] : x['nextFundingTime'];
        return {
          kind: 'mark-part' as const,
          market: text(x['instId'], `data[${i}].instId`),
          tsNs: x['ts'] === undefined ? 0n : msText(x['ts'], `data[${i}].ts`),
          fundingRate: decimal(x['fundingRate'], `data[${i}].fundingRate`),
          nextFundingNs: msText(next, `data[${i}].fundingTime`),
        };
      });
    case 'liquidation-orders':
      return data.flatMap((d, i) => {
        const x = object(d, `data[${i}]`);
        const instId = text(x['instId'], `data[${i}].instId`);
        return array(x['details'], `data[${i}].details`).map((raw, j) => {
          const f = `data[${i}].details[${j}]`;
          const det = object(raw, f);
          const pos = det['posSide'];
          // The position's side: posSide in long/short mode, else the order side (a sell closes a long).
          const side: LiquidationSide =
            pos === 'long' || pos === 'short' ? pos : det['side'] === 'sell' ? 'long' : 'short';
          return {
            kind: 'liquidation' as const,
            market: instId,
            liquidation: {
              tsNs: msText(det['ts'], `${f}.ts`),
              side,
              price: decimal(det['bkPx'], `${f}.bkPx`),
              amount: scaled(text(det['sz'], `${f}.sz`), contracts.get(instId), `${f}.sz`),
              sampled: true,
            },
          };
        });
      });
    default:
      return [];
  }
}

function parseBooks(
  o: Record<string, unknown>,
  instId: string,
  data: unknown[],
  contracts: ContractSizes,
): LiveBookMessage[] {
  const action = o['action'];
  const contract = contracts.get(instId);
  return data.map((d, i) => {
    const x = object(d, `data[${i}]`);
    const changes: BookChange[] = [];
    levels(x['bids'], 'bid', `data[${i}].bids`, contract, changes);
    levels(x['asks'], 'ask', `data[${i}].asks`, contract, changes);
    const checksum = x['checksum'];
    return {
      kind: action === 'snapshot' ? 'book-snapshot' : 'book-update',
      market: instId,
      changes,
      lastId: integer(x['seqId'], `data[${i}].seqId`),
      prevId: integer(x['prevSeqId'], `data[${i}].prevSeqId`),
      // OKX now sends 0 (or nothing): treated as "no checksum", the seqId chain decides.
      ...(checksum === undefined || checksum === 0
        ? {}
        : { checksum: integer(checksum, `data[${i}].checksum`) }),
      ...(x['ts'] === undefined ? {} : { tsNs: msText(x['ts'], `data[${i}].ts`) }),
    };
  });
}

function levels(
  value: unknown,
  side: BookSideName,
  field: string,
  contract: Decimal | undefined,
  out: BookChange[],
): void {
  if (value === undefined) return;
  const rows = array(value, field);
  for (let i = 0; i < rows.length; i++) {
    const l = array(rows[i], `${field}[${i}]`);
    const priceText = text(l[0], `${field}[${i}][0]`);
    const amountText = text(l[1], `${field}[${i}][1]`);
    out.push({
      side,
      price: decimal(priceText, `${field}[${i}][0]`),
      amount: scaled(amountText, contract, `${field}[${i}][1]`),
      priceText,
      amountText,
    });
  }
}
